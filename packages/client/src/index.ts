export type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatMessage,
  Model,
  ModelList,
  Tool,
  ToolCall,
  Usage,
} from '@switchyard/protocol';
export {
  AbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  NotFoundError,
  PermissionDeniedError,
  ProtocolError,
  RateLimitError,
  ServerError,
  TimeoutError,
} from '@switchyard/protocol';
export { APIPromise, type RequestIdentified, type WithResponse } from './api-promise.js';
export { ChatCompletionStream } from './chat-completion-stream.js';
export {
  type ChatCompletionCreateParams,
  type ChatCompletionCreateParamsNonStreaming,
  type ChatCompletionCreateParamsStreaming,
  type ChatCompletions,
  type Client,
  type ClientOptions,
  createClient,
  type Models,
} from './client.js';
export { ClientErrorCode } from './client-error-codes.js';
export {
  ContentFilterError,
  LengthFinishReasonError,
  OutputError,
  OutputValidationError,
  RefusalError,
} from './output-errors.js';
export {
  MaxStepsExceededError,
  type RunnableTool,
  type RunToolsParams,
  runTools,
  ToolCallError,
  type ToolContext,
} from './run-tools.js';
export type { RequestOptions } from './send-request.js';
export type { InferOutput, StructuredSchema, ValidationIssue } from './standard-schema.js';
export { type ChatCompletionParseParams, type ParsedChatCompletion, parse } from './structured-output.js';
export type { ToolResult, ToolRunEvent, ToolRunResult, ToolRunStep } from './tool-run-result.js';
export { ToolRunStream } from './tool-run-stream.js';
