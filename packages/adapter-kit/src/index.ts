export { abortable } from './abortable.js';
export { type ChunkPuller, chunksOfCompletion, completionOfChunks, pullerOf } from './answer-modes.js';
export type {
  AdapterCapabilities,
  AdapterContext,
  ChatAdapter,
  ListModelsContext,
  Logger,
} from './chat-adapter.js';
export { encodeEmbedding } from './encode-embedding.js';
export { ITERATION_DONE } from './iteration-done.js';
export { type LoadApiKeyOptions, loadApiKey } from './load-api-key.js';
export { lowerCaseHeaders } from './lower-case-headers.js';
export { type Opened, openedStream } from './opened-stream.js';
export { readLimitedBytes } from './read-limited-bytes.js';
export {
  DEFAULT_MAX_RESPONSE_BYTES,
  type ReadLimitedTextOptions,
  readLimitedText,
} from './read-limited-text.js';
export { staticModels } from './static-models.js';
export type {
  TimeoutSetting,
  TimeoutSettings,
  UpstreamHeaders,
  UpstreamResponse,
} from './upstream-call.js';
export {
  createUpstreamClient,
  readJson,
  type UpstreamClient,
  type UpstreamClientSettings,
  type UpstreamErrorAnswer,
  type UpstreamRequest,
} from './upstream-client.js';
export { parseErrorBody, type RetryHints, retryHints } from './upstream-error-body.js';
export type { FetchFunction } from './upstream-fetch.js';
