import { runConformanceSuite } from '@switchyard/server-kit/testing';
import { afterAll } from 'vitest';
import { startFakeGeminiUpstream } from '../test/support/fake-gemini-upstream.js';
import type { LocalUpstream } from '../test/support/local-upstream.js';
import { createGeminiAdapter } from './gemini-adapter.js';

// The server-kit conformance kit, run against the adapter pointed at a FAKE Gemini upstream (a
// deterministic Gemini API written for tests, see fake-gemini-upstream.ts). Two models, one per
// thinking family. `deterministic` is claimed here because the fake upstream is; Gemini is not.

const API_KEY = 'fake-gemini-conformance-key';
let upstream: LocalUpstream | undefined;
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

function fail(status: string) {
  return { messages: [{ role: 'user', content: `FAIL ${status}` }] };
}
