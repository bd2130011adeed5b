import type { TestUpstream } from '@switchyard/adapter-kit/testing';
import { runConformanceSuite } from '@switchyard/server-kit/testing';
import { afterAll } from 'vitest';
import { startFakeGeminiUpstream } from '../test/support/fake-gemini-upstream.js';
import { chunksAsSSE, fixture } from '../test/support/local-upstream.js';
import { createGeminiAdapter } from './gemini-adapter.js';

// The server-kit conformance kit, run against the adapter pointed at a FAKE Gemini upstream (a
// deterministic Gemini API written for tests, see fake-gemini-upstream.ts). Two models, one per
// thinking family. `deterministic` is claimed here because the fake upstream is; Gemini is not.

const API_KEY = 'fake-gemini-conformance-key';
let upstream: TestUpstream | undefined;
afterAll(() => upstream?.close());

runConformanceSuite({
  name: 'gemini adapter against a fake Gemini upstream',
  capabilities: { ...createGeminiAdapter({ apiKey: API_KEY }).capabilities, deterministic: true },
  models: ['gemini-2.5-flash', 'gemini-3-pro-preview'],
  async createAdapter() {
    upstream = await startFakeGeminiUpstream({
      apiKey: API_KEY,
      models: ['gemini-2.5-flash', 'gemini-3-pro-preview'],
    });
    return createGeminiAdapter({ baseURL: upstream.baseURL, apiKey: API_KEY });
  },
  slowRequest: { messages: [{ role: 'user', content: 'SLOW: write a long essay' }] },
  // The misbehaving upstream the kit plays answers with Gemini's recorded bodies and error shape.
  upstream: {
    createAdapter: ({ baseURL, apiKey, timeout }) => createGeminiAdapter({ baseURL, apiKey, timeout }),
    basePath: '/v1beta',
    model: 'gemini-2.5-flash',
    completion: { contentType: 'application/json', body: fixture('google-text.json').toString('utf8') },
    stream: { contentType: 'text/event-stream', body: chunksAsSSE('google-text.chunks.txt') },
    errorBody: (message, status) =>
      JSON.stringify({ error: { code: status, message, status: RPC_STATUS[status] ?? 'INTERNAL' } }),
    // Documented in the README: GPT-5's verbosity has no Gemini counterpart.
    ignoredFields: ['verbosity'],
  },
  errorCases: [
    {
      name: 'INVALID_ARGUMENT (400)',
      request: fail('INVALID_ARGUMENT'),
      status: 400,
      code: 'invalid_request',
    },
    {
      name: 'PERMISSION_DENIED (403)',
      request: fail('PERMISSION_DENIED'),
      status: 502,
      code: 'upstream_auth_failed',
    },
    {
      name: 'RESOURCE_EXHAUSTED (429)',
      request: fail('RESOURCE_EXHAUSTED'),
      status: 429,
      code: 'rate_limit_exceeded',
    },
    {
      name: 'prepaid credit exhausted (429)',
      request: fail('PREPAID'),
      status: 502,
      code: 'upstream_insufficient_quota',
    },
    { name: 'INTERNAL (500)', request: fail('INTERNAL'), status: 500, code: 'server_error' },
    { name: 'UNAVAILABLE, overloaded (503)', request: fail('UNAVAILABLE'), status: 503, code: 'overloaded' },
    { name: 'DEADLINE_EXCEEDED (504)', request: fail('DEADLINE_EXCEEDED'), status: 504, code: 'timeout' },
    {
      name: 'INTERNAL error event mid-stream',
      request: fail('MID_STREAM'),
      status: 500,
      code: 'server_error',
      when: 'mid-stream',
    },
  ],
});

/** The google.rpc status Gemini sends with each HTTP status. */
const RPC_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  429: 'RESOURCE_EXHAUSTED',
  503: 'UNAVAILABLE',
};

function fail(status: string) {
  return { messages: [{ role: 'user', content: `FAIL ${status}` }] };
}
