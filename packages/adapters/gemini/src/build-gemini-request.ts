import { rejectUnknownFields } from '@switchyard/adapter-kit';
import type { ChatCompletionRequest, ReasoningEffort } from '@switchyard/protocol';
import { convertJsonSchemaToGeminiSchema } from './convert-json-schema-to-gemini-schema.js';
import { convertToGeminiContents } from './convert-to-gemini-contents.js';
import type {
  GeminiFunctionDeclaration,
  GeminiGenerateContentRequest,
  GeminiGenerationConfig,
  GeminiThinkingConfig,
  GeminiToolConfig,
} from './gemini-api-types.js';
import { unsupportedParameter } from './gemini-error.js';
import { type GeminiModelTraits, geminiModelTraits } from './gemini-model-traits.js';

/** Thinking budgets for `reasoning_effort` on budget-based (Gemini 2.5) models; all fit Flash's 24,576 cap. */
const EFFORT_BUDGETS: Record<Exclude<ReasoningEffort, 'none'>, number> = {
  minimal: 512,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: 24576,
  max: 24576,
};

const EFFORT_LEVELS: Record<
  Exclude<ReasoningEffort, 'none'>,
  NonNullable<GeminiThinkingConfig['thinkingLevel']>
> = {
  minimal: 'minimal',
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'high',
  max: 'high',
};

/** Request fields this adapter translates (the rest are refused, see adapter-kit's field policy). */
const MAPPED_FIELDS = new Set([
  'model',
  'messages',
  'temperature',
  'top_p',
  'n',
  'stop',
  'max_tokens',
  'max_completion_tokens',
  'presence_penalty',
  'frequency_penalty',
  'logit_bias',
  'logprobs',
  'top_logprobs',
  'seed',
  'tools',
  'tool_choice',
  'response_format',
  'thinking',
  'reasoning_effort',
  'modalities',
]);

/**
 * Accepted and dropped beyond adapter-kit's METADATA_ONLY_FIELDS (documented in the README):
 * Gemini has no switch for parallel tool calls and no verbosity.
 */
const IGNORED_FIELDS = new Set(['parallel_tool_calls', 'verbosity']);

export interface BuildRequestOptions {
  readonly baseURL: string;
}

/**
 * Builds the Gemini `generateContent` body for a validated chat-completions request.
 * @throws {BadRequestError} for what Gemini cannot do (logit_bias, audio output, …),
 * naming the request field.
 */
export function buildGeminiRequest(
  request: ChatCompletionRequest,
  options: BuildRequestOptions,
): GeminiGenerateContentRequest {
  rejectUnsupported(request);
  const traits = geminiModelTraits(request.model);
  const body: GeminiGenerateContentRequest = convertToGeminiContents(request.messages, {
    traits,
    baseURL: options.baseURL,
  });
  const tools = buildTools(request);
  if (tools) {
    body.tools = [{ functionDeclarations: tools.declarations }];
    if (tools.toolConfig) body.toolConfig = tools.toolConfig;
  }
  const generationConfig = buildGenerationConfig(request, traits);
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
  return body;
}

function rejectUnsupported(request: ChatCompletionRequest): void {
  rejectUnknownFields(request, { adapterName: 'Gemini', mapped: MAPPED_FIELDS, ignored: IGNORED_FIELDS });
  if (request.logit_bias && Object.keys(request.logit_bias).length > 0)
    throw unsupportedParameter('logit_bias');
  if (request.modalities?.includes('audio')) throw unsupportedParameter('modalities', "may only be ['text']");
}

function buildTools(
  request: ChatCompletionRequest,
): { declarations: GeminiFunctionDeclaration[]; toolConfig?: GeminiToolConfig } | undefined {
  const tools = request.tools ?? [];
  if (tools.length === 0) return undefined;
  let declarations = tools.map((tool, i): GeminiFunctionDeclaration => {
    const parameters = convertJsonSchemaToGeminiSchema(
      tool.function.parameters,
      `tools[${i}].function.parameters`,
    );
    return {
      name: tool.function.name,
      ...(tool.function.description ? { description: tool.function.description } : {}),
      ...(parameters ? { parameters } : {}),
    };
  });
  const choice = request.tool_choice;
  if (choice == null) return { declarations };
  if (choice === 'none') return { declarations, toolConfig: { functionCallingConfig: { mode: 'NONE' } } };
  if (choice === 'auto') return { declarations, toolConfig: { functionCallingConfig: { mode: 'AUTO' } } };
  if (choice === 'required') return { declarations, toolConfig: { functionCallingConfig: { mode: 'ANY' } } };
  if (choice.type === 'function') {
    return {
      declarations,
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.function.name] } },
    };
  }
  const allowed = choice.allowed_tools.tools.map((tool) => tool.function.name);
  if (choice.allowed_tools.mode === 'required') {
    return {
      declarations,
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: allowed } },
    };
  }
  // Gemini takes allowedFunctionNames only with mode ANY: for `auto`, declare only the allowed ones.
  declarations = declarations.filter((declaration) => allowed.includes(declaration.name));
  return { declarations, toolConfig: { functionCallingConfig: { mode: 'AUTO' } } };
}

function buildGenerationConfig(
  request: ChatCompletionRequest,
  traits: GeminiModelTraits,
): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {};
  if (request.temperature != null) config.temperature = request.temperature;
  if (request.top_p != null) config.topP = request.top_p;
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens != null) config.maxOutputTokens = maxTokens;
  if (request.stop != null)
    config.stopSequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  if (request.n != null) config.candidateCount = request.n;
  if (request.presence_penalty != null) config.presencePenalty = request.presence_penalty;
  if (request.frequency_penalty != null) config.frequencyPenalty = request.frequency_penalty;
  if (request.seed != null) config.seed = request.seed;
  if (request.logprobs) {
    config.responseLogprobs = true;
    if (request.top_logprobs != null) config.logprobs = request.top_logprobs;
  }

  const format = request.response_format;
  if (format?.type === 'json_object') config.responseMimeType = 'application/json';
  if (format?.type === 'json_schema') {
    config.responseMimeType = 'application/json';
    const schema = convertJsonSchemaToGeminiSchema(
      format.json_schema.schema,
      'response_format.json_schema.schema',
    );
    if (schema) config.responseSchema = schema;
  }

  const thinkingConfig = buildThinkingConfig(request, traits);
  if (thinkingConfig) config.thinkingConfig = thinkingConfig;
  return config;
}

/**
 * `thinking` / `reasoning_effort` → `thinkingConfig`. Gemini returns thought text only with
 * `includeThoughts`, so any request for thinking sets it. Turning thinking off is `thinkingBudget: 0`
 * on Gemini 2.5; Gemini 3 cannot turn it off and gets its lowest common level, `low`, without thoughts.
 * Without either field the model's default applies and no thought text comes back.
 */
function buildThinkingConfig(
  request: ChatCompletionRequest,
  traits: GeminiModelTraits,
): GeminiThinkingConfig | undefined {
  const thinking = request.thinking;
  const effort = request.reasoning_effort;
  if (thinking == null && effort == null) return undefined;
  if (thinking?.type === 'disabled' || effort === 'none') {
    return traits.thinking === 'level' ? { thinkingLevel: 'low' } : { thinkingBudget: 0 };
  }
  const config: GeminiThinkingConfig = { includeThoughts: true };
  const budget = thinking?.budget_tokens;
  if (traits.thinking === 'level') {
    if (effort) config.thinkingLevel = EFFORT_LEVELS[effort];
    else if (budget !== undefined) config.thinkingBudget = budget;
  } else if (budget !== undefined) {
    config.thinkingBudget = budget;
  } else if (effort) {
    config.thinkingBudget = EFFORT_BUDGETS[effort];
  } else if (thinking?.type === 'enabled') {
    // -1 is Gemini's dynamic budget: the model decides how long to think.
    config.thinkingBudget = -1;
  }
  return config;
}
