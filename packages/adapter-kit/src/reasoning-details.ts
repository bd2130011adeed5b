/** The `format` tag of reasoning details produced from, and replayable to, Anthropic. */
export const ANTHROPIC_REASONING_FORMAT = 'anthropic-claude-v1';

/**
 * One entry of the `reasoning_details` vendor field on assistant messages, in the shape OpenRouter
 * uses so that clients which already replay it work unchanged: a signed thinking block
 * (`reasoning.text`) or a redacted one (`reasoning.encrypted`).
 */
export type ReasoningDetail =
  | { type: 'reasoning.text'; text: string; signature: string; format: string; index: number }
  | { type: 'reasoning.encrypted'; data: string; format: string; index: number };
