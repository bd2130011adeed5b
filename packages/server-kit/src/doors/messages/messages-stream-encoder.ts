import {
  ANTHROPIC_REASONING_FORMAT,
  MESSAGES_DOOR,
  type NativeSSEFrame,
  nativeFramesOf,
} from '@switchyard/adapter-kit';
import {
  type ChatCompletionChunk,
  type ChunkDelta,
  encodeEvent,
  type ProtocolError,
  type Usage,
} from '@switchyard/protocol';
import type { StreamEncoder } from '../../front-door.js';
import { mapStopReason } from './map-stop-reason.js';
import { messageId } from './message-id.js';
import { messagesErrorBody } from './messages-error.js';
import { toMessagesUsage } from './messages-usage.js';

type OpenBlock =
  | { readonly kind: 'text' | 'thinking'; readonly index: number }
  | { readonly kind: 'tool'; readonly index: number; readonly toolIndex: number };

/** What the encoder knows of the request it answers. */
export interface MessagesStreamEncoderOptions {
  /** The model the client asked for, until a chunk names the one that answers. */
  readonly model: string;
  /** The message id when no chunk gives one (the request id). */
  readonly fallbackId: string;
}

function event(type: string, payload: Record<string, unknown>): string {
  return encodeEvent(type, JSON.stringify({ type, ...payload }));
}

function relay(frames: readonly NativeSSEFrame[]): string {
  let out = '';
  for (const frame of frames)
    out += frame.event === undefined ? `data: ${frame.data}\n\n` : encodeEvent(frame.event, frame.data);
  return out;
}

/**
 * Encodes one canonical chunk stream as Messages SSE events: `message_start`; per block
 * `content_block_start`, its deltas (`text_delta`, `thinking_delta`, `signature_delta`,
 * `input_json_delta`) and `content_block_stop`; then `message_delta` (stop reason and usage,
 * cache reads and writes apart) and `message_stop`; a failure after the start as an `error`
 * event. Chunks that carry an upstream's own Messages frames (a native passthrough, see
 * `withNativeFrames`) are relayed frame for frame instead.
 */
export class MessagesStreamEncoder implements StreamEncoder {
  readonly #options: MessagesStreamEncoderOptions;
  #started = false;
  #native = false;
  #nativeStopped = false;
  #open: OpenBlock | undefined;
  #blocks = 0;
  /** Block index of each tool call (by its chunk `index`). */
  readonly #tools = new Map<number, number>();
  #finishReason: string | null | undefined;

  constructor(options: MessagesStreamEncoderOptions) {
    this.#options = options;
  }

  start(): string {
    // `message_start` waits for the first chunk: it may be the upstream's own (passthrough).
    return '';
  }

  chunk(chunk: ChatCompletionChunk): string {
    const frames = nativeFramesOf(chunk, MESSAGES_DOOR);
    if (frames) return this.#relay(frames);
    let out = this.#messageStart(chunk);
    const choice = chunk.choices.find((c) => c.index === 0);
    if (!choice) return out;
    out += this.#delta(choice.delta);
    if (choice.finish_reason) this.#finishReason = choice.finish_reason;
    return out;
  }

  end(usage: Usage | undefined, usageChunk: ChatCompletionChunk | undefined): string {
    const frames = usageChunk ? nativeFramesOf(usageChunk, MESSAGES_DOOR) : undefined;
    if (frames) return this.#relay(frames) + this.#nativeEnd();
    if (this.#native) return this.#nativeEnd();
    let out = this.#messageStart(usageChunk) + this.#close();
    out += event('message_delta', {
      delta: { stop_reason: mapStopReason(this.#finishReason), stop_sequence: null },
      usage: toMessagesUsage(usage),
    });
    return out + event('message_stop', {});
  }

  error(error: ProtocolError): string {
    return encodeEvent('error', JSON.stringify(messagesErrorBody(error)));
  }

  #relay(frames: readonly NativeSSEFrame[]): string {
    this.#native = true;
    this.#started = true;
    if (frames.some((frame) => frame.event === 'message_stop')) this.#nativeStopped = true;
    return relay(frames);
  }

  /** A relayed stream whose `message_stop` rode on no chunk still ends as a Messages stream must. */
  #nativeEnd(): string {
    return this.#nativeStopped ? '' : event('message_stop', {});
  }

  #messageStart(chunk: ChatCompletionChunk | undefined): string {
    if (this.#started) return '';
    this.#started = true;
    return event('message_start', {
      message: {
        id: messageId(chunk?.id || this.#options.fallbackId),
        type: 'message',
        role: 'assistant',
        model: chunk?.model || this.#options.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        // The canonical stream reports usage at its end: the counts arrive in `message_delta`.
        usage: toMessagesUsage(undefined),
      },
    });
  }

  #delta(delta: ChunkDelta): string {
    let out = '';
    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (reasoning)
      out += this.#ensure('thinking') + this.#blockDelta({ type: 'thinking_delta', thinking: reasoning });
    out += this.#signatures((delta as { reasoning_details?: unknown }).reasoning_details);
    if (delta.content)
      out += this.#ensure('text') + this.#blockDelta({ type: 'text_delta', text: delta.content });
    for (const call of delta.tool_calls ?? []) {
      const toolIndex = call.index ?? 0;
      let index = this.#tools.get(toolIndex);
      if (index === undefined) {
        out += this.#close();
        index = this.#blocks++;
        this.#tools.set(toolIndex, index);
        this.#open = { kind: 'tool', index, toolIndex };
        out += event('content_block_start', {
          index,
          content_block: {
            type: 'tool_use',
            id: call.id ?? `toolu_${index}`,
            name: call.function?.name ?? '',
            input: {},
          },
        });
      }
      const args = call.function?.arguments;
      if (args)
        out += event('content_block_delta', {
          index,
          delta: { type: 'input_json_delta', partial_json: args },
        });
    }
    return out;
  }

  /** Signed thinking (Anthropic's, replayed from a cache): the signature ends its block. */
  #signatures(details: unknown): string {
    if (!Array.isArray(details)) return '';
    let out = '';
    for (const detail of details as Record<string, unknown>[]) {
      if (detail?.format !== ANTHROPIC_REASONING_FORMAT) continue;
      if (detail.type === 'reasoning.text' && typeof detail.signature === 'string') {
        out +=
          this.#ensure('thinking') +
          this.#blockDelta({ type: 'signature_delta', signature: detail.signature });
        out += this.#close();
      } else if (detail.type === 'reasoning.encrypted' && typeof detail.data === 'string') {
        out += this.#close();
        const index = this.#blocks++;
        out += event('content_block_start', {
          index,
          content_block: { type: 'redacted_thinking', data: detail.data },
        });
        out += event('content_block_stop', { index });
      }
    }
    return out;
  }

  /** Opens a block of `kind` unless one is open, closing whatever else was. */
  #ensure(kind: 'text' | 'thinking'): string {
    if (this.#open?.kind === kind) return '';
    const out = this.#close();
    const index = this.#blocks++;
    this.#open = { kind, index };
    const content_block =
      kind === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '', signature: '' };
    return out + event('content_block_start', { index, content_block });
  }

  #blockDelta(delta: Record<string, unknown>): string {
    return event('content_block_delta', { index: this.#open?.index ?? 0, delta });
  }

  #close(): string {
    if (!this.#open) return '';
    const { index } = this.#open;
    this.#open = undefined;
    return event('content_block_stop', { index });
  }
}
