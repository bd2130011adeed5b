export { parseResponsesRequest, safeParseResponsesRequest } from './parse-responses-request.js';
export {
  RESPONSE_STATUSES,
  type ResponseObject,
  ResponseObjectSchema,
  type ResponseOutputFunctionCall,
  type ResponseOutputItem,
  type ResponseOutputMessage,
  type ResponseOutputReasoning,
  type ResponseOutputText,
  type ResponseStatus,
  type ResponseUsage,
} from './response-object-schema.js';
export { type ResponseStreamEvent, ResponseStreamEventSchema } from './response-stream-event-schema.js';
export {
  REASONING_SUMMARIES,
  type ResponseFunctionCallItem,
  type ResponseFunctionCallOutputItem,
  type ResponseInputContentPart,
  type ResponseInputItem,
  type ResponseInputMessage,
  type ResponseReasoningItem,
  type ResponsesFunctionTool,
  type ResponsesRequest,
  ResponsesRequestSchema,
  type ResponsesTextFormat,
  type ResponsesToolChoice,
} from './responses-request-schema.js';
