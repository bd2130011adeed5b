import type {
  ChatCompletionChoice,
  ChatCompletionRequest,
  ChunkDelta,
  FinishReason,
  Usage,
} from '@switchyard/protocol';
import { outputTokenLimit } from './output-limits.js';
import { type ChoicePlan, messageText } from './plan-answer.js';
import { MAX_CHARS_PER_TOKEN, type Tokenizer } from './tokenizer.js';

/** A choice cut into the token pieces it is streamed as, after `max_tokens` and `stop`. */
export interface RenderedChoice {
  readonly index: number;
  readonly reasoning: readonly string[];
  /** Null for a turn that only calls tools. */
  readonly content: readonly string[] | null;
  readonly toolCalls: ReadonlyArray<{ id: string; name: string; arguments: readonly string[] }>;
  readonly finishReason: FinishReason;
  readonly completionTokens: number;
  readonly reasoningTokens: number;
}

/**
 * Cuts `text` before the first stop sequence it contains within its first `within` characters
 * (the most that can be answered): a long text is not searched to its end.
 */
function applyStop(text: string, stop: ChatCompletionRequest['stop'], within: number): string {
  const sequences = stop == null ? [] : typeof stop === 'string' ? [stop] : stop;
  const longest = Math.max(0, ...sequences.map((sequence) => sequence.length));
  const head = text.length > within + longest ? text.slice(0, within + longest) : text;
  let end = text.length;
  for (const sequence of sequences) {
    if (sequence === '') continue;
    const at = head.indexOf(sequence);
    if (at !== -1 && at < end) end = at;
  }
  return end === text.length ? text : text.slice(0, end);
}

/**
 * Applies the token budget (`max_completion_tokens`, else `max_tokens`, within the simulator's
 * output limits: reasoning, then content, then tool arguments, as OpenAI counts them) and the stop
 * sequences, and splits the text into tokens. A choice that ran out of budget finishes with `length`.
 */
export async function renderChoice(
  plan: ChoicePlan,
  request: ChatCompletionRequest,
  tokenizer: Tokenizer,
  signal?: AbortSignal,
): Promise<RenderedChoice> {
  let remaining = outputTokenLimit(
    request.n ?? 1,
    request.max_completion_tokens ?? request.max_tokens ?? Number.POSITIVE_INFINITY,
  );
  let truncated = false;
  let used = 0;
  const take = (text: string) => {
    const split = tokenizer.split(text, remaining);
    remaining -= split.tokens;
    used += split.tokens;
    truncated ||= split.truncated;
    return split;
  };
  const reasoning = plan.reasoning === undefined ? undefined : take(plan.reasoning);
  const content =
    plan.content === null
      ? null
      : take(applyStop(plan.content, request.stop, Math.max(0, remaining) * MAX_CHARS_PER_TOKEN));
  const toolCalls: { id: string; name: string; arguments: readonly string[] }[] = [];
  for (const call of plan.toolCalls) {
    const nameTokens = await tokenizer.count(call.name, signal);
    remaining -= nameTokens;
    used += nameTokens;
    toolCalls.push({ id: call.id, name: call.name, arguments: take(call.arguments).pieces });
  }
  const reasoningTokens = reasoning?.tokens ?? 0;
  return {
    index: plan.index,
    reasoning: reasoning?.pieces ?? [],
    content: content?.pieces ?? null,
    toolCalls,
    finishReason: truncated ? 'length' : plan.toolCalls.length > 0 ? 'tool_calls' : 'stop',
    completionTokens: used,
    reasoningTokens,
  };
}

/** The whole message of a rendered choice, exactly what accumulating its stream gives. */
export function choiceOf(choice: RenderedChoice): ChatCompletionChoice {
  const message: ChatCompletionChoice['message'] = {
    role: 'assistant',
    content: choice.content === null ? null : choice.content.join(''),
  };
  if (choice.reasoning.length > 0) message.reasoning_content = choice.reasoning.join('');
  if (choice.toolCalls.length > 0) {
    message.tool_calls = choice.toolCalls.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments.join('') || '{}' },
    }));
  }
  return { index: choice.index, message, logprobs: null, finish_reason: choice.finishReason };
}

/** One streamed step of a choice; `token` steps are paced, the others are sent at once. */
export interface Step {
  readonly index: number;
  readonly delta: ChunkDelta;
  readonly token: boolean;
  readonly finishReason?: FinishReason;
}

/** The deltas of a rendered choice in stream order: role, reasoning, content, tool calls, finish. */
export function stepsOf(choice: RenderedChoice): Step[] {
  const index = choice.index;
  const steps: Step[] = [
    { index, delta: { role: 'assistant', content: choice.content === null ? null : '' }, token: false },
  ];
  for (const piece of choice.reasoning)
    steps.push({ index, delta: { reasoning_content: piece }, token: true });
  for (const piece of choice.content ?? []) steps.push({ index, delta: { content: piece }, token: true });
  choice.toolCalls.forEach((call, i) => {
    steps.push({
      index,
      delta: {
        tool_calls: [
          { index: i, id: call.id, type: 'function', function: { name: call.name, arguments: '' } },
        ],
      },
      token: false,
    });
    for (const piece of call.arguments) {
      steps.push({
        index,
        delta: { tool_calls: [{ index: i, function: { arguments: piece } }] },
        token: true,
      });
    }
  });
  steps.push({ index, delta: {}, token: false, finishReason: choice.finishReason });
  return steps;
}

/** Steps of several choices, taken in turn, so `n > 1` streams interleave like real ones do. */
export function interleave(lists: Step[][]): Step[] {
  const out: Step[] = [];
  const longest = Math.max(0, ...lists.map((list) => list.length));
  for (let i = 0; i < longest; i++) for (const list of lists) if (i < list.length) out.push(list[i] as Step);
  return out;
}

/** Prompt tokens as OpenAI counts chat prompts: each message's text plus a few tokens of framing. */
export function countPromptTokens(
  request: ChatCompletionRequest,
  tokenizer: Tokenizer,
  signal?: AbortSignal,
): Promise<number> {
  let framing = 3;
  const texts: string[] = [];
  for (const message of request.messages) {
    framing += 3;
    texts.push(messageText(message));
    if ('name' in message && typeof message.name === 'string') {
      framing += 1;
      texts.push(message.name);
    }
    if (message.role === 'assistant') {
      if (message.tool_calls?.length) texts.push(JSON.stringify(message.tool_calls));
      if (message.reasoning_content) texts.push(message.reasoning_content);
    }
  }
  if (request.tools?.length) texts.push(JSON.stringify(request.tools));
  if (request.response_format?.type === 'json_schema') {
    texts.push(JSON.stringify(request.response_format.json_schema));
  }
  // All texts share one budget of exact counting, so that many messages cost no more than one.
  return tokenizer.countAll(texts, signal).then((tokens) => framing + tokens);
}

/** Usage of the rendered choices for `request`. */
export function usageOf(promptTokens: number, choices: readonly RenderedChoice[]): Usage {
  const completion = choices.reduce((sum, choice) => sum + choice.completionTokens, 0);
  const reasoning = choices.reduce((sum, choice) => sum + choice.reasoningTokens, 0);
  const usage: Usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completion,
    total_tokens: promptTokens + completion,
  };
  if (reasoning > 0) usage.completion_tokens_details = { reasoning_tokens: reasoning };
  return usage;
}
