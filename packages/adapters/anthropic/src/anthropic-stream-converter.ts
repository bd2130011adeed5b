import type { ReasoningDetail } from '@switchyard/adapter-kit';
import {
  type ChatCompletionChunk,
  type ChunkDelta,
  createProtocolError,
  ErrorCode,
} from '@switchyard/protocol';
import {
  type AnthropicStreamEvent,
  AnthropicStreamEventSchema,
  type AnthropicUsage,
} from './anthropic-api-types.js';
import { anthropicStreamError } from './anthropic-error.js';
import { convertAnthropicUsage, mergeAnthropicUsage } from './convert-anthropic-usage.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';
import { JSON_TOOL_NAME } from './prepare-anthropic-tools.js';
import { reasoningDetailFromBlock } from './reasoning-details.js';

const KNOWN_EVENTS = new Set([
  'message_start',
  'content_block_start',
  'content_block_delta',
  'content_block_stop',
  'message_delta',
  'message_stop',
  'ping',
  'error',
]);

interface DeltaPayload {
  type: string;
  text?: string | null;
  thinking?: string | null;
  signature?: string | null;
  partial_json?: string | null;
}

const DELTA_TEXT_FIELDS = ['text', 'thinking', 'signature', 'partial_json'] as const;

function isPlainDelta(value: unknown): value is { index: number; delta: DeltaPayload } {
  const event = value as { index?: unknown; delta?: unknown };
  if (typeof event.index !== 'number' || typeof event.delta !== 'object' || event.delta === null)
    return false;
  const delta = event.delta as Record<string, unknown>;
  if (typeof delta.type !== 'string') return false;
  for (const field of DELTA_TEXT_FIELDS) {
    const text = delta[field];
    if (text != null && typeof text !== 'string') return false;
  }
  return true;
}

type BlockState =
  | { kind: 'text' }
  | { kind: 'thinking'; text: string; signature: string }
  | { kind: 'redacted'; data: string }
  | { kind: 'tool'; toolIndex: number; hasArguments: boolean }
  | { kind: 'json'; hasContent: boolean }
  /** Server-side tool blocks (MCP, web search, code execution…): run by Anthropic, not ours. */
  | { kind: 'skip' };

/**
 * Turns Anthropic stream events into chat-completion chunks, one event at a time:
 * `message_start` → the role chunk; text, thinking and tool-input deltas → content,
 * `reasoning_content` and tool-call argument fragments (identity once per call, indexes counted
 * over client `tool_use` blocks only, `"{}"` for a tool that streamed no input); a finished thinking
 * block → one `reasoning_details` entry with its signature; `message_delta` → the finish chunk;
 * `message_stop` → the usage chunk (`choices: []`). Usage counts are cumulative snapshots, so
 * later values replace earlier ones. An `error` event throws a protocol error.
 */
export class AnthropicStreamConverter {
  private id = '';
  private model: string;
  private readonly created: number;
  private readonly jsonTool: boolean;
  private readonly requestId: string | null;
  private usage: AnthropicUsage = {};
  private readonly blocks = new Map<number, BlockState>();
  private toolCount = 0;
  private detailCount = 0;
  private started = false;
  private finished = false;
  private usageSent = false;

  constructor(options: { model: string; created: number; jsonTool: boolean; requestId?: string | null }) {
    this.model = options.model;
    this.created = options.created;
    this.jsonTool = options.jsonTool;
    this.requestId = options.requestId ?? null;
  }

  /** Whether a chunk has been produced, so that an error now comes after the stream started. */
  get hasStarted(): boolean {
    return this.started;
  }

  /** Converts the JSON payload of one `data:` line; unknown event types are ignored. */
  pushData(data: string): ChatCompletionChunk[] {
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch (cause) {
      throw this.badEvent(`Anthropic sent a malformed stream event: ${data.slice(0, 120)}`, cause);
    }
    const type = (value as { type?: unknown } | null)?.type;
    // Deltas are nearly every event of a stream: checked by hand, they skip the schema.
    if (type === 'content_block_delta' && isPlainDelta(value)) return this.delta(value.index, value.delta);
    if (typeof type !== 'string' || !KNOWN_EVENTS.has(type)) return [];
    const parsed = AnthropicStreamEventSchema.safeParse(value);
    if (!parsed.success) {
      throw this.badEvent(`Anthropic sent a ${type} event this adapter cannot read.`, parsed.error);
    }
    return this.push(parsed.data);
  }

  push(event: AnthropicStreamEvent): ChatCompletionChunk[] {
    switch (event.type) {
      case 'message_start': {
        this.usage = mergeAnthropicUsage(this.usage, event.message.usage);
        if (this.started) return [];
        this.started = true;
        this.id = event.message.id;
        this.model = event.message.model || this.model;
        return [this.chunk({ role: 'assistant', content: '' })];
      }
      case 'content_block_start':
        return this.startBlock(event.index, event.content_block);
      case 'content_block_delta':
        return this.delta(event.index, event.delta);
      case 'content_block_stop':
        return this.stopBlock(event.index);
      case 'message_delta': {
        this.usage = mergeAnthropicUsage(this.usage, event.usage);
        if (this.finished) return [];
        this.finished = true;
        const jsonAnswered = this.jsonTool && this.toolCount === 0 && this.hasJsonBlock();
        return [this.chunk({}, mapAnthropicStopReason(event.delta.stop_reason, jsonAnswered))];
      }
      case 'message_stop':
        return this.finished ? this.usageChunks() : [];
      case 'ping':
        return [];
      case 'error':
        throw anthropicStreamError(event.error, this.requestId, this.started);
    }
  }

  /**
   * Call when the upstream body ends: returns the usage chunk if `message_stop` never came, or
   * throws `stream_incomplete` if the message never finished.
   */
  end(): ChatCompletionChunk[] {
    if (!this.finished) {
      throw createProtocolError({
        message: 'The Anthropic stream ended before the message finished.',
        code: ErrorCode.streamIncomplete,
        requestId: this.requestId,
        streamStarted: this.started,
      });
    }
    return this.usageChunks();
  }

  private startBlock(
    index: number,
    block: { type: string } & Record<string, unknown>,
  ): ChatCompletionChunk[] {
    switch (block.type) {
      case 'text': {
        this.blocks.set(index, { kind: 'text' });
        const text = typeof block.text === 'string' ? block.text : '';
        return text ? [this.chunk({ content: text })] : [];
      }
      case 'thinking': {
        const text = typeof block.thinking === 'string' ? block.thinking : '';
        const signature = typeof block.signature === 'string' ? block.signature : '';
        this.blocks.set(index, { kind: 'thinking', text, signature });
        return text ? [this.chunk({ reasoning_content: text })] : [];
      }
      case 'redacted_thinking':
        this.blocks.set(index, { kind: 'redacted', data: typeof block.data === 'string' ? block.data : '' });
        return [];
      case 'tool_use': {
        const input = block.input;
        const prefilled =
          typeof input === 'object' && input !== null && Object.keys(input).length > 0
            ? JSON.stringify(input)
            : '';
        if (this.jsonTool && block.name === JSON_TOOL_NAME) {
          this.blocks.set(index, { kind: 'json', hasContent: prefilled !== '' });
          return prefilled ? [this.chunk({ content: prefilled })] : [];
        }
        const toolIndex = this.toolCount++;
        this.blocks.set(index, { kind: 'tool', toolIndex, hasArguments: prefilled !== '' });
        return [
          this.chunk({
            tool_calls: [
              {
                index: toolIndex,
                id: typeof block.id === 'string' ? block.id : '',
                type: 'function',
                function: { name: typeof block.name === 'string' ? block.name : '', arguments: prefilled },
              },
            ],
          }),
        ];
      }
      default:
        this.blocks.set(index, { kind: 'skip' });
        return [];
    }
  }

  private delta(index: number, delta: DeltaPayload): ChatCompletionChunk[] {
    const block = this.blocks.get(index);
    switch (delta.type) {
      case 'text_delta':
        return delta.text ? [this.chunk({ content: delta.text })] : [];
      case 'thinking_delta':
        if (block?.kind === 'thinking') block.text += delta.thinking ?? '';
        return delta.thinking ? [this.chunk({ reasoning_content: delta.thinking })] : [];
      case 'signature_delta':
        if (block?.kind === 'thinking') block.signature += delta.signature ?? '';
        return [];
      case 'input_json_delta': {
        const json = delta.partial_json;
        if (!json) return [];
        if (block?.kind === 'json') {
          block.hasContent = true;
          return [this.chunk({ content: json })];
        }
        if (block?.kind !== 'tool') return [];
        block.hasArguments = true;
        return [this.chunk({ tool_calls: [{ index: block.toolIndex, function: { arguments: json } }] })];
      }
      default:
        // citations_delta and future delta types carry nothing chat completions can express.
        return [];
    }
  }

  private stopBlock(index: number): ChatCompletionChunk[] {
    const block = this.blocks.get(index);
    if (!block) return [];
    switch (block.kind) {
      case 'tool':
        if (block.hasArguments) return [];
        block.hasArguments = true;
        return [this.chunk({ tool_calls: [{ index: block.toolIndex, function: { arguments: '{}' } }] })];
      case 'json':
        if (block.hasContent) return [];
        block.hasContent = true;
        return [this.chunk({ content: '{}' })];
      case 'thinking':
        if (!block.signature) return [];
        return [
          this.detailChunk(
            reasoningDetailFromBlock(
              { type: 'thinking', thinking: block.text, signature: block.signature },
              this.detailCount++,
            ),
          ),
        ];
      case 'redacted':
        if (!block.data) return [];
        return [
          this.detailChunk(
            reasoningDetailFromBlock({ type: 'redacted_thinking', data: block.data }, this.detailCount++),
          ),
        ];
      default:
        return [];
    }
  }

  private hasJsonBlock(): boolean {
    for (const block of this.blocks.values()) if (block.kind === 'json') return true;
    return false;
  }

  private usageChunks(): ChatCompletionChunk[] {
    if (this.usageSent) return [];
    this.usageSent = true;
    return [
      {
        id: this.id,
        object: 'chat.completion.chunk',
        created: this.created,
        model: this.model,
        choices: [],
        usage: convertAnthropicUsage(this.usage),
      },
    ];
  }

  private detailChunk(detail: ReasoningDetail): ChatCompletionChunk {
    // A vendor field: the protocol types do not list it, the wire shape keeps it.
    return this.chunk({ reasoning_details: [detail] } as ChunkDelta);
  }

  private chunk(delta: ChunkDelta, finishReason: string | null = null): ChatCompletionChunk {
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    };
  }

  private badEvent(message: string, cause: unknown) {
    return createProtocolError({
      message,
      code: ErrorCode.badResponse,
      requestId: this.requestId,
      streamStarted: this.started,
      cause,
    });
  }
}
