export {
  createMemoryResponseStore,
  DEFAULT_RESPONSE_RETENTION_MS,
  type MemoryResponseStoreOptions,
  type ResponseStore,
  type StoredResponse,
} from './response-store.js';
export { type ResponsesDoorOptions, responsesDoor } from './responses-door.js';
export type { ResponsesNative } from './responses-native.js';
