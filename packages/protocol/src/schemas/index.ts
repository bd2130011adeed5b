export {
  type ChatCompletionChunk,
  ChatCompletionChunkSchema,
  type ChunkChoice,
  type ChunkDelta,
  type ToolCallDelta,
} from './chat-completion-chunk-schema.js';
export {
  type AssistantContentPart,
  type AssistantMessageParam,
  type ChatCompletionRequest,
  ChatCompletionRequestSchema,
  type ChatMessage,
  type DeveloperMessageParam,
  type FilePart,
  type ImageUrlPart,
  type InputAudioPart,
  REASONING_EFFORTS,
  type ReasoningEffort,
  type RefusalPart,
  type ResponseFormat,
  SERVICE_TIERS,
  type SystemMessageParam,
  type TextPart,
  type Thinking,
  type Tool,
  type ToolCallParam,
  type ToolChoice,
  type ToolMessageParam,
  type UserContentPart,
  type UserMessageParam,
} from './chat-completion-request-schema.js';
export {
  type AssistantMessage,
  type ChatCompletion,
  type ChatCompletionChoice,
  ChatCompletionSchema,
  FINISH_REASONS,
  type FinishReason,
  type Logprobs,
  type ToolCall,
} from './chat-completion-schema.js';
export { ErrorEnvelopeSchema } from './error-envelope-schema.js';
export { type Model, type ModelList, ModelListSchema, ModelSchema } from './model-schema.js';
export {
  badRequestFromZodError,
  parseChatCompletionRequest,
  type SafeParseRequestResult,
  safeParseChatCompletionRequest,
} from './parse-chat-completion-request.js';
export type { JsonSchemaObject } from './request-fields.js';
export type { SafeParseResult } from './safe-parse-request.js';
export { type Usage, UsageSchema } from './usage-schema.js';
