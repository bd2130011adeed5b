import {
  type ChatCompletionChunk,
  ChunkJsonParser,
  createProtocolError,
  createSSEDecoder,
  ProtocolError,
  type SSEDecoder,
  type SSEDecoderOptions,
  type SSEEvent,
  withSourceJson,
} from '@switchyard/protocol';
import { ITERATION_DONE } from './iteration-done.js';
import { mapFinishReason } from './map-finish-reason.js';
import { normalizeReasoningFields } from './normalize-reasoning.js';
import { withStreamStarted } from './upstream-error.js';

type Json = Record<string, unknown>;

interface ToolState {
  /** The dense index emitted to the client: 0, 1, 2… per choice, in order of appearance. */
  readonly index: number;
  id: string | undefined;
  name: string | undefined;
  identitySent: boolean;
  /** Arguments that arrived before the function name, held until it comes. */
  pending: string;
  /** Arguments emitted so far. */
  arguments: string;
}

interface ChoiceState {
  roleSent: boolean;
  finished: boolean;
  readonly tools: ToolState[];
  readonly byIndex: Map<number, ToolState>;
  readonly byId: Map<string, ToolState>;
}

export interface RepairStreamOptions {
  requestId: string | null;
  /** The requested model, used when an upstream chunk names none. */
  model: string;
  /** Makes an id for a tool call (or a chunk) the upstream sent without one. */
  generateId(): string;
}

/**
 * Decodes an upstream SSE body and turns its events into well-formed protocol chunks:
 * - `role: "assistant"` exactly once per choice, on its first delta (Z.ai repeats it, Mistral
 *   omits it);
 * - reasoning in `reasoning_content` (`reasoning` renamed, Mistral content-part arrays split);
 * - tool calls renumbered densely per choice (index 0, 1… even when the upstream starts at 1 or
 *   skips), identity (`id`, `type`, `function.name`) sent once, repeated or blank identity in later
 *   fragments dropped, empty argument fragments dropped, a whole-arguments re-send dropped;
 * - usage taken from whichever chunk carries it (the last one wins) and sent once, as a
 *   `choices: []` chunk after the last finish, instead of riding on the finish chunk;
 * - `choices: []` chunks without usage (keep-alive preambles) and comments dropped;
 * - finish reasons normalised (`sensitive` → `content_filter`); `network_error`/`error` thrown;
 * - `event: error` and `data: {"error":…}` thrown as protocol errors; a stream that ends before
 *   every choice finished throws `stream_incomplete`. `streamStarted` is true once a chunk was yielded.
 */
export function repairStream(
  body: AsyncIterable<Uint8Array>,
  options: RepairStreamOptions & SSEDecoderOptions,
): AsyncIterableIterator<ChatCompletionChunk> {
  return new RepairedStream(body[Symbol.asyncIterator](), options);
}

/**
 * {@link repairStream}'s iterator: each network piece is decoded and repaired in one plain loop
 * into a queue, and `next()` hands out queued chunks as resolved promises, without a generator
 * step or a promise per event in between. An error (an error event, a broken upstream, a failed
 * check) comes after the chunks repaired before it.
 */
class RepairedStream implements AsyncIterableIterator<ChatCompletionChunk> {
  readonly #body: AsyncIterator<Uint8Array>;
  readonly #repair: StreamRepair;
  readonly #decoder: SSEDecoder;
  readonly #events: SSEEvent[] = [];
  readonly #ready: ChatCompletionChunk[] = [];
  #head = 0;
  /** A chunk was handed out or queued: errors from here on are `streamStarted`. */
  #started = false;
  /** `[DONE]` came: the rest of the body is read (so the connection can be reused) but ignored. */
  #sawDone = false;
  /** The body ended, or the consumer stopped: nothing more is read. */
  #finished = false;
  #failure: unknown;
  #failed = false;
  /** The undecoded rest of the network piece that held the first chunk. */
  #rest: Uint8Array | undefined;

  constructor(body: AsyncIterator<Uint8Array>, options: RepairStreamOptions & SSEDecoderOptions) {
    this.#body = body;
    this.#repair = new StreamRepair(options);
    this.#decoder = createSSEDecoder((event) => this.#events.push(event), {
      maxEventSize: options.maxEventSize,
      json: options.json ?? new ChunkJsonParser(),
    });
  }

  next(): Promise<IteratorResult<ChatCompletionChunk>> {
    if (this.#head < this.#ready.length) {
      const value = this.#ready[this.#head++] as ChatCompletionChunk;
      if (this.#head === this.#ready.length) {
        this.#ready.length = 0;
        this.#head = 0;
      }
      return Promise.resolve({ done: false, value });
    }
    if (this.#failed) {
      this.#failed = false;
      this.#finished = true;
      return Promise.reject(this.#failure);
    }
    if (this.#finished) return Promise.resolve(ITERATION_DONE);
    return this.#pull();
  }

  async return(): Promise<IteratorResult<ChatCompletionChunk>> {
    this.#ready.length = 0;
    this.#head = 0;
    this.#rest = undefined;
    this.#failed = false;
    this.#stop();
    return ITERATION_DONE;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Reads network pieces until one repairs into a chunk, or the body ends or fails. */
  async #pull(): Promise<IteratorResult<ChatCompletionChunk>> {
    try {
      while (this.#ready.length === 0 && !this.#failed && !this.#finished) {
        if (this.#rest) {
          const rest = this.#rest;
          this.#rest = undefined;
          this.#decoder.feed(rest);
          this.#repairEvents();
          continue;
        }
        const piece = await this.#body.next();
        if (this.#finished) break; // stopped by the consumer meanwhile
        if (piece.done) {
          this.#finished = true;
          this.#decoder.end();
          this.#repairEvents();
          // No `[DONE]`: accepted when every choice finished (openai-node does the same).
          if (!this.#sawDone && !this.#failed) this.#queue(this.#repair.end(this.#started));
        } else {
          this.#feed(piece.value);
        }
      }
    } catch (error) {
      // The body failed (its iterator is then done), or the end-of-stream check threw.
      this.#finished = true;
      this.#fail(error);
    }
    return this.next();
  }

  /**
   * Decodes and repairs a network piece. Until the first chunk is out, the piece is taken one event
   * at a time and the rest waits for the next pull: the first chunk leaves without waiting for a
   * whole burst of events behind it to be parsed (time to first byte).
   */
  #feed(bytes: Uint8Array): void {
    let piece = bytes;
    while (!this.#started && !this.#failed) {
      const end = firstEventEnd(piece);
      if (end === -1 || end === piece.length) break;
      this.#decoder.feed(piece.subarray(0, end));
      this.#repairEvents();
      piece = piece.subarray(end);
      if (this.#ready.length > 0) {
        this.#rest = piece;
        return;
      }
    }
    if (this.#failed) return;
    this.#decoder.feed(piece);
    this.#repairEvents();
  }

  /** Repairs the decoded events into the queue; after an error, the body is not read further. */
  #repairEvents(): void {
    const events = this.#events;
    try {
      for (const event of events) {
        if (this.#sawDone || this.#failed) continue;
        if (event.type === 'chunk') {
          const unchanged = this.#repair.passThrough(event.chunk as unknown as Json, event.data);
          if (unchanged) {
            this.#ready.push(unchanged);
            this.#started = true;
          } else {
            this.#queue(this.#repair.push(event.chunk as unknown as Json, this.#started));
          }
        } else if (event.type === 'error') {
          this.#fail(event.error);
        } else if (event.type === 'done') {
          this.#sawDone = true;
          this.#queue(this.#repair.end(this.#started));
        }
      }
    } catch (error) {
      this.#fail(error);
    } finally {
      events.length = 0;
    }
    if (this.#failed) this.#stop();
  }

  #queue(chunks: readonly ChatCompletionChunk[]): void {
    for (const chunk of chunks) {
      this.#ready.push(chunk);
      this.#started = true;
    }
  }

  #fail(error: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#failure = ProtocolError.isInstance(error) ? withStreamStarted(error, this.#started) : error;
  }

  /** Stops reading: the body's iterator is returned (which ends the upstream call). */
  #stop(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#body.return?.()?.catch(() => {});
  }
}

class StreamRepair {
  readonly #options: RepairStreamOptions;
  readonly #choices = new Map<number, ChoiceState>();
  #meta: { id: string; created: number; model: string } | undefined;
  #usageChunk: Json | undefined;

  constructor(options: RepairStreamOptions) {
    this.#options = options;
  }

  /**
   * The upstream chunk itself, recorded with its JSON so that it is relayed without being
   * serialised again, when it needs no repair: the common content chunk of a well-behaved upstream
   * (complete metadata, role exactly on each choice's first delta, text fields only, no finish, no
   * usage). `"usage":null` is cut from both. Undefined otherwise: use {@link push}.
   */
  passThrough(upstream: Json, json: string): ChatCompletionChunk | undefined {
    let relayed = json;
    if ('usage' in upstream) {
      if (upstream.usage !== null) return undefined;
      relayed = withoutNullUsage(json) ?? '';
      if (relayed === '') return undefined;
    }
    if (!this.#needsNoRepair(upstream)) return undefined;
    this.#fillMeta(upstream);
    for (const choice of upstream.choices as Json[]) {
      const index = choice.index as number;
      const state = this.#choices.get(index);
      if (state) state.roleSent = true;
      else this.#choices.set(index, newChoiceState(true));
    }
    // A copy without `usage`, not `delete`: deleting a property makes V8 store the object as a slow
    // dictionary, and every later look at the chunk pays for it.
    const chunk = relayed === json ? upstream : withoutUsage(upstream);
    return withSourceJson(chunk as unknown as ChatCompletionChunk, relayed);
  }

  #needsNoRepair(upstream: Json): boolean {
    const { id, object, created, model, choices } = upstream;
    if (typeof id !== 'string' || id === '' || object !== 'chat.completion.chunk') return false;
    if (typeof created !== 'number' || typeof model !== 'string' || model === '') return false;
    if (!Array.isArray(choices) || choices.length === 0) return false;
    for (let i = 0; i < choices.length; i++) {
      const choice = choices[i] as unknown;
      if (typeof choice !== 'object' || choice === null) return false;
      const { index, delta, finish_reason } = choice as Json;
      if (typeof index !== 'number' || finish_reason !== null) return false;
      if (typeof delta !== 'object' || delta === null) return false;
      for (let j = 0; j < i; j++) if ((choices[j] as Json).index === index) return false;
      const roleSent = this.#choices.get(index)?.roleSent === true;
      if (((delta as Json).role === 'assistant') === roleSent) return false;
      for (const key in delta) {
        if (key === 'role') continue;
        if (key !== 'content' && key !== 'reasoning_content' && key !== 'refusal') return false;
        const value = (delta as Json)[key];
        if (typeof value !== 'string' && value !== null) return false;
      }
    }
    return true;
  }

  push(upstream: Json, streamStarted: boolean): ChatCompletionChunk[] {
    const { choices, usage, ...top } = upstream;
    this.#fillMeta(top);
    if (typeof usage === 'object' && usage !== null) this.#usageChunk = { ...top, choices: [], usage };
    const out: Json[] = [];
    if (Array.isArray(choices)) {
      for (const choice of choices) {
        if (typeof choice !== 'object' || choice === null) continue;
        const repaired = this.#repairChoice(choice as Json, streamStarted);
        if (repaired) out.push(repaired);
      }
    }
    return out.length === 0 ? [] : [{ ...top, choices: out } as unknown as ChatCompletionChunk];
  }

  /** Checks that the stream is complete and returns the usage chunk, if usage came. */
  end(streamStarted: boolean): ChatCompletionChunk[] {
    const unfinished = [...this.#choices].filter(([, state]) => !state.finished).map(([index]) => index);
    if (this.#choices.size === 0 || unfinished.length > 0) {
      throw createProtocolError({
        message:
          this.#choices.size === 0
            ? 'The upstream stream ended without any choice.'
            : `The upstream stream ended before choice ${unfinished.join(', ')} finished (no finish_reason).`,
        code: 'stream_incomplete',
        requestId: this.#options.requestId,
        streamStarted,
      });
    }
    return this.#usageChunk ? [this.#usageChunk as unknown as ChatCompletionChunk] : [];
  }

  #fillMeta(top: Json): void {
    this.#meta ??= {
      id: typeof top.id === 'string' && top.id !== '' ? top.id : `chatcmpl-${this.#options.generateId()}`,
      created: typeof top.created === 'number' ? top.created : Math.floor(Date.now() / 1000),
      model: typeof top.model === 'string' && top.model !== '' ? top.model : this.#options.model,
    };
    if (typeof top.id !== 'string' || top.id === '') top.id = this.#meta.id;
    if (top.object !== 'chat.completion.chunk') top.object = 'chat.completion.chunk';
    if (typeof top.created !== 'number') top.created = this.#meta.created;
    if (typeof top.model !== 'string' || top.model === '') top.model = this.#meta.model;
  }

  #repairChoice(choice: Json, streamStarted: boolean): Json | undefined {
    const index = typeof choice.index === 'number' ? choice.index : 0;
    let state = this.#choices.get(index);
    if (!state) {
      state = newChoiceState(false);
      this.#choices.set(index, state);
    }
    if (state.finished) return undefined;

    const upstreamDelta =
      typeof choice.delta === 'object' && choice.delta !== null ? (choice.delta as Json) : {};
    const { role: _role, ...rest } = upstreamDelta;
    const delta: Json = state.roleSent ? rest : { role: 'assistant', ...rest };
    state.roleSent = true;
    normalizeReasoningFields(delta, undefined);
    if (Array.isArray(delta.tool_calls)) {
      const fragments = this.#repairToolCalls(state, delta.tool_calls);
      if (fragments.length > 0) delta.tool_calls = fragments;
      else delete delta.tool_calls;
    }

    let finishReason: string | null = null;
    if (typeof choice.finish_reason === 'string' && choice.finish_reason !== '') {
      const mapped = mapFinishReason(choice.finish_reason, {
        requestId: this.#options.requestId,
        streamStarted,
      });
      if ('error' in mapped) throw mapped.error;
      finishReason = mapped.finishReason;
      this.#checkToolNames(state, streamStarted);
      state.finished = true;
    }
    const logprobs = choice.logprobs;
    if (
      Object.keys(delta).length === 0 &&
      finishReason === null &&
      (logprobs === undefined || logprobs === null)
    ) {
      return undefined;
    }
    return { ...choice, index, delta, finish_reason: finishReason };
  }

  #repairToolCalls(state: ChoiceState, fragments: unknown[]): Json[] {
    const out: Json[] = [];
    for (const fragment of fragments) {
      if (typeof fragment !== 'object' || fragment === null) continue;
      const { index: upstreamIndex, id: rawId, type: _type, function: fn, ...extra } = fragment as Json;
      const id = typeof rawId === 'string' && rawId !== '' ? rawId : undefined;
      const fields = typeof fn === 'object' && fn !== null ? (fn as Json) : {};
      const name = typeof fields.name === 'string' && fields.name !== '' ? fields.name : undefined;
      const args = typeof fields.arguments === 'string' ? fields.arguments : '';

      const tool = this.#findTool(state, typeof upstreamIndex === 'number' ? upstreamIndex : undefined, id);
      if (tool.id === undefined && id !== undefined) {
        tool.id = id;
        state.byId.set(id, tool);
      }
      if (tool.name === undefined && name !== undefined) tool.name = name;

      if (!tool.identitySent) {
        if (tool.name === undefined) {
          tool.pending += args; // some providers send arguments before the name
          continue;
        }
        tool.id ??= this.#options.generateId();
        const first = tool.pending + args;
        tool.identitySent = true;
        tool.pending = '';
        tool.arguments = first;
        out.push({
          index: tool.index,
          id: tool.id,
          type: 'function',
          function: { name: tool.name, arguments: first },
          ...extra,
        });
        continue;
      }
      if (args === '') continue;
      if (args === tool.arguments && isCompleteJson(args)) continue; // the whole arguments re-sent
      tool.arguments += args;
      out.push({ index: tool.index, function: { arguments: args }, ...extra });
    }
    return out;
  }

  #findTool(state: ChoiceState, upstreamIndex: number | undefined, id: string | undefined): ToolState {
    let tool = upstreamIndex === undefined ? undefined : state.byIndex.get(upstreamIndex);
    // The same call re-sent under another index (LocalAI), or a fragment without index (Gemini).
    if (!tool && id !== undefined) tool = state.byId.get(id);
    if (!tool && upstreamIndex === undefined && id === undefined) tool = state.tools.at(-1);
    if (!tool) {
      tool = {
        index: state.tools.length,
        id: undefined,
        name: undefined,
        identitySent: false,
        pending: '',
        arguments: '',
      };
      state.tools.push(tool);
    }
    if (upstreamIndex !== undefined && !state.byIndex.has(upstreamIndex))
      state.byIndex.set(upstreamIndex, tool);
    return tool;
  }

  #checkToolNames(state: ChoiceState, streamStarted: boolean): void {
    const nameless = state.tools.find((tool) => !tool.identitySent);
    if (!nameless) return;
    throw createProtocolError({
      message: `The upstream sent tool call ${nameless.index} without a function name.`,
      code: 'bad_response',
      requestId: this.#options.requestId,
      streamStarted,
    });
  }
}

const LF = 10;
const CR = 13;

/** The offset just past the first blank line (`\n\n` or `\r\n\r\n`) of `bytes`, or -1. */
function firstEventEnd(bytes: Uint8Array): number {
  for (let at = bytes.indexOf(LF); at !== -1; at = bytes.indexOf(LF, at + 1)) {
    if (bytes[at + 1] === LF) return at + 2;
    if (bytes[at + 1] === CR && bytes[at + 2] === LF) return at + 3;
  }
  return -1;
}

const USAGE_NULL = '"usage":null';

/**
 * The chunk JSON without its `"usage":null` member (OpenAI's placeholder when usage is asked for),
 * or undefined unless that member is written exactly so, once, and nowhere else is `"usage"`.
 */
function withoutNullUsage(json: string): string | undefined {
  const at = json.indexOf('"usage"');
  if (at <= 0 || json.indexOf('"usage"', at + 1) !== -1 || !json.startsWith(USAGE_NULL, at)) return undefined;
  const end = at + USAGE_NULL.length;
  const before = json[at - 1];
  const after = json[end];
  if (before === ',' && (after === ',' || after === '}')) return json.slice(0, at - 1) + json.slice(end);
  if (before === '{' && after === ',') return json.slice(0, at) + json.slice(end + 1);
  return undefined;
}

function withoutUsage({ usage: _usage, ...chunk }: Json): Json {
  return chunk;
}

function newChoiceState(roleSent: boolean): ChoiceState {
  return { roleSent, finished: false, tools: [], byIndex: new Map(), byId: new Map() };
}

function isCompleteJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
