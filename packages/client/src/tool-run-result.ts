import type { ChatCompletion, ChatCompletionChunk, ChatMessage, ToolCall, Usage } from '@switchyard/protocol';
import type { RequestIdentified } from './api-promise.js';

/** The result of one tool call within a step. */
export interface ToolResult {
  toolCall: ToolCall;
  /** The validated arguments; undefined when they were invalid. */
  args: unknown;
  /** What `run` returned; undefined when it failed. */
  output: unknown;
  /** Why the call failed: invalid arguments, unknown tool, or what `run` threw. */
  error: unknown;
  /** The tool message content sent back to the model. */
  content: string;
}

/** One model call of a tool run, with the tool calls it made and their results. */
export interface ToolRunStep {
  index: number;
  completion: ChatCompletion & RequestIdentified;
  /** Empty for the final step, where the model answered. */
  toolResults: ToolResult[];
}

/** The outcome of a tool run. */
export interface ToolRunResult {
  /** The final completion, in which the model answered without calling tools. */
  completion: ChatCompletion & RequestIdentified;
  /** The text of the final answer. */
  text: string;
  steps: ToolRunStep[];
  /** The whole conversation: the input messages, every assistant turn and tool result. */
  messages: ChatMessage[];
  /** Token usage summed over the steps that reported it. */
  usage: Pick<Usage, 'prompt_tokens' | 'completion_tokens' | 'total_tokens'>;
}

/** What a streaming tool run yields: every chunk of every step, and each finished step. */
export type ToolRunEvent =
  | { type: 'chunk'; step: number; chunk: ChatCompletionChunk }
  | { type: 'step'; step: ToolRunStep };
