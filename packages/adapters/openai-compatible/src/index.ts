export type { FetchFunction, TimeoutSettings } from '@switchyard/adapter-kit';
export {
  createOpenAICompatibleAdapter,
  type OpenAICompatibleSettings,
} from './openai-compatible-adapter.js';
export { adapterPlugin, OPENAI_COMPATIBLE_PRESETS } from './openai-compatible-plugin.js';
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
