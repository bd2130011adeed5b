import { type ChatCompletionChunk, createProtocolError, withSourceJson } from '@switchyard/protocol';
import { mapFinishReason } from './map-finish-reason.js';
import { normalizeReasoningFields } from './normalize-reasoning.js';

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

export interface ChunkRepairOptions {
  requestId: string | null;
  /** The requested model, used when an upstream chunk names none. */
  model: string;
  /** Makes an id for a tool call (or a chunk) the upstream sent without one. */
  generateId(): string;
}

/**
 * The repairs of one stream, chunk by chunk (see `repairStream`): what each choice and tool call
 * has sent so far, and the usage to send at the end.
 */
export class ChunkRepair {
  readonly #options: ChunkRepairOptions;
  readonly #choices = new Map<number, ChoiceState>();
  #meta: { id: string; created: number; model: string } | undefined;
  #usageChunk: Json | undefined;

  constructor(options: ChunkRepairOptions) {
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
