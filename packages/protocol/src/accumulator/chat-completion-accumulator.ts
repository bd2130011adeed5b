import { createProtocolError, type ErrorCode } from '../errors/index.js';
import type {
  AssistantMessage,
  ChatCompletion,
  ChatCompletionChoice,
  ChatCompletionChunk,
  ChunkChoice,
  ChunkDelta,
  Logprobs,
  ToolCall,
  ToolCallDelta,
  Usage,
} from '../schemas/index.js';
import { KNOWN_DELTA_KEYS, KNOWN_TOOL_CALL_KEYS, mergeVendorFields } from './merge-vendor-fields.js';

interface ToolCallState {
  key: number;
  id: string | undefined;
  name: string | undefined;
  arguments: string;
  vendor: Record<string, unknown> | undefined;
}

interface ChoiceState {
  index: number;
  role: ChunkDelta['role'];
  content: string | undefined;
  reasoning: string | undefined;
  refusal: string | undefined;
  toolCalls: ToolCallState[];
  functionCall: { name: string | undefined; arguments: string } | undefined;
  logprobs: { content: unknown[] | null; refusal: unknown[] | null } | undefined;
  finishReason: ChunkChoice['finish_reason'];
  vendor: Record<string, unknown> | undefined;
}

type LogprobToken = NonNullable<Logprobs['content']>[number];

/**
 * Rebuilds the non-stream {@link ChatCompletion} from the chunks of a stream.
 *
 * Choices are keyed by `index` (any `n`). Tool-call fragments merge per (choice, tool index):
 * `id` and `function.name` are set by the first non-empty value and never appended (some
 * providers repeat them in every fragment), `arguments` are appended. A fragment without `index`
 * is matched by `id`, then by its position in the delta. `content`, `reasoning_content` (also read
 * from `reasoning`, and from Mistral's `thinking` content parts) and `refusal` are appended, as
 * are logprobs arrays; `usage` is the last non-null one.
 *
 * Normalisation of the result: `content` is `null` when nothing but tool calls came; optional
 * message fields that never arrived are omitted (`tool_calls` too); a tool call whose arguments
 * stayed empty gets `"{}"`, one whose id never came gets `call_<index>`. Vendor fields of deltas
 * and tool-call fragments (Anthropic `reasoning_details`, Gemini `extra_content`…) are carried into
 * the message: strings appended, arrays concatenated, objects merged.
 *
 * @example
 * ```ts
 * const accumulator = new ChatCompletionAccumulator();
 * for await (const event of decodeSSE(body)) if (event.type === 'chunk') accumulator.add(event.chunk);
 * const completion = accumulator.complete();
 * ```
 */
export class ChatCompletionAccumulator {
  #id: string | undefined;
  #model: string | undefined;
  #created: number | undefined;
  #systemFingerprint: string | undefined;
  #serviceTier: string | undefined;
  #usage: Usage | undefined;
  #chunks = 0;
  readonly #choices = new Map<number, ChoiceState>();

  /** Folds one chunk into the completion. */
  add(chunk: ChatCompletionChunk): void {
    this.#chunks++;
    if (this.#id === undefined && chunk.id) this.#id = chunk.id;
    if (this.#model === undefined && chunk.model) this.#model = chunk.model;
    if (this.#created === undefined && typeof chunk.created === 'number') this.#created = chunk.created;
    if (this.#systemFingerprint === undefined && chunk.system_fingerprint) {
      this.#systemFingerprint = chunk.system_fingerprint;
    }
    if (this.#serviceTier === undefined && chunk.service_tier) this.#serviceTier = chunk.service_tier;
    if (typeof chunk.usage === 'object' && chunk.usage !== null) this.#usage = chunk.usage;
    // Chunks usually come from decodeSSE, which checks only that `choices` is an array: skip
    // entries that are not objects rather than fail on them.
    const choices = chunk.choices;
    for (let i = 0; i < choices.length; i++) {
      const choice = choices[i];
      if (typeof choice === 'object' && choice !== null) this.#addChoice(choice);
    }
  }

  /** The last non-null usage seen so far. */
  get usage(): Usage | undefined {
    return this.#usage;
  }

  /**
   * The completion so far.
   *
   * @throws {ProtocolError} code `stream_incomplete` when no chunk with a choice arrived or a
   * choice has no `finish_reason` (the stream was cut).
   */
  complete(): ChatCompletion {
    if (this.#choices.size === 0) {
      throw incomplete(
        this.#chunks === 0
          ? 'The stream ended before any chunk arrived.'
          : 'The stream ended without any choice.',
      );
    }
    const states = [...this.#choices.values()].sort((a, b) => a.index - b.index);
    const choices: ChatCompletionChoice[] = [];
    for (const state of states) {
      if (!state.finishReason) {
        throw incomplete(`The stream ended before choice ${state.index} finished (no finish_reason).`);
      }
      choices.push(buildChoice(state, state.finishReason));
    }
    const completion: ChatCompletion = {
      id: this.#id ?? '',
      object: 'chat.completion',
      created: this.#created ?? 0,
      model: this.#model ?? '',
      choices,
    };
    if (this.#usage) completion.usage = this.#usage;
    if (this.#systemFingerprint !== undefined) completion.system_fingerprint = this.#systemFingerprint;
    if (this.#serviceTier !== undefined) completion.service_tier = this.#serviceTier;
    return completion;
  }

  #addChoice(choice: ChunkChoice): void {
    const index = typeof choice.index === 'number' ? choice.index : 0;
    let state = this.#choices.get(index);
    if (state === undefined) {
      state = {
        index,
        role: undefined,
        content: undefined,
        reasoning: undefined,
        refusal: undefined,
        toolCalls: [],
        functionCall: undefined,
        logprobs: undefined,
        finishReason: undefined,
        vendor: undefined,
      };
      this.#choices.set(index, state);
    }
    const delta = choice.delta;
    if (typeof delta === 'object' && delta !== null) {
      if (state.role === undefined && delta.role) state.role = delta.role;
      const content: unknown = delta.content;
      if (typeof content === 'string') state.content = (state.content ?? '') + content;
      else if (Array.isArray(content)) addContentParts(state, content);
      const reasoning = delta.reasoning_content ?? delta.reasoning;
      if (typeof reasoning === 'string') state.reasoning = (state.reasoning ?? '') + reasoning;
      if (typeof delta.refusal === 'string') state.refusal = (state.refusal ?? '') + delta.refusal;
      const toolCalls = delta.tool_calls;
      if (Array.isArray(toolCalls)) {
        for (let i = 0; i < toolCalls.length; i++) {
          const call = toolCalls[i];
          if (typeof call === 'object' && call !== null) addToolCall(state, call, i);
        }
      }
      for (const key in delta) {
        if (!KNOWN_DELTA_KEYS.has(key)) {
          state.vendor ??= {};
          mergeVendorFields(state.vendor, delta as Record<string, unknown>, KNOWN_DELTA_KEYS);
          break;
        }
      }
      const functionCall = delta.function_call;
      if (typeof functionCall === 'object' && functionCall !== null) {
        state.functionCall ??= { name: undefined, arguments: '' };
        if (state.functionCall.name === undefined && functionCall.name)
          state.functionCall.name = functionCall.name;
        if (typeof functionCall.arguments === 'string')
          state.functionCall.arguments += functionCall.arguments;
      }
    }
    const logprobs = choice.logprobs;
    if (typeof logprobs === 'object' && logprobs !== null) {
      state.logprobs ??= { content: null, refusal: null };
      if (Array.isArray(logprobs.content)) {
        state.logprobs.content = (state.logprobs.content ?? []).concat(logprobs.content);
      }
      if (Array.isArray(logprobs.refusal)) {
        state.logprobs.refusal = (state.logprobs.refusal ?? []).concat(logprobs.refusal);
      }
    }
    if (choice.finish_reason) state.finishReason = choice.finish_reason;
  }
}

/**
 * Accumulates a whole stream of chunks (sync or async) into a {@link ChatCompletion}.
 *
 * @throws {ProtocolError} code `stream_incomplete` when a choice never finished.
 */
export async function accumulateChunks(
  chunks: AsyncIterable<ChatCompletionChunk> | Iterable<ChatCompletionChunk>,
): Promise<ChatCompletion> {
  const accumulator = new ChatCompletionAccumulator();
  for await (const chunk of chunks) accumulator.add(chunk);
  return accumulator.complete();
}

// Mistral streams reasoning as `content: [{type:"thinking", thinking:[{type:"text", text}]}, {type:"text", text}]`.
function addContentParts(state: ChoiceState, parts: unknown[]): void {
  for (const part of parts) {
    if (typeof part !== 'object' || part === null) continue;
    const { type, text, thinking } = part as { type?: unknown; text?: unknown; thinking?: unknown };
    if (type === 'text' && typeof text === 'string') {
      state.content = (state.content ?? '') + text;
    } else if (type === 'thinking') {
      if (typeof thinking === 'string') state.reasoning = (state.reasoning ?? '') + thinking;
      else if (Array.isArray(thinking)) {
        for (const inner of thinking as { type?: unknown; text?: unknown }[]) {
          if (inner?.type === 'text' && typeof inner.text === 'string') {
            state.reasoning = (state.reasoning ?? '') + inner.text;
          }
        }
      }
    }
  }
}

function addToolCall(state: ChoiceState, delta: ToolCallDelta, position: number): void {
  const call = findToolCall(state, delta, position);
  if (call.id === undefined && typeof delta.id === 'string' && delta.id) call.id = delta.id;
  const fn = delta.function;
  if (typeof fn === 'object' && fn !== null) {
    if (call.name === undefined && typeof fn.name === 'string' && fn.name) call.name = fn.name;
    if (typeof fn.arguments === 'string') call.arguments += fn.arguments;
  }
  for (const key in delta) {
    if (!KNOWN_TOOL_CALL_KEYS.has(key)) {
      call.vendor ??= {};
      mergeVendorFields(call.vendor, delta as Record<string, unknown>, KNOWN_TOOL_CALL_KEYS);
      break;
    }
  }
}

function findToolCall(state: ChoiceState, delta: ToolCallDelta, position: number): ToolCallState {
  const calls = state.toolCalls;
  let key = delta.index;
  if (typeof key !== 'number') {
    // Gemini's OpenAI layer omits `index`: match by id, else by position in this delta.
    const byId = delta.id ? calls.find((call) => call.id === delta.id) : undefined;
    if (byId) return byId;
    const atPosition = calls.find((call) => call.key === position);
    key = atPosition?.id && delta.id ? Math.max(...calls.map((call) => call.key)) + 1 : position;
  }
  // Almost every stream has one call, or appends calls in index order: check the last first.
  const last = calls[calls.length - 1];
  if (last?.key === key) return last;
  const existing = calls.find((call) => call.key === key);
  if (existing) return existing;
  const created: ToolCallState = { key, id: undefined, name: undefined, arguments: '', vendor: undefined };
  calls.push(created);
  return created;
}

function buildChoice(
  state: ChoiceState,
  finishReason: ChatCompletionChoice['finish_reason'],
): ChatCompletionChoice {
  const toolCalls = [...state.toolCalls].sort((a, b) => a.key - b.key).map(buildToolCall);
  const content =
    state.content === undefined || (state.content === '' && toolCalls.length > 0) ? null : state.content;
  const message: AssistantMessage = { role: (state.role ?? 'assistant') as 'assistant', content };
  if (state.vendor) Object.assign(message, state.vendor);
  if (state.reasoning !== undefined) message.reasoning_content = state.reasoning;
  if (state.refusal !== undefined) message.refusal = state.refusal;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (state.functionCall) {
    message.function_call = {
      name: state.functionCall.name ?? '',
      arguments: state.functionCall.arguments || '{}',
    };
  }
  const logprobs = state.logprobs
    ? {
        content: state.logprobs.content as LogprobToken[] | null,
        refusal: state.logprobs.refusal as LogprobToken[] | null,
      }
    : null;
  return { index: state.index, message, logprobs, finish_reason: finishReason };
}

function buildToolCall(call: ToolCallState): ToolCall {
  const built: ToolCall = {
    id: call.id ?? `call_${call.key}`,
    type: 'function',
    function: { name: call.name ?? '', arguments: call.arguments === '' ? '{}' : call.arguments },
  };
  return call.vendor ? Object.assign(built, call.vendor) : built;
}

function incomplete(message: string) {
  return createProtocolError({ message, code: 'stream_incomplete' satisfies ErrorCode, streamStarted: true });
}
