import { runConformanceSuite } from '@switchyard/server-kit/testing';
import { afterAll } from 'vitest';
import { startFakeAnthropicUpstream } from '../test/support/fake-anthropic-upstream.js';
import { readFixture, type Upstream, vectorReply } from '../test/support/upstream-server.js';
import { createAnthropicAdapter } from './anthropic-adapter.js';

// The server-kit conformance kit, run against the adapter pointed at a FAKE Anthropic upstream
// (a deterministic Messages API written for tests, see fake-anthropic-upstream.ts). Two models:
// one with native structured outputs, one that gets the forced `json` tool.

const API_KEY = 'sk-ant-fake-conformance';
let upstream: Upstream | undefined;
afterAll(() => upstream?.close());

runConformanceSuite({
  name: 'anthropic adapter against a fake Anthropic upstream',
  capabilities: createAnthropicAdapter({ apiKey: API_KEY }).capabilities ?? {},
  models: ['claude-sonnet-4-5', 'claude-3-5-haiku-latest'],
  // Anthropic's usage counts thinking inside output_tokens, with no breakdown.
  reportsReasoningTokens: false,
  async createAdapter() {
    upstream = await startFakeAnthropicUpstream({
      apiKey: API_KEY,
      models: ['claude-sonnet-4-5-20250929', 'claude-3-5-haiku-20241022'],
    });
    return createAnthropicAdapter({ baseURL: upstream.baseURL, apiKey: API_KEY });
  },
  // The misbehaving upstream the kit plays answers with Anthropic's recorded bodies and error shape.
  upstream: {
    createAdapter: ({ baseURL, apiKey, timeout }) => createAnthropicAdapter({ baseURL, apiKey, timeout }),
    basePath: '/v1',
    model: 'claude-sonnet-4-5',
    completion: { contentType: 'application/json', body: readFixture('anthropic-text.json') },
    stream: {
      contentType: 'text/event-stream',
      body: (vectorReply('anthropic-text.chunks.txt').body as string[]).join(''),
    },
    errorBody: (message) =>
      JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message } }),
    // Documented in the README: GPT-5's verbosity has no Anthropic counterpart.
    ignoredFields: ['verbosity'],
  },
  errorCases: [
    {
      name: 'overloaded_error (529)',
      request: { messages: [{ role: 'user', content: 'FAIL overloaded_error' }] },
      status: 529,
      code: 'overloaded',
    },
    {
      name: 'rate_limit_error (429)',
      request: { messages: [{ role: 'user', content: 'FAIL rate_limit_error' }] },
      status: 429,
      code: 'rate_limit_exceeded',
    },
    {
      name: 'invalid_request_error (400)',
      request: { messages: [{ role: 'user', content: 'FAIL invalid_request_error' }] },
      status: 400,
      code: 'invalid_request',
    },
    {
      name: 'overloaded error event mid-stream',
      request: { messages: [{ role: 'user', content: 'FAIL mid-stream' }] },
      status: 529,
      code: 'overloaded',
      when: 'mid-stream',
    },
  ],
});
