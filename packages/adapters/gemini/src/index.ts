export { createGeminiAdapter, type GeminiAdapterSettings } from './gemini-adapter.js';
export { adapterPlugin } from './gemini-plugin.js';
export { type GeminiExtraContent, SKIP_THOUGHT_SIGNATURE_VALIDATOR } from './gemini-thought-signature.js';
