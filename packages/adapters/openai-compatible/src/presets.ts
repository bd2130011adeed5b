import type { ChatAdapter } from '@switchyard/adapter-kit';
import { createOpenAICompatibleAdapter, type OpenAICompatibleSettings } from './openai-compatible-adapter.js';

/** Settings of a preset: everything of {@link OpenAICompatibleSettings} is optional and overrides the preset. */
export type PresetSettings = Partial<OpenAICompatibleSettings>;

interface PresetDefaults extends Omit<OpenAICompatibleSettings, 'baseURL'> {
  /** The base URL when neither `settings.baseURL` nor the `<NAME>_BASE_URL` variable is set. */
  defaultBaseURL: string;
  baseURLEnv: string;
}

function preset(defaults: PresetDefaults, settings: PresetSettings = {}): ChatAdapter {
  const { defaultBaseURL, baseURLEnv, ...rest } = defaults;
  return createOpenAICompatibleAdapter({
    ...rest,
    ...settings,
    baseURL: settings.baseURL ?? process.env[baseURLEnv] ?? defaultBaseURL,
    quirks: { ...rest.quirks, ...settings.quirks },
  });
}

/**
 * Token360 (`https://api.token360.ai/v1`, key `TOKEN360_API_KEY`): GLM models such as `glm-5.1`;
 * `thinking` is sent as is, `{"type":"auto"}` included (Token360 documents `enabled`, `disabled`
 * and `auto`); `usage.cost` is Token360's own bill.
 */
export function token360(settings?: PresetSettings): ChatAdapter {
  return preset(
    {
      name: 'token360',
      defaultBaseURL: 'https://api.token360.ai/v1',
      baseURLEnv: 'TOKEN360_BASE_URL',
      apiKeyEnv: 'TOKEN360_API_KEY',
      quirks: { thinkingAuto: 'forward' },
    },
    settings,
  );
}

/**
 * OpenAI (`OPENAI_API_KEY`). Reasoning models (o-series, gpt-5) get `max_completion_tokens` and
 * no sampling parameters; `thinking` is rejected (use `reasoning_effort`); earlier
 * `reasoning_content` is not replayed (OpenAI rejects the field).
 */
export function openai(settings?: PresetSettings): ChatAdapter {
  return preset(
    {
      name: 'openai',
      defaultBaseURL: 'https://api.openai.com/v1',
      baseURLEnv: 'OPENAI_BASE_URL',
      apiKeyEnv: 'OPENAI_API_KEY',
      quirks: { thinking: 'unsupported', openaiReasoningModels: true, reasoningHistory: 'drop' },
    },
    settings,
  );
}

/**
 * DeepSeek (`DEEPSEEK_API_KEY`): `thinking` (`enabled`/`disabled`) and `reasoning_content` replay
 * sent as is; `{"type":"auto"}`, which DeepSeek does not document, is left out (the model's default).
 */
export function deepseek(settings?: PresetSettings): ChatAdapter {
  return preset(
    {
      name: 'deepseek',
      defaultBaseURL: 'https://api.deepseek.com',
      baseURLEnv: 'DEEPSEEK_BASE_URL',
      apiKeyEnv: 'DEEPSEEK_API_KEY',
    },
    settings,
  );
}

/** Settings of {@link openrouter}: attribution headers on top of the usual ones. */
export interface OpenRouterSettings extends PresetSettings {
  /** Sent as `HTTP-Referer` (your site, for OpenRouter's rankings). */
  appURL?: string;
  /** Sent as `X-Title` (your app's name). */
  appName?: string;
}

/**
 * OpenRouter (`OPENROUTER_API_KEY`): `thinking` becomes OpenRouter's
 * `reasoning: {enabled, max_tokens}` (a `reasoning` field you send yourself wins; `{"type":"auto"}`
 * is left out: the model's default), and its
 * `reasoning` answers come back as `reasoning_content`.
 */
export function openrouter(settings: OpenRouterSettings = {}): ChatAdapter {
  const { appURL, appName, ...rest } = settings;
  return preset(
    {
      name: 'openrouter',
      defaultBaseURL: 'https://openrouter.ai/api/v1',
      baseURLEnv: 'OPENROUTER_BASE_URL',
      apiKeyEnv: 'OPENROUTER_API_KEY',
      quirks: { thinking: 'openrouter' },
    },
    {
      ...rest,
      headers: {
        ...(appURL ? { 'HTTP-Referer': appURL } : {}),
        ...(appName ? { 'X-Title': appName } : {}),
        ...rest.headers,
      },
    },
  );
}

/**
 * Groq (`GROQ_API_KEY`): `thinking` is rejected (Groq uses `reasoning_format` and
 * `reasoning_effort`, which pass through); earlier `reasoning_content` is not replayed (Groq
 * rejects unknown message fields).
 */
export function groq(settings?: PresetSettings): ChatAdapter {
  return preset(
    {
      name: 'groq',
      defaultBaseURL: 'https://api.groq.com/openai/v1',
      baseURLEnv: 'GROQ_BASE_URL',
      apiKeyEnv: 'GROQ_API_KEY',
      quirks: { thinking: 'unsupported', reasoningHistory: 'drop' },
    },
    settings,
  );
}

/**
 * A vLLM server (`VLLM_BASE_URL`, default `http://127.0.0.1:8000/v1`; `VLLM_API_KEY` when the
 * server runs with `--api-key`): `thinking` becomes `chat_template_kwargs.enable_thinking`.
 */
export function vllm(settings?: PresetSettings): ChatAdapter {
  return preset(
    {
      name: 'vllm',
      defaultBaseURL: 'http://127.0.0.1:8000/v1',
      baseURLEnv: 'VLLM_BASE_URL',
      apiKeyEnv: 'VLLM_API_KEY',
      apiKeyRequired: false,
      quirks: { thinking: 'chat-template-kwargs' },
    },
    settings,
  );
}

/** An Ollama server (`OLLAMA_BASE_URL`, default `http://127.0.0.1:11434/v1`, no key): `thinking` is rejected. */
export function ollama(settings?: PresetSettings): ChatAdapter {
  return preset(
    {
      name: 'ollama',
      defaultBaseURL: 'http://127.0.0.1:11434/v1',
      baseURLEnv: 'OLLAMA_BASE_URL',
      quirks: { thinking: 'unsupported' },
    },
    settings,
  );
}

/**
 * A llama.cpp server (`LLAMACPP_BASE_URL`, default `http://127.0.0.1:8080/v1`; `LLAMACPP_API_KEY`
 * when started with `--api-key`): `thinking` becomes `chat_template_kwargs.enable_thinking`.
 */
export function llamacpp(settings?: PresetSettings): ChatAdapter {
  return preset(
    {
      name: 'llamacpp',
      defaultBaseURL: 'http://127.0.0.1:8080/v1',
      baseURLEnv: 'LLAMACPP_BASE_URL',
      apiKeyEnv: 'LLAMACPP_API_KEY',
      apiKeyRequired: false,
      quirks: { thinking: 'chat-template-kwargs' },
    },
    settings,
  );
}

/** LM Studio's server (`LMSTUDIO_BASE_URL`, default `http://127.0.0.1:1234/v1`, no key): `thinking` is rejected. */
export function lmstudio(settings?: PresetSettings): ChatAdapter {
  return preset(
    {
      name: 'lmstudio',
      defaultBaseURL: 'http://127.0.0.1:1234/v1',
      baseURLEnv: 'LMSTUDIO_BASE_URL',
      quirks: { thinking: 'unsupported' },
    },
    settings,
  );
}
