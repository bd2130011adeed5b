/**
 * How one OpenAI-compatible upstream departs from the OpenAI wire format on the request side.
 * Response-side repairs (reasoning field names, tool-call identity, index renumbering, usage
 * placement, finish reasons) are always on: they change nothing for an upstream that behaves.
 */
export interface OpenAICompatibleQuirks {
  /**
   * How `thinking: {type: 'enabled' | 'disabled'}` reaches the upstream (`{type: 'auto'}` is
   * {@link thinkingAuto}'s):
   * - `forward` (default): sent as is (Token360, Z.ai/GLM, DeepSeek).
   * - `openrouter`: rewritten to OpenRouter's `reasoning: {enabled, max_tokens?}`.
   * - `chat-template-kwargs`: rewritten to `chat_template_kwargs.enable_thinking` (vLLM, llama.cpp
   *   serving Qwen3-style templates).
   * - `unsupported`: the request fails with a 400 `unsupported_parameter` on `thinking`.
   */
  thinking?: 'forward' | 'openrouter' | 'chat-template-kwargs' | 'unsupported';
  /**
   * `thinking: {type: 'auto'}` (the model decides whether to think):
   * - `forward`: sent as is, for upstreams that document an `auto` mode (Token360).
   * - `omit` (default): left out, which asks for the model's default, for upstreams with no such
   *   mode (never an error, whatever {@link thinking} says).
   */
  thinkingAuto?: 'forward' | 'omit';
  /**
   * OpenAI reasoning models (o-series, gpt-5 except gpt-5-chat): send `max_completion_tokens`
   * instead of `max_tokens`, and leave out `temperature`, `top_p`, the penalties and
   * `logit_bias`, which those models reject. Default false.
   */
  openaiReasoningModels?: boolean;
  /**
   * `reasoning_content` on earlier assistant turns: `forward` (default; GLM preserved thinking
   * and DeepSeek tool turns need it) or `drop` for upstreams that reject the unknown field.
   */
  reasoningHistory?: 'forward' | 'drop';
}

/** Quirks with every default filled in. */
export type ResolvedQuirks = Required<OpenAICompatibleQuirks>;

export function resolveQuirks(quirks: OpenAICompatibleQuirks | undefined): ResolvedQuirks {
  return {
    thinking: quirks?.thinking ?? 'forward',
    thinkingAuto: quirks?.thinkingAuto ?? 'omit',
    openaiReasoningModels: quirks?.openaiReasoningModels ?? false,
    reasoningHistory: quirks?.reasoningHistory ?? 'forward',
  };
}
