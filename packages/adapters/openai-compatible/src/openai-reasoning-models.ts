/**
 * Whether an OpenAI model id names a reasoning model (o1, o3, o4-mini, gpt-5 and later, codex),
 * which rejects `max_tokens` and the sampling parameters. Fine-tuned ids (`ft:o4-mini:…`) count
 * by their base model. `gpt-5-chat` is a chat model.
 */
export function isOpenAIReasoningModel(model: string): boolean {
  const id = model.startsWith('ft:') ? model.slice(3) : model;
  if (id.startsWith('gpt-5-chat')) return false;
  return /^(o\d|gpt-5|codex)/.test(id);
}

/**
 * GPT-5.1 and later accept the sampling parameters again when `reasoning_effort` is `none`
 * (https://platform.openai.com/docs/guides/latest-model#gpt-5-1-parameter-compatibility).
 */
export function acceptsSamplingWithoutReasoning(model: string): boolean {
  const id = model.startsWith('ft:') ? model.slice(3) : model;
  return /^gpt-5\.\d/.test(id);
}
