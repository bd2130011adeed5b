export { accumulateChunks, ChatCompletionAccumulator } from './chat-completion-accumulator.js';
export { type CompletionToChunksOptions, completionToChunks } from './completion-to-chunks.js';
