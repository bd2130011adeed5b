export {
  MessagesAssistantBlockSchema,
  MessagesCacheControlSchema,
  MessagesMessageSchema,
  MessagesUserBlockSchema,
} from './messages-content-block-schemas.js';
export {
  MESSAGES_ERROR_TYPES,
  type MessagesError,
  MessagesErrorSchema,
  type MessagesErrorType,
} from './messages-error-schema.js';
export {
  type MessagesAssistantBlock,
  type MessagesCacheControl,
  type MessagesCountTokensRequest,
  MessagesCountTokensRequestSchema,
  type MessagesDocumentBlock,
  type MessagesImageBlock,
  type MessagesMessage,
  type MessagesRedactedThinkingBlock,
  type MessagesRequest,
  MessagesRequestSchema,
  type MessagesTextBlock,
  type MessagesThinking,
  type MessagesThinkingBlock,
  type MessagesTool,
  type MessagesToolChoice,
  type MessagesToolResultBlock,
  type MessagesToolUseBlock,
  type MessagesUserBlock,
} from './messages-request-schema.js';
export {
  MESSAGES_STOP_REASONS,
  MessagesCountTokensResponseSchema,
  type MessagesResponse,
  type MessagesResponseBlock,
  MessagesResponseSchema,
  type MessagesStopReason,
  type MessagesUsage,
  MessagesUsageSchema,
} from './messages-response-schema.js';
export {
  MESSAGES_DELTA_TYPES,
  type MessagesStreamEvent,
  MessagesStreamEventSchema,
} from './messages-stream-event-schema.js';
export {
  parseMessagesCountTokensRequest,
  parseMessagesRequest,
  safeParseMessagesRequest,
} from './parse-messages-request.js';
