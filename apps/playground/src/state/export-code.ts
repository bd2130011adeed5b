import type { ChatCompletionRequest } from '@switchyard/protocol';

export type ExportLanguage = 'curl' | 'typescript' | 'python';
export const EXPORT_LANGUAGES: readonly ExportLanguage[] = ['curl', 'typescript', 'python'];

export interface ExportTarget {
  /** The gateway root, e.g. `http://127.0.0.1:8787` (`/v1` is added). */
  gatewayURL: string;
  /** Put this key in the code; by default the code reads it from `$SWITCHYARD_API_KEY`. */
  apiKey?: string;
}

export const API_KEY_ENV = 'SWITCHYARD_API_KEY';

function apiRoot(target: ExportTarget): string {
  return `${target.gatewayURL.replace(/\/+$/, '')}/v1`;
}

/** Quotes a word for a POSIX shell. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** A curl command sending exactly this request body. */
export function toCurl(request: ChatCompletionRequest, target: ExportTarget): string {
  const auth = target.apiKey
    ? shellQuote(`Authorization: Bearer ${target.apiKey}`)
    : `"Authorization: Bearer $${API_KEY_ENV}"`;
  const flags = request.stream ? '-sS -N' : '-sS';
  return [
    `curl ${flags} ${shellQuote(`${apiRoot(target)}/chat/completions`)}`,
    `  -H ${auth}`,
    `  -H 'Content-Type: application/json'`,
    `  -d ${shellQuote(JSON.stringify(request, null, 2))}`,
  ].join(' \\\n');
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function jsKey(key: string): string {
  // `__proto__: x` (quoted or not) would set the prototype; a computed key makes it a property.
  if (key === '__proto__') return '["__proto__"]';
  return IDENTIFIER.test(key) ? key : JSON.stringify(key);
}

/** A JavaScript object literal for a JSON value (keys unquoted where they can be). */
export function toJsLiteral(value: unknown, indent = 0): string {
  const pad = '  '.repeat(indent + 1);
  const close = '  '.repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => pad + toJsLiteral(item, indent + 1)).join(',\n')},\n${close}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    if (entries.length === 0) return '{}';
    const lines = entries.map(([key, item]) => `${pad}${jsKey(key)}: ${toJsLiteral(item, indent + 1)}`);
    return `{\n${lines.join(',\n')},\n${close}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** TypeScript using `@switchyard/client` that sends exactly this request and prints the answer. */
export function toTypeScript(request: ChatCompletionRequest, target: ExportTarget): string {
  const key = target.apiKey ? JSON.stringify(target.apiKey) : `process.env.${API_KEY_ENV}`;
  const lines = [
    `import { createClient } from '@switchyard/client';`,
    '',
    'const client = createClient({',
    `  baseURL: ${JSON.stringify(apiRoot(target))},`,
    `  apiKey: ${key},`,
    '});',
    '',
  ];
  const body = toJsLiteral(request);
  if (request.stream) {
    lines.push(
      `const stream = await client.chat.completions.create(${body});`,
      'for await (const chunk of stream) {',
      '  const delta = chunk.choices[0]?.delta;',
      '  if (delta?.content) process.stdout.write(delta.content);',
      '  for (const call of delta?.tool_calls ?? []) process.stdout.write(call.function?.arguments ?? "");',
      '}',
      'const completion = await stream.finalCompletion();',
      'console.log();',
      'console.log(completion.choices[0]?.finish_reason, completion.usage, completion._requestId);',
    );
  } else {
    lines.push(
      `const completion = await client.chat.completions.create(${body});`,
      'const message = completion.choices[0]?.message;',
      'console.log(message?.content ?? JSON.stringify(message?.tool_calls, null, 2));',
      'console.log(completion.choices[0]?.finish_reason, completion.usage, completion._requestId);',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Parameters `openai` (Python) takes by name; everything else goes in `extra_body`. */
const PYTHON_PARAMS = new Set([
  'model',
  'messages',
  'audio',
  'frequency_penalty',
  'function_call',
  'functions',
  'logit_bias',
  'logprobs',
  'max_completion_tokens',
  'max_tokens',
  'metadata',
  'modalities',
  'n',
  'parallel_tool_calls',
  'prediction',
  'presence_penalty',
  'prompt_cache_key',
  'reasoning_effort',
  'response_format',
  'safety_identifier',
  'seed',
  'service_tier',
  'stop',
  'store',
  'stream',
  'stream_options',
  'temperature',
  'tool_choice',
  'tools',
  'top_logprobs',
  'top_p',
  'user',
  'verbosity',
  'web_search_options',
]);

/** A Python literal for a JSON value. */
export function toPythonLiteral(value: unknown, indent = 0): string {
  const pad = '    '.repeat(indent + 1);
  const close = '    '.repeat(indent);
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => pad + toPythonLiteral(item, indent + 1)).join(',\n')},\n${close}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    if (entries.length === 0) return '{}';
    const lines = entries.map(
      ([key, item]) => `${pad}${JSON.stringify(key)}: ${toPythonLiteral(item, indent + 1)}`,
    );
    return `{\n${lines.join(',\n')},\n${close}}`;
  }
  // JSON string and number syntax is valid Python (escapes included).
  return JSON.stringify(value);
}

/** Python using the `openai` package that sends exactly this request and prints the answer. */
export function toPython(request: ChatCompletionRequest, target: ExportTarget): string {
  const key = target.apiKey ? JSON.stringify(target.apiKey) : `os.environ[${JSON.stringify(API_KEY_ENV)}]`;
  const named: string[] = [];
  const extra: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(request)) {
    if (value === undefined) continue;
    if (PYTHON_PARAMS.has(field)) named.push(`    ${field}=${toPythonLiteral(value, 1)},`);
    else extra[field] = value;
  }
  if (Object.keys(extra).length > 0) named.push(`    extra_body=${toPythonLiteral(extra, 1)},`);
  const lines = [
    'import os',
    '',
    'from openai import OpenAI',
    '',
    `client = OpenAI(base_url=${JSON.stringify(apiRoot(target))}, api_key=${key})`,
    '',
  ];
  if (request.stream) {
    lines.push(
      'stream = client.chat.completions.create(',
      ...named,
      ')',
      'for chunk in stream:',
      '    if chunk.choices and chunk.choices[0].delta.content:',
      '        print(chunk.choices[0].delta.content, end="", flush=True)',
      'print()',
    );
  } else {
    lines.push(
      'completion = client.chat.completions.create(',
      ...named,
      ')',
      'print(completion.choices[0].message.content or completion.choices[0].message.tool_calls)',
    );
  }
  return `${lines.join('\n')}\n`;
}

export function exportCode(
  language: ExportLanguage,
  request: ChatCompletionRequest,
  target: ExportTarget,
): string {
  if (language === 'curl') return toCurl(request, target);
  if (language === 'typescript') return toTypeScript(request, target);
  return toPython(request, target);
}
