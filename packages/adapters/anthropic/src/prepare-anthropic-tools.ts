import { BadRequestError, type ChatCompletionRequest, ErrorCode, type Tool } from '@switchyard/protocol';
import type { AnthropicMessagesRequest, AnthropicTool, AnthropicToolChoice } from './anthropic-api-types.js';
import type { StructuredOutputMode } from './anthropic-model-capabilities.js';

/** Name of the tool that carries a `response_format` answer when the model has no native mode. */
export const JSON_TOOL_NAME = 'json';

/** Added to the system prompt for JSON mode when thinking rules out a forced tool. */
export const JSON_MODE_INSTRUCTION =
  'Respond with a single valid JSON object and nothing else: no prose, no code fences.';

/** The tool-related part of a Messages request, and what the response converter must know. */
export interface PreparedTools {
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  output_config?: AnthropicMessagesRequest['output_config'];
  /** Extra system text (JSON mode with thinking on). */
  systemInstruction?: string;
  /** True when a `json` tool call is the answer: its input becomes `content`. */
  jsonTool: boolean;
}

/**
 * Maps `tools`, `tool_choice`, `parallel_tool_calls` and `response_format`:
 * auto → auto, required → any, a named function → tool, none → none (tools stay defined, since
 * Anthropic needs them to read earlier tool_use blocks), allowed_tools → the subset with auto/any.
 * `json_schema` uses `output_config.format` in native mode, otherwise a forced `json` tool;
 * `json_object` uses the forced tool, or an instruction when thinking is on.
 */
export function prepareAnthropicTools(
  request: ChatCompletionRequest,
  options: { thinking: boolean; structuredOutputs: StructuredOutputMode },
): PreparedTools {
  let tools = (request.tools ?? []).map((tool) => convertTool(tool, options.structuredOutputs === 'native'));
  let choice: AnthropicToolChoice | undefined;
  const requested = request.tool_choice;
  if (requested === 'auto') choice = { type: 'auto' };
  else if (requested === 'none') choice = { type: 'none' };
  else if (requested === 'required') choice = { type: 'any' };
  else if (requested?.type === 'function') choice = { type: 'tool', name: requested.function.name };
  else if (requested?.type === 'allowed_tools') {
    const allowed = new Set(requested.allowed_tools.tools.map((tool) => tool.function.name));
    tools = tools.filter((tool) => allowed.has(tool.name));
    choice = { type: requested.allowed_tools.mode === 'required' ? 'any' : 'auto' };
  }
  if (options.thinking && (choice?.type === 'any' || choice?.type === 'tool')) {
    throw new BadRequestError({
      message:
        'Anthropic does not allow thinking when tool_choice forces a tool call: use tool_choice "auto" or "none", or disable thinking.',
      code: ErrorCode.unsupportedParameter,
      param: 'tool_choice',
    });
  }

  const prepared: PreparedTools = { jsonTool: false };
  const format = request.response_format;
  if (format?.type === 'json_schema' && format.json_schema.schema && options.structuredOutputs === 'native') {
    prepared.output_config = {
      format: {
        type: 'json_schema',
        schema: closeObjects(format.json_schema.schema) as Record<string, unknown>,
      },
    };
  } else if (format?.type === 'json_schema' || format?.type === 'json_object') {
    if (options.thinking && format.type === 'json_object') {
      prepared.systemInstruction = JSON_MODE_INSTRUCTION;
    } else if (options.thinking) {
      throw new BadRequestError({
        message: `response_format json_schema needs a forced tool call on ${request.model} (no native structured outputs), and Anthropic does not allow thinking with forced tool use: disable thinking or use a model with structured outputs.`,
        code: ErrorCode.unsupportedParameter,
        param: 'response_format',
      });
    } else {
      if (tools.some((tool) => tool.name === JSON_TOOL_NAME)) {
        throw new BadRequestError({
          message: `response_format is delivered through a tool named '${JSON_TOOL_NAME}' on ${request.model}, which clashes with a tool of the same name: rename that tool.`,
          code: ErrorCode.unsupportedParameter,
          param: 'response_format',
        });
      }
      const schema = format.type === 'json_schema' ? format.json_schema : undefined;
      const hasOtherTools = tools.length > 0;
      tools.push({
        name: JSON_TOOL_NAME,
        description: schema?.description ?? 'Respond with a JSON object.',
        input_schema: objectSchema(schema?.schema),
      });
      // Alone, the json tool is forced; beside the caller's tools, the model must call one of them.
      if (!hasOtherTools || choice?.type === 'none') choice = { type: 'tool', name: JSON_TOOL_NAME };
      else if (choice === undefined || choice.type === 'auto') choice = { type: 'any' };
      prepared.jsonTool = true;
    }
  }

  if (tools.length === 0) return prepared;
  if (request.parallel_tool_calls === false && choice?.type !== 'none') {
    choice = { ...(choice ?? { type: 'auto' }), disable_parallel_tool_use: true } as AnthropicToolChoice;
  }
  prepared.tools = tools;
  if (choice) prepared.tool_choice = choice;
  return prepared;
}

function convertTool(tool: Tool, strictSupported: boolean): AnthropicTool {
  const converted: AnthropicTool = {
    name: tool.function.name,
    input_schema: objectSchema(tool.function.parameters),
  };
  if (tool.function.description) converted.description = tool.function.description;
  if (tool.function.strict === true && strictSupported) converted.strict = true;
  return converted;
}

/** Anthropic requires `input_schema.type: "object"`; chat tools may leave `parameters` out. */
function objectSchema(schema: object | undefined): Record<string, unknown> {
  if (!schema) return { type: 'object', properties: {} };
  return { type: 'object', ...schema };
}

/**
 * Native structured outputs require `additionalProperties: false` on every object, as OpenAI's
 * strict mode does; objects that do not say otherwise get it.
 */
function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (typeof schema !== 'object' || schema === null) return schema;
  const node = schema as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' || key === '$defs' || key === 'definitions') {
      result[key] = mapValues(value);
    } else if (['items', 'prefixItems', 'anyOf', 'oneOf', 'allOf', 'not'].includes(key)) {
      result[key] = closeObjects(value);
    } else {
      result[key] = value;
    }
  }
  const isObject = node.type === 'object' || (Array.isArray(node.type) && node.type.includes('object'));
  if ((isObject || 'properties' in node) && !('additionalProperties' in node))
    result.additionalProperties = false;
  return result;
}

function mapValues(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, closeObjects(child)]));
}
