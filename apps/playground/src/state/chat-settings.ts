/** `thinking` as the settings offer it; `unset` leaves the field out of the request. */
export type ThinkingMode = 'unset' | 'enabled' | 'disabled' | 'auto';
export const THINKING_MODES: readonly ThinkingMode[] = ['unset', 'enabled', 'disabled', 'auto'];

export type ToolChoiceMode = 'auto' | 'none' | 'required';
export const TOOL_CHOICES: readonly ToolChoiceMode[] = ['auto', 'none', 'required'];

export type ResponseFormatType = 'text' | 'json_object' | 'json_schema';
export const RESPONSE_FORMAT_TYPES: readonly ResponseFormatType[] = ['text', 'json_object', 'json_schema'];

/** A function tool as the user edits it: the parameters and canned result are JSON text. */
export interface ToolDefinition {
  id: string;
  name: string;
  description: string;
  /** JSON Schema of the arguments, as typed. */
  parameters: string;
  /** A result to answer this tool's calls with in one click (JSON or plain text). */
  cannedResult: string;
}

export interface ResponseFormatSetting {
  type: ResponseFormatType;
  /** `json_schema.name`. */
  name: string;
  /** The JSON Schema, as typed. */
  schema: string;
  strict: boolean;
}

/**
 * Everything of a request except the conversation itself. Numbers are `null` when unset (the
 * field is then left out of the request, so the server's default applies).
 */
export interface ChatSettings {
  model: string;
  /** Compare mode: the same conversation is also sent to these models. */
  compare: boolean;
  compareModels: string[];
  system: string;
  temperature: number | null;
  topP: number | null;
  maxTokens: number | null;
  seed: number | null;
  stop: string[];
  thinking: ThinkingMode;
  tools: ToolDefinition[];
  toolChoice: ToolChoiceMode;
  responseFormat: ResponseFormatSetting;
  stream: boolean;
}

export const EXAMPLE_TOOL_PARAMETERS = `{
  "type": "object",
  "properties": {
    "city": { "type": "string", "description": "City name" },
    "unit": { "type": "string", "enum": ["celsius", "fahrenheit"] }
  },
  "required": ["city"]
}`;

export const EXAMPLE_RESPONSE_SCHEMA = `{
  "type": "object",
  "properties": {
    "city": { "type": "string" },
    "country": { "type": "string" },
    "population": { "type": "integer", "minimum": 0 }
  },
  "required": ["city", "country", "population"],
  "additionalProperties": false
}`;

export function defaultSettings(model = ''): ChatSettings {
  return {
    model,
    compare: false,
    compareModels: [],
    system: '',
    temperature: null,
    topP: null,
    maxTokens: null,
    seed: null,
    stop: [],
    thinking: 'unset',
    tools: [],
    toolChoice: 'auto',
    responseFormat: { type: 'text', name: 'answer', schema: EXAMPLE_RESPONSE_SCHEMA, strict: true },
    stream: true,
  };
}

/** The models a send goes to: the main model, then the compare models (deduplicated). */
export function targetModels(settings: ChatSettings): string[] {
  const models = [settings.model];
  if (settings.compare) {
    for (const model of settings.compareModels) if (model && !models.includes(model)) models.push(model);
  }
  return models.filter((model) => model !== '').slice(0, 3);
}
