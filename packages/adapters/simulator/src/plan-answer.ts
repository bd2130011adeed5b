import type { ChatCompletionRequest, ChatMessage, Tool } from '@switchyard/protocol';
import { clip } from '@switchyard/protocol';
import type { Directives } from './directives.js';
import { generateFromSchema } from './json-schema-value.js';
import { outputTokenLimit } from './output-limits.js';
import { hash, type Random, seededRandom } from './seeded-random.js';

/** The models of the simulator and what each one does. */
export const SIMULATOR_MODELS = {
  'simulator/echo': 'Repeats the last user message back.',
  'simulator/thinker': 'Like echo, but thinks first (reasoning_content) unless thinking is disabled.',
  'simulator/babble': 'Writes seeded placeholder prose (120 words, or [simulate:words=N]).',
  'simulator/embed':
    'Embeddings only: deterministic unit vectors (256 dimensions) from the words of the text.',
} as const;

/** A model id of the simulator. */
export type SimulatorModel = keyof typeof SIMULATOR_MODELS;

/** One tool call the simulator decided to make. */
export interface ToolCallPlan {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
}

/** What one choice will say, before token limits are applied. */
export interface ChoicePlan {
  readonly index: number;
  readonly reasoning: string | undefined;
  /** The answer text, or null for a turn that only calls tools. */
  readonly content: string | null;
  readonly toolCalls: readonly ToolCallPlan[];
}

const BABBLE_WORDS = [
  'the',
  'signal',
  'routes',
  'through',
  'a',
  'quiet',
  'switchyard',
  'where',
  'tokens',
  'wait',
  'for',
  'their',
  'turn',
  'and',
  'every',
  'model',
  'answers',
  'in',
  'order',
  'while',
  'streams',
  'flow',
  'past',
  'amber',
  'lamps',
  'on',
  'long',
  'rails',
  'under',
  'clear',
  'skies',
  'of',
  'data',
  'with',
  'patient',
  'trains',
];

/**
 * Decides, deterministically, what the simulator answers: from the model, the conversation, the
 * tools and `tool_choice`, `response_format`, `thinking`, `reasoning_effort`, `n` and `seed`.
 *
 * Tool rule: on a user turn with tools, `required` calls the tools the user mentions (or the
 * first one), a named choice calls that function, `auto` calls only tools the user mentions (by
 * name, or a word of the name of 4+ letters, e.g. "weather" for `get_weather`), `none` never
 * calls. Several mentioned tools are called in parallel unless `parallel_tool_calls` is false.
 * After tool results, the answer summarises them.
 */
export function planAnswer(
  request: ChatCompletionRequest,
  directives: Directives,
  userText: string,
): ChoicePlan[] {
  const model = request.model as SimulatorModel;
  const toolResults = trailingToolResults(request.messages);
  const calls = toolResults.length === 0 ? toolsToCall(request, userText) : [];
  const thinking = thinkingEnabled(request, model);
  const seed = request.seed ?? 0;
  // Hashed once: the texts may be megabytes, and every choice and tool call needs a seed from them.
  const conversation = hash(userText, ...toolResults.map((r) => r.content));
  const words = thinking ? countWords(userText) : 0;
  const plans: ChoicePlan[] = [];
  for (let index = 0; index < (request.n ?? 1); index++) {
    const random = seededRandom(hash(seed, model, conversation, index));
    const toolCalls = calls.map((tool, i) => ({
      id: `call_${hash(seed, index, i, tool.function.name, conversation).toString(36).padStart(7, '0')}`,
      name: tool.function.name,
      arguments: JSON.stringify(generateFromSchema(tool.function.parameters ?? { type: 'object' }, random)),
    }));
    const content =
      toolCalls.length > 0 ? null : answerText(request, model, userText, toolResults, directives, random);
    const reasoning = thinking
      ? reasoningText(request, model, userText, words, toolResults, toolCalls, seed)
      : undefined;
    plans.push({ index, reasoning, content, toolCalls });
  }
  return plans;
}

/** The text of a user message: its string, or its parts with placeholders for non-text parts. */
export function messageText(message: ChatMessage | undefined): string {
  if (message === undefined) return '';
  const content: unknown = message.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: { type?: string; text?: string }) =>
      part.type === 'text' ? (part.text ?? '') : `[${part.type}]`,
    )
    .join(' ');
}

function thinkingEnabled(request: ChatCompletionRequest, model: SimulatorModel): boolean {
  if (request.reasoning_effort === 'none') return false;
  const type = request.thinking?.type;
  if (type === 'enabled') return true;
  if (type === 'disabled') return false;
  return model === 'simulator/thinker';
}

interface ToolResult {
  readonly name: string;
  readonly content: string;
}

/** The tool messages after the last assistant turn, named after the calls they answer. */
function trailingToolResults(messages: readonly ChatMessage[]): ToolResult[] {
  const results: ToolResult[] = [];
  let i = messages.length - 1;
  while (i >= 0 && messages[i]?.role === 'tool') i--;
  if (i === messages.length - 1) return results;
  const assistant = messages[i];
  const names = new Map<string, string>();
  if (assistant?.role === 'assistant') {
    for (const call of assistant.tool_calls ?? []) names.set(call.id, call.function.name);
  }
  for (let j = i + 1; j < messages.length; j++) {
    const message = messages[j];
    if (message?.role !== 'tool') continue;
    results.push({
      name: names.get(message.tool_call_id) ?? message.tool_call_id,
      content: messageText(message),
    });
  }
  return results;
}

function nameWords(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[\s_-]+/)
    .filter((word) => word.length >= 4);
}

function mentioned(tool: Tool, text: string): boolean {
  const lower = text.toLowerCase();
  const name = tool.function.name.toLowerCase();
  if (lower.includes(name) || lower.includes(name.replace(/[_-]/g, ' '))) return true;
  return nameWords(tool.function.name).some((word) => new RegExp(`\\b${word}`, 'i').test(lower));
}

function toolsToCall(request: ChatCompletionRequest, userText: string): Tool[] {
  let tools: Tool[] = request.tools ?? [];
  const choice = request.tool_choice ?? 'auto';
  if (tools.length === 0 || choice === 'none') return [];
  let mode: 'auto' | 'required' = 'auto';
  if (choice === 'required') mode = 'required';
  else if (typeof choice === 'object' && choice.type === 'function') {
    const named = tools.find((tool) => tool.function.name === choice.function.name);
    return named ? [named] : [];
  } else if (typeof choice === 'object' && choice.type === 'allowed_tools') {
    const allowed = new Set(choice.allowed_tools.tools.map((tool) => tool.function.name));
    tools = tools.filter((tool) => allowed.has(tool.function.name));
    mode = choice.allowed_tools.mode;
  }
  let picked = tools.filter((tool) => mentioned(tool, userText));
  if (picked.length === 0 && mode === 'required' && tools[0]) picked = [tools[0]];
  return request.parallel_tool_calls === false ? picked.slice(0, 1) : picked;
}

function answerText(
  request: ChatCompletionRequest,
  model: SimulatorModel,
  userText: string,
  toolResults: readonly ToolResult[],
  directives: Directives,
  random: Random,
): string {
  const format = request.response_format;
  if (format?.type === 'json_schema') {
    return JSON.stringify(generateFromSchema(format.json_schema.schema ?? { type: 'object' }, random));
  }
  let text: string;
  if (toolResults.length > 0) {
    text = `Tool results: ${toolResults.map((result) => `${result.name}: ${result.content}`).join('; ')}`;
  } else if (model === 'simulator/babble') {
    // Every word is a token or more: words past the output limit would never be sent.
    const limit = outputTokenLimit(request.n ?? 1, Number.POSITIVE_INFINITY);
    text = babble(Math.min(directives.words ?? 120, limit), random);
  } else {
    text = userText === '' ? '(empty message)' : userText;
  }
  return format?.type === 'json_object' ? JSON.stringify({ answer: text }) : text;
}

function babble(words: number, random: Random): string {
  const out: string[] = [];
  let sentence = 0;
  for (let i = 0; i < words; i++) {
    let word = random.pick(BABBLE_WORDS);
    if (sentence === 0) word = word[0]?.toUpperCase() + word.slice(1);
    sentence++;
    if (i === words - 1 || (sentence >= 8 && random.next() < 0.25)) {
      word += '.';
      sentence = 0;
    }
    out.push(word);
  }
  return out.join(' ');
}

/** Words in `text`, counted without splitting it (it may be megabytes). */
function countWords(text: string): number {
  let words = 0;
  for (const _ of text.matchAll(/\S+/g)) words++;
  return words;
}

function reasoningText(
  request: ChatCompletionRequest,
  model: SimulatorModel,
  userText: string,
  words: number,
  toolResults: readonly ToolResult[],
  toolCalls: readonly ToolCallPlan[],
  seed: number,
): string {
  const quote = clip(userText, 120);
  const observation = `The user wrote ${words} word${words === 1 ? '' : 's'}: "${quote}".`;
  let intent: string;
  const format = request.response_format;
  if (toolCalls.length > 0)
    intent = `I should call ${toolCalls.map((call) => call.name).join(' and ')} first.`;
  else if (toolResults.length > 0) intent = `The tools answered; I will pass their results on.`;
  else if (format?.type === 'json_schema')
    intent = `I will answer with JSON matching the schema '${format.json_schema.name}'.`;
  else if (format?.type === 'json_object') intent = 'I will answer with a JSON object.';
  else if (model === 'simulator/babble') intent = 'I will write placeholder prose.';
  else intent = 'I will repeat the message back.';
  const effort = request.reasoning_effort ?? 'medium';
  if (effort === 'minimal' || effort === 'low') return intent;
  if (effort === 'medium') return `${observation} ${intent}`;
  return `${observation} ${intent} The answer is deterministic for seed ${seed}, so I can double-check it.`;
}
