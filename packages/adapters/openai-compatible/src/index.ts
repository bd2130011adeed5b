export {
  createOpenAICompatibleAdapter,
  type OpenAICompatibleSettings,
} from './openai-compatible-adapter.js';
export type { OpenAICompatibleQuirks } from './openai-compatible-quirks.js';
export { isOpenAIReasoningModel } from './openai-reasoning-models.js';
export {
  deepseek,
  groq,
  llamacpp,
  lmstudio,
  type OpenRouterSettings,
  ollama,
  openai,
  openrouter,
  type PresetSettings,
  token360,
  vllm,
} from './presets.js';
export type { TimeoutSettings } from './upstream-call.js';
export type { FetchFunction } from './upstream-fetch.js';
