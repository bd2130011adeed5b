import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../errors/protocol-error.js';
import { safeParseChatCompletionRequest } from './parse-chat-completion-request.js';

const VALID = {
  model: 'glm-5.1',
  messages: [
    { role: 'system', content: 'be brief' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'hi' },
        { type: 'image_url', image_url: { url: 'https://x/y.png' } },
      ],
    },
    {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
    },
    { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
  ],
  tools: [
    { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } },
  ],
  tool_choice: { type: 'function', function: { name: 'get_weather' } },
  response_format: { type: 'json_schema', json_schema: { name: 'a', schema: { type: 'object' } } },
  thinking: { type: 'enabled' },
  stop: ['x'],
  temperature: 0.5,
  logit_bias: { '1': 2 },
  stream: true,
  stream_options: { include_usage: true },
};

type Path = (string | number)[];

function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...pathsOf(child, [...prefix, key])]);
}

const PATHS = pathsOf(VALID);

function mutate(path: Path, replacement: unknown, remove: boolean): unknown {
  const copy = structuredClone(VALID) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (remove) delete node[last];
  else node[last] = replacement;
  return copy;
}

/** Values chosen to hit edge cases: hostile keys, non-finite and huge numbers, wrong types. */
const nasty = fc.oneof(
  fc.anything({
    withBoxedValues: true,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
  }),
  fc.constantFrom(NaN, Infinity, -Infinity, 1e308, -0, 2 ** 53 + 1, '', '__proto__', [], {}),
  fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'prototype', 'role', 'type'), fc.jsonValue()),
);

function assertProtocolOutcome(body: unknown) {
  const result = safeParseChatCompletionRequest(body);
  if (result.success) return;
  expect(ProtocolError.isInstance(result.error)).toBe(true);
  expect(result.error.code).toBe('invalid_request');
  expect(result.error.message.length).toBeGreaterThan(0);
  expect(result.error.message).not.toContain('{param}');
  const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
  if (isObject) expect(result.error.param).toMatch(/^[a-z_]/);
  else expect(result.error.param).toBeNull();
}

describe('safeParseChatCompletionRequest never throws', () => {
  it('returns data or a ProtocolError for arbitrary values', () => {
    fc.assert(fc.property(fc.oneof(fc.jsonValue(), nasty), assertProtocolOutcome), { numRuns: 500 });
  });

  it('returns data or a ProtocolError with a param for every mutation of a valid request', () => {
    expect(safeParseChatCompletionRequest(VALID).success).toBe(true);
    fc.assert(
      fc.property(fc.constantFrom(...PATHS), nasty, fc.boolean(), (path, value, remove) =>
        assertProtocolOutcome(mutate(path, value, remove)),
      ),
      { numRuns: 1500 },
    );
  });

  it('handles deeply nested input without a stack overflow', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    for (const body of [
      { ...VALID, extra: deep },
      { ...VALID, messages: deep },
      {
        ...VALID,
        tools: [
          { type: 'function', function: { name: 'f', parameters: { type: 'object', properties: deep } } },
        ],
      },
    ]) {
      assertProtocolOutcome(body);
    }
  });
});
