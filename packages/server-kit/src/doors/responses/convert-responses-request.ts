import type {
  ChatCompletionRequest,
  ChatMessage,
  ResponseFormat,
  ResponsesRequest,
  ResponsesTextFormat,
  ResponsesToolChoice,
  Tool,
  ToolChoice,
} from '@switchyard/protocol';

function toTool(tool: NonNullable<ResponsesRequest['tools']>[number]): Tool {
  return {
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description != null ? { description: tool.description } : {}),
      ...(tool.parameters != null ? { parameters: tool.parameters } : {}),
      ...(tool.strict != null ? { strict: tool.strict } : {}),
    },
  };
}

function toToolChoice(choice: ResponsesToolChoice): ToolChoice {
  if (typeof choice === 'string') return choice;
  if (choice.type === 'function') return { type: 'function', function: { name: choice.name } };
  return {
    type: 'allowed_tools',
    allowed_tools: {
      mode: choice.mode,
      tools: choice.tools.map((tool) => ({ type: 'function', function: { name: tool.name } })),
    },
  };
}

function toResponseFormat(format: ResponsesTextFormat): ResponseFormat {
  if (format.type !== 'json_schema') return { type: format.type };
  return {
    type: 'json_schema',
    json_schema: {
      name: format.name,
      schema: format.schema,
      ...(format.description != null ? { description: format.description } : {}),
      ...(format.strict != null ? { strict: format.strict } : {}),
    },
  };
}

/**
 * The canonical chat request for a Responses request whose input is already `messages`:
 * function tools unwrapped into chat's `function` objects, `text.format` as `response_format`,
 * `reasoning.effort` as `reasoning_effort`, `max_output_tokens` as `max_completion_tokens`. A
 * stream always asks for the final usage chunk (the response's `usage`).
 */
export function toChatRequest(request: ResponsesRequest, messages: ChatMessage[]): ChatCompletionRequest {
  const format = request.text?.format;
  return {
    model: request.model,
    messages,
    ...(request.tools?.length ? { tools: request.tools.map(toTool) } : {}),
    ...(request.tool_choice != null ? { tool_choice: toToolChoice(request.tool_choice) } : {}),
    ...(request.parallel_tool_calls != null ? { parallel_tool_calls: request.parallel_tool_calls } : {}),
    ...(format != null ? { response_format: toResponseFormat(format) } : {}),
    ...(request.text?.verbosity != null ? { verbosity: request.text.verbosity } : {}),
    ...(request.reasoning?.effort != null ? { reasoning_effort: request.reasoning.effort } : {}),
    ...(request.max_output_tokens != null ? { max_completion_tokens: request.max_output_tokens } : {}),
    ...(request.temperature != null ? { temperature: request.temperature } : {}),
    ...(request.top_p != null ? { top_p: request.top_p } : {}),
    ...(request.user !== undefined ? { user: request.user } : {}),
    ...(request.safety_identifier !== undefined ? { safety_identifier: request.safety_identifier } : {}),
    ...(request.prompt_cache_key !== undefined ? { prompt_cache_key: request.prompt_cache_key } : {}),
    ...(request.service_tier != null ? { service_tier: request.service_tier } : {}),
    ...(request.stream === true ? { stream: true, stream_options: { include_usage: true } } : {}),
  };
}
