import type { ChatCompletionRequest, ChatMessage, Tool } from '@switchyard/protocol';
import type { RequestParams } from './answer-info.js';
import type { ChatSettings } from './chat-settings.js';
import type { TreeMessage } from './conversation-tree.js';
import { lintJsonSchema } from './json-schema-lint.js';

/** A setting that keeps the request from being sent; `field` names the input to mark. */
export interface SettingIssue {
  field: string;
  message: string;
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

function numberIssues(settings: ChatSettings): SettingIssue[] {
  const issues: SettingIssue[] = [];
  const { temperature, topP, maxTokens, seed, stop } = settings;
  if (temperature !== null && !(temperature >= 0 && temperature <= 2)) {
    issues.push({ field: 'temperature', message: 'Temperature must be between 0 and 2.' });
  }
  if (topP !== null && !(topP >= 0 && topP <= 1)) {
    issues.push({ field: 'topP', message: 'top_p must be between 0 and 1.' });
  }
  if (maxTokens !== null && !(Number.isInteger(maxTokens) && maxTokens > 0)) {
    issues.push({ field: 'maxTokens', message: 'Max tokens must be a whole number above 0.' });
  }
  if (seed !== null && !Number.isSafeInteger(seed)) {
    issues.push({ field: 'seed', message: 'Seed must be a whole number.' });
  }
  if (stop.length > 4) issues.push({ field: 'stop', message: 'At most 4 stop sequences.' });
  if (stop.some((sequence) => sequence === '')) {
    issues.push({ field: 'stop', message: 'Stop sequences cannot be empty.' });
  }
  return issues;
}

function toolIssues(settings: ChatSettings): SettingIssue[] {
  const issues: SettingIssue[] = [];
  const seen = new Set<string>();
  for (const tool of settings.tools) {
    if (!NAME.test(tool.name)) {
      issues.push({
        field: `tools.${tool.id}.name`,
        message: `Tool name "${tool.name}" must be 1–64 letters, digits, _ or -.`,
      });
    } else if (seen.has(tool.name)) {
      issues.push({ field: `tools.${tool.id}.name`, message: `Two tools are named "${tool.name}".` });
    }
    seen.add(tool.name);
    if (tool.parameters.trim() === '') continue;
    const lint = lintJsonSchema(tool.parameters, { root: 'object' });
    const error = lint.issues.find((issue) => issue.severity === 'error');
    if (error) {
      issues.push({
        field: `tools.${tool.id}.parameters`,
        message: `Parameters of ${tool.name || 'a tool'}: ${error.path ? `${error.path}: ` : ''}${error.message}`,
      });
    }
  }
  return issues;
}

function formatIssues(settings: ChatSettings): SettingIssue[] {
  const format = settings.responseFormat;
  if (format.type !== 'json_schema') return [];
  const issues: SettingIssue[] = [];
  if (!NAME.test(format.name)) {
    issues.push({
      field: 'responseFormat.name',
      message: 'Schema name must be 1–64 letters, digits, _ or -.',
    });
  }
  const error = lintJsonSchema(format.schema).issues.find((issue) => issue.severity === 'error');
  if (error) {
    issues.push({
      field: 'responseFormat.schema',
      message: `Response schema: ${error.path ? `${error.path}: ` : ''}${error.message}`,
    });
  }
  return issues;
}

/** Everything that keeps these settings from making a valid request. */
export function settingsIssues(settings: ChatSettings): SettingIssue[] {
  const issues: SettingIssue[] = [];
  if (!settings.model) issues.push({ field: 'model', message: 'Pick a model.' });
  return [...issues, ...numberIssues(settings), ...toolIssues(settings), ...formatIssues(settings)];
}

function toTool(tool: ChatSettings['tools'][number]): Tool {
  const fn: Tool['function'] = { name: tool.name };
  if (tool.description.trim()) fn.description = tool.description;
  if (tool.parameters.trim()) fn.parameters = JSON.parse(tool.parameters) as Record<string, unknown>;
  return { type: 'function', function: fn };
}

/**
 * The request fields the settings produce for `model` (only what the user set: an unset field
 * is left out so the server's default applies). Call {@link settingsIssues} first: this assumes
 * the settings are valid.
 */
export function buildParams(settings: ChatSettings, model = settings.model): RequestParams {
  const params: RequestParams = { model };
  if (settings.temperature !== null) params.temperature = settings.temperature;
  if (settings.topP !== null) params.top_p = settings.topP;
  if (settings.maxTokens !== null) params.max_tokens = settings.maxTokens;
  if (settings.stop.length === 1) params.stop = settings.stop[0] as string;
  else if (settings.stop.length > 1) params.stop = [...settings.stop];
  if (settings.seed !== null) params.seed = settings.seed;
  if (settings.thinking !== 'unset') params.thinking = { type: settings.thinking };
  if (settings.tools.length > 0) {
    params.tools = settings.tools.map(toTool);
    if (settings.toolChoice !== 'auto') params.tool_choice = settings.toolChoice;
  }
  const format = settings.responseFormat;
  if (format.type === 'json_object') params.response_format = { type: 'json_object' };
  else if (format.type === 'json_schema') {
    params.response_format = {
      type: 'json_schema',
      json_schema: {
        name: format.name,
        schema: JSON.parse(format.schema) as Record<string, unknown>,
        strict: format.strict,
      },
    };
  }
  if (settings.stream) {
    params.stream = true;
    params.stream_options = { include_usage: true };
  }
  return params;
}

/** A conversation message as it goes on the wire (reasoning shown in the UI is not sent back). */
export function toWireMessage(message: TreeMessage): ChatMessage {
  if (message.role !== 'assistant') return message;
  const { reasoning_content: _reasoning, ...rest } = message;
  const wire: ChatMessage = { ...rest };
  if (!wire.tool_calls?.length) delete wire.tool_calls;
  return wire;
}

/** The full request: `model`, then the messages (system prompt first), then the other fields. */
export function composeRequest(
  params: RequestParams,
  system: string,
  messages: readonly TreeMessage[],
): ChatCompletionRequest {
  const { model, ...rest } = params;
  const all: ChatMessage[] = system.trim() ? [{ role: 'system', content: system }] : [];
  for (const message of messages) all.push(toWireMessage(message));
  return { model, messages: all, ...rest };
}
