import type {
  AssistantMessage,
  ChatCompletion,
  ChatCompletionChoice,
  ChatCompletionChunk,
  ChunkDelta,
  FinishReason,
  Logprobs,
  ToolCall,
} from '@switchyard/protocol';
import type {
  AnswerMeta,
  ChoiceEvent,
  GeminiResponseTranslator,
  TokenLogprob,
} from './gemini-response-translator.js';
import { signatureField } from './gemini-thought-signature.js';

/**
 * One stream chunk per choice event: the role first (`content: ""`), then reasoning, content,
 * refusal and whole tool calls as they come, then the finish reason. A thought signature on text
 * rides alone in `delta.extra_content.google.thought_signature`.
 */
export function toChunk(translator: GeminiResponseTranslator, event: ChoiceEvent): ChatCompletionChunk {
  let delta: ChunkDelta = {};
  let finishReason: FinishReason | null = null;
  let logprobs: Logprobs | null = null;
  switch (event.type) {
    case 'start':
      delta = { role: 'assistant', content: '' };
      break;
    case 'reasoning':
      delta = { reasoning_content: event.text };
      break;
    case 'content':
      delta = { content: event.text };
      break;
    case 'refusal':
      delta = { refusal: event.text };
      break;
    case 'signature':
      // A vendor field the protocol's delta type does not list (unknown delta fields are kept).
      Object.assign(delta, signatureField(event.signature));
      break;
    case 'tool_call':
      delta = { tool_calls: [{ index: event.position, ...event.call }] };
      break;
    case 'logprobs':
      logprobs = logprobsOf(event.tokens);
      break;
    case 'finish':
      finishReason = event.reason;
      break;
  }
  return {
    ...head(meta(translator), 'chat.completion.chunk'),
    choices: [{ index: event.index, delta, logprobs, finish_reason: finishReason }],
  };
}

/** The last chunk of a stream (`choices: []`), when Gemini reported usage. */
export function usageChunk(translator: GeminiResponseTranslator): ChatCompletionChunk | undefined {
  const usage = translator.usage;
  if (!usage) return undefined;
  return { ...head(meta(translator), 'chat.completion.chunk'), choices: [], usage };
}

interface ChoiceDraft {
  content: string;
  reasoning: string | undefined;
  refusal: string | undefined;
  signature: string | undefined;
  toolCalls: ToolCall[];
  logprobs: TokenLogprob[] | undefined;
  finishReason: FinishReason | undefined;
}

/** Folds the events of a whole answer into the non-stream completion, choices in index order. */
export function toChatCompletion(
  translator: GeminiResponseTranslator,
  events: readonly ChoiceEvent[],
): ChatCompletion {
  const drafts = new Map<number, ChoiceDraft>();
  for (const event of events) {
    let draft = drafts.get(event.index);
    if (!draft) {
      draft = {
        content: '',
        reasoning: undefined,
        refusal: undefined,
        signature: undefined,
        toolCalls: [],
        logprobs: undefined,
        finishReason: undefined,
      };
      drafts.set(event.index, draft);
    }
    switch (event.type) {
      case 'reasoning':
        draft.reasoning = (draft.reasoning ?? '') + event.text;
        break;
      case 'content':
        draft.content += event.text;
        break;
      case 'refusal':
        draft.refusal = (draft.refusal ?? '') + event.text;
        break;
      case 'signature':
        draft.signature = event.signature;
        break;
      case 'tool_call':
        draft.toolCalls.push(event.call);
        break;
      case 'logprobs':
        draft.logprobs = [...(draft.logprobs ?? []), ...event.tokens];
        break;
      case 'finish':
        draft.finishReason = event.reason;
        break;
    }
  }
  const choices = [...drafts.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, draft]): ChatCompletionChoice => {
      // Same shape the protocol accumulator gives a stream: null content only beside tool calls.
      const message: AssistantMessage = {
        role: 'assistant',
        content: draft.content === '' && draft.toolCalls.length > 0 ? null : draft.content,
      };
      if (draft.reasoning !== undefined) message.reasoning_content = draft.reasoning;
      if (draft.refusal !== undefined) message.refusal = draft.refusal;
      if (draft.toolCalls.length > 0) message.tool_calls = draft.toolCalls;
      if (draft.signature !== undefined) Object.assign(message, signatureField(draft.signature));
      const logprobs = draft.logprobs ? logprobsOf(draft.logprobs) : null;
      return { index, message, logprobs, finish_reason: draft.finishReason ?? 'stop' };
    });
  const completion: ChatCompletion = { ...head(meta(translator), 'chat.completion'), choices };
  if (translator.usage) completion.usage = translator.usage;
  return completion;
}

function logprobsOf(tokens: TokenLogprob[]): Logprobs {
  // TokenLogprob carries OpenAI's `bytes` and `top_logprobs`, which the protocol type leaves unlisted.
  return { content: tokens as Logprobs['content'], refusal: null };
}

function meta(translator: GeminiResponseTranslator): AnswerMeta {
  const value = translator.meta;
  if (!value) throw new Error('No Gemini response was translated yet.');
  return value;
}

function head<T extends string>(answer: AnswerMeta, object: T) {
  return { id: `chatcmpl-${answer.id}`, object, created: answer.created, model: answer.model };
}
