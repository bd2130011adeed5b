import {
  createProtocolError,
  ErrorCode,
  type FinishReason,
  type ToolCall,
  type Usage,
} from '@switchyard/protocol';
import { convertGeminiUsage } from './convert-gemini-usage.js';
import type {
  GeminiCandidate,
  GeminiGenerateContentResponse,
  GeminiLogprobsCandidate,
  GeminiPart,
} from './gemini-api-types.js';
import { errorFromGemini } from './gemini-error.js';
import { PartialArgsBuilder } from './gemini-partial-args.js';
import { signatureField } from './gemini-thought-signature.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';

/** One step of one choice, in the order Gemini produced it. */
export type ChoiceEvent = { index: number } & (
  | { type: 'start' }
  | { type: 'reasoning'; text: string }
  | { type: 'content'; text: string }
  /** A thought signature Gemini attached to a text or thought part. */
  | { type: 'signature'; signature: string }
  | { type: 'tool_call'; position: number; call: ToolCall }
  | { type: 'refusal'; text: string }
  /** Log probabilities of the tokens this response added to the choice. */
  | { type: 'logprobs'; tokens: TokenLogprob[] }
  | { type: 'finish'; reason: FinishReason }
);

/** One token of `logprobs.content`, in OpenAI's shape. */
export interface TokenLogprob {
  token: string;
  logprob: number;
  bytes: number[];
  top_logprobs: Array<{ token: string; logprob: number; bytes: number[] }>;
}

/** Identity of the answer, fixed by the first response Gemini sends. */
export interface AnswerMeta {
  readonly id: string;
  readonly created: number;
  readonly model: string;
}

interface PendingCall {
  readonly name: string;
  readonly id: string | undefined;
  signature: string | undefined;
  readonly builder: PartialArgsBuilder;
}

interface CandidateState {
  readonly index: number;
  toolCalls: number;
  pending: PendingCall | undefined;
  finished: boolean;
}

export interface TranslatorOptions {
  /** The adapter's provider name (errors about the server's own key name it). */
  readonly provider: string;
  /** The model the client asked for; used when Gemini does not name its `modelVersion`. */
  readonly model: string;
  /** Makes the answer id when Gemini sends no `responseId`. */
  readonly generateId: () => string;
}

/**
 * Turns Gemini `GenerateContentResponse`s (one whole body, or the events of a stream) into choice
 * events. Function calls are emitted whole: calls that Vertex streams as `partialArgs` fragments are
 * reassembled first. Ids of function calls without one are `call_<responseId>_<n>`, stable for a
 * given response.
 */
export class GeminiResponseTranslator {
  readonly #options: TranslatorOptions;
  readonly #candidates = new Map<number, CandidateState>();
  #meta: AnswerMeta | undefined;
  #usage: Usage | undefined;

  constructor(options: TranslatorOptions) {
    this.#options = options;
  }

  /** Known once the first response was translated. */
  get meta(): AnswerMeta | undefined {
    return this.#meta;
  }

  /** The last usage Gemini reported (usage metadata is a running total: never added up). */
  get usage(): Usage | undefined {
    return this.#usage;
  }

  translate(response: GeminiGenerateContentResponse): ChoiceEvent[] {
    if (response.error !== undefined) {
      const code = (response.error as { code?: unknown } | null)?.code;
      throw errorFromGemini({
        provider: this.#options.provider,
        status: typeof code === 'number' ? code : 500,
        body: response,
      });
    }
    this.#meta ??= this.#readMeta(response);
    this.#usage = convertGeminiUsage(response.usageMetadata) ?? this.#usage;
    const events: ChoiceEvent[] = [];
    const candidates = response.candidates ?? [];
    candidates.forEach((candidate, position) => {
      this.#translateCandidate(candidate, candidate.index ?? position, events);
    });
    const blockReason = response.promptFeedback?.blockReason;
    if (candidates.length === 0 && blockReason) this.#blockPrompt(blockReason, response, events);
    return events;
  }

  /**
   * Closes the answer: a function call still being streamed is emitted whole.
   * @throws {ProtocolError} `bad_response` when Gemini sent no candidate at all, `stream_incomplete`
   * when a candidate never got its finish reason.
   */
  end(): ChoiceEvent[] {
    if (this.#candidates.size === 0) {
      throw createProtocolError({ message: 'Gemini returned no candidates.', code: ErrorCode.badResponse });
    }
    const events: ChoiceEvent[] = [];
    for (const state of this.#candidates.values()) {
      if (state.finished) continue;
      this.#flushPending(state, events);
      throw createProtocolError({
        message: `The Gemini stream ended before choice ${state.index} finished (no finishReason).`,
        code: ErrorCode.streamIncomplete,
      });
    }
    return events;
  }

  #readMeta(response: GeminiGenerateContentResponse): AnswerMeta {
    const created = response.createTime ? Date.parse(response.createTime) : Number.NaN;
    return {
      id: response.responseId || this.#options.generateId(),
      created: Math.floor((Number.isNaN(created) ? Date.now() : created) / 1000),
      model: response.modelVersion || this.#options.model,
    };
  }

  #state(index: number, events: ChoiceEvent[]): CandidateState {
    let state = this.#candidates.get(index);
    if (!state) {
      state = { index, toolCalls: 0, pending: undefined, finished: false };
      this.#candidates.set(index, state);
      events.push({ index, type: 'start' });
    }
    return state;
  }

  #translateCandidate(candidate: GeminiCandidate, index: number, events: ChoiceEvent[]): void {
    const state = this.#state(index, events);
    // A candidate may come without `parts` (or without `content`): nothing to add then.
    for (const part of candidate.content?.parts ?? []) this.#translatePart(state, part, events);
    const tokens = convertLogprobs(candidate.logprobsResult);
    if (tokens.length > 0) events.push({ index, type: 'logprobs', tokens });
    if (candidate.finishReason) {
      this.#flushPending(state, events);
      const reason = mapGeminiFinishReason(candidate.finishReason, {
        hasToolCalls: state.toolCalls > 0,
        finishMessage: candidate.finishMessage,
      });
      state.finished = true;
      events.push({ index, type: 'finish', reason });
    }
  }

  #translatePart(state: CandidateState, part: GeminiPart, events: ChoiceEvent[]): void {
    const index = state.index;
    if (part.functionCall) {
      this.#translateFunctionCall(state, part, events);
      return;
    }
    if (typeof part.text === 'string' && part.text !== '') {
      events.push({ index, type: part.thought ? 'reasoning' : 'content', text: part.text });
    }
    // Signatures on text parts (and thought parts) belong to the message; images and other
    // output parts (inlineData, executableCode) have no place in a chat completion and are skipped.
    if (part.thoughtSignature && (typeof part.text === 'string' || part.thought)) {
      events.push({ index, type: 'signature', signature: part.thoughtSignature });
    }
  }

  #translateFunctionCall(state: CandidateState, part: GeminiPart, events: ChoiceEvent[]): void {
    const call = part.functionCall ?? {};
    if (call.name) {
      this.#flushPending(state, events);
      const builder = new PartialArgsBuilder();
      if (call.partialArgs) builder.add(call.partialArgs);
      if (call.willContinue === true) {
        state.pending = { name: call.name, id: call.id, signature: part.thoughtSignature, builder };
        return;
      }
      const args = call.partialArgs ? builder.args : (call.args ?? {});
      this.#emitCall(state, call.name, call.id, args, part.thoughtSignature, events);
      return;
    }
    const pending = state.pending;
    // A nameless fragment continues the call being streamed; `{}` (no willContinue) ends it.
    if (!pending) return;
    if (call.partialArgs) pending.builder.add(call.partialArgs);
    pending.signature ??= part.thoughtSignature;
    if (call.willContinue !== true) this.#flushPending(state, events);
  }

  #flushPending(state: CandidateState, events: ChoiceEvent[]): void {
    const pending = state.pending;
    if (!pending) return;
    state.pending = undefined;
    this.#emitCall(state, pending.name, pending.id, pending.builder.args, pending.signature, events);
  }

  #emitCall(
    state: CandidateState,
    name: string,
    id: string | undefined,
    args: Record<string, unknown>,
    signature: string | undefined,
    events: ChoiceEvent[],
  ): void {
    const position = state.toolCalls++;
    const base = this.#meta?.id ?? this.#options.generateId();
    const call: ToolCall = {
      id: id || (state.index === 0 ? `call_${base}_${position}` : `call_${base}_${state.index}_${position}`),
      type: 'function',
      function: { name, arguments: JSON.stringify(args) },
      ...(signature ? signatureField(signature) : {}),
    };
    events.push({ index: state.index, type: 'tool_call', position, call });
  }

  #blockPrompt(blockReason: string, response: GeminiGenerateContentResponse, events: ChoiceEvent[]): void {
    const state = this.#state(0, events);
    if (state.finished) return;
    const detail = response.promptFeedback?.blockReasonMessage;
    events.push({
      index: 0,
      type: 'refusal',
      text: `Gemini blocked the prompt (${blockReason})${detail ? `: ${detail}` : '.'}`,
    });
    state.finished = true;
    events.push({ index: 0, type: 'finish', reason: 'content_filter' });
  }
}

function convertLogprobs(result: GeminiCandidate['logprobsResult']): TokenLogprob[] {
  const chosen = result?.chosenCandidates ?? [];
  return chosen.map((candidate, step) => ({
    ...tokenLogprob(candidate),
    top_logprobs: (result?.topCandidates?.[step]?.candidates ?? []).map(tokenLogprob),
  }));
}

function tokenLogprob(candidate: GeminiLogprobsCandidate): {
  token: string;
  logprob: number;
  bytes: number[];
} {
  const token = candidate.token ?? '';
  return { token, logprob: candidate.logProbability ?? 0, bytes: [...Buffer.from(token, 'utf8')] };
}
