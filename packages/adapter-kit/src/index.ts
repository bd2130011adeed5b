export { abortable } from './abortable.js';
export {
  ADAPTER_PLUGIN_VERSION,
  type AdapterPlugin,
  type AdapterPluginSettings,
  AdapterSettingsError,
  defineAdapterPlugin,
} from './adapter-plugin.js';
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
export { type LazyStreamSource, lazyStream, type Opened, openedStream } from './lazy-stream.js';
export { type LoadApiKeyOptions, loadApiKey } from './load-api-key.js';
export { lowerCaseHeaders } from './lower-case-headers.js';
export { MESSAGES_DOOR, type MessagesDoorNative, messagesDoorNative } from './messages-door-native.js';
export {
  NATIVE_ANSWER,
  type NativeSSEFrame,
  nativeBodyOf,
  nativeFramesOf,
  withNativeBody,
  withNativeFrames,
} from './native-answer.js';
export { readLimitedBytes } from './read-limited-bytes.js';
export {
  DEFAULT_MAX_RESPONSE_BYTES,
  type ReadLimitedTextOptions,
  readLimitedText,
} from './read-limited-text.js';
export { type ReadyItems, takeReady } from './ready-items.js';
export { ANTHROPIC_REASONING_FORMAT, type ReasoningDetail } from './reasoning-details.js';
export { REDACTED_CREDENTIAL, redactCredentials } from './redact-credentials.js';
export {
  METADATA_ONLY_FIELDS,
  type RequestFieldPolicy,
  rejectUnknownFields,
} from './request-field-policy.js';
export type { StandardSchemaV1 } from './standard-schema.js';
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
