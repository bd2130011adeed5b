import type { ChatCompletionRequest } from '@switchyard/protocol';
import { describe, expect, it } from 'vitest';
import { cacheKey, canonicalJson } from './cache-key.js';

const base: ChatCompletionRequest = {
  model: 'smart',
  messages: [{ role: 'user', content: 'What is 2 + 2?' }],
  temperature: 0,
};

const key = (request: Partial<ChatCompletionRequest>, scope = 'key_a', deployments = ['up/m']) =>
  cacheKey({ scope, model: 'smart', deployments, request: { ...base, ...request } as ChatCompletionRequest });

describe('canonicalJson', () => {
  it('writes equal values as equal text whatever the key order, and drops undefined fields', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe(
      canonicalJson({ a: { d: [1, { x: 1, y: 2 }] }, b: 1 }),
    );
    expect(canonicalJson({ b: [undefined, 'x'], a: null })).toBe('{"a":null,"b":[null,"x"]}');
  });
});

describe('cacheKey', () => {
  it('is a SHA-256 hex digest, stable for the same request', () => {
    expect(key({})).toMatch(/^[0-9a-f]{64}$/);
    expect(key({})).toBe(key({}));
  });

  it('ignores what does not change the answer: delivery, caller identity, bookkeeping', () => {
    expect(
      key({
        stream: true,
        stream_options: { include_usage: true },
        user: 'u-1',
        safety_identifier: 'hash',
        metadata: { team: 'a' },
        store: true,
        prompt_cache_key: 'p',
        service_tier: 'auto',
        model: 'an-alias',
      }),
    ).toBe(key({}));
  });

  it('treats a field set to null as absent', () => {
    expect(key({ top_p: null, seed: null })).toBe(key({}));
  });

  it.each<[string, Partial<ChatCompletionRequest>]>([
    ['messages', { messages: [{ role: 'user', content: 'What is 2 + 3?' }] }],
    ['temperature', { temperature: 0.7 }],
    ['top_p', { top_p: 0.5 }],
    ['max_tokens', { max_tokens: 5 }],
    ['stop', { stop: ['\n'] }],
    ['seed', { seed: 7 }],
    ['n', { n: 2 }],
    ['tools', { tools: [{ type: 'function', function: { name: 'f', parameters: {} } }] }],
    ['tool_choice', { tool_choice: 'none' }],
    ['response_format', { response_format: { type: 'json_object' } }],
    ['thinking', { thinking: { type: 'enabled' } }],
    ['a vendor field', { top_k: 3 } as Partial<ChatCompletionRequest>],
  ])('changes with %s', (_name, change) => {
    expect(key(change)).not.toBe(key({}));
  });

  it('changes with the scope and with the deployments behind the model name', () => {
    expect(key({}, 'key_b')).not.toBe(key({}));
    expect(key({}, 'key_a', ['other/m'])).not.toBe(key({}));
    expect(key({}, 'key_a', ['b/m', 'a/m'])).toBe(key({}, 'key_a', ['a/m', 'b/m']));
  });
});
