export { ANTHROPIC_REASONING_FORMAT, type ReasoningDetail } from '@switchyard/adapter-kit';
export { type AnthropicAdapterSettings, createAnthropicAdapter } from './anthropic-adapter.js';
export { supportsNativeStructuredOutput } from './anthropic-model-capabilities.js';
export { adapterPlugin } from './anthropic-plugin.js';
