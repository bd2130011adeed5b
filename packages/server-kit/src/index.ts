export { bearerToken, missingApiKeyMessage } from './authorization.js';
export { createChatServer } from './chat-server.js';
export type {
  ChatFinishEvent,
  ChatRequestContext,
  ChatRoute,
  ChatServer,
  ChatServerOptions,
  ChatServerRequest,
  ChatServerResult,
  JsonResult,
  Locals,
  SSEWriter,
  StreamResult,
} from './chat-server-types.js';
export type {
  AdapterCapabilities,
  AdapterContext,
  ChatAdapter,
  ListModelsContext,
  Logger,
} from './deprecated-adapter-exports.js';
export {
  DEFAULT_MAX_RESPONSE_BYTES,
  type ReadLimitedTextOptions,
  readLimitedText,
} from './deprecated-adapter-exports.js';
export { chatCompletionsDoor } from './doors/chat-completions/chat-completions-door.js';
export {
  type CountMessagesTokens,
  type CountMessagesTokensCall,
  MESSAGES_DOOR,
  type MessagesDoorOptions,
  messagesDoor,
} from './doors/messages/index.js';
export {
  createMemoryResponseStore,
  DEFAULT_RESPONSE_RETENTION_MS,
  type MemoryResponseStoreOptions,
  type ResponseStore,
  type ResponsesDoorOptions,
  type ResponsesNative,
  responsesDoor,
  type StoredResponse,
} from './doors/responses/index.js';
export { retryHeaders } from './error-response.js';
export type {
  DecodedRequest,
  DoorContext,
  DoorRoute,
  DoorRouteAnswer,
  FrontDoor,
  StreamEncoder,
} from './front-door.js';
export { modelNotFoundError } from './model-not-found.js';
export { createNodeHandler, type NodeHandlerOptions } from './node/node-handler.js';
export { DEFAULT_BODY_LIMIT } from './read-json-body.js';
export { resolveRequestId } from './request-id.js';
export { DEFAULT_RESPONSE_LIMIT } from './response-size.js';
export { uuidV7 } from './uuid-v7.js';
