import type { TestUpstream } from '@switchyard/adapter-kit/testing';
import { runConformanceSuite } from '@switchyard/server-kit/testing';
import { afterAll } from 'vitest';
import { startMockLarchUpstream } from '../test/support/mock-larch-upstream.js';
import { createLarchAdapter } from './larch-adapter.js';

// The conformance kit against the adapter pointed at a MOCK Larch upstream (built from Larch's
// documented examples, see test/support/mock-larch-upstream.ts). `deterministic` is claimed
// because the mock is.

const API_KEY = 'larch-conformance-key';
let upstream: TestUpstream | undefined;
afterAll(() => upstream?.close());

const fail = (kind: string) => ({ messages: [{ role: 'user', content: `FAIL ${kind}` }] });

runConformanceSuite({
  name: 'larch adapter against a mock Larch upstream',
  capabilities: { stop: true, deterministic: true },
  async createAdapter() {
    upstream = await startMockLarchUpstream({ apiKey: API_KEY, models: ['larch-1'] });
    return createLarchAdapter({ baseURL: `${upstream.origin}/v2`, apiKey: API_KEY });
  },
  upstream: {
    createAdapter: ({ baseURL, apiKey, timeout }) => createLarchAdapter({ baseURL, apiKey, timeout }),
    basePath: '/v2',
    model: 'larch-1',
    completion: {
      contentType: 'application/json',
      body: '{"id":"gen_1","output":"Hello.","end":"complete","tokens":{"input":3,"output":1}}',
    },
    stream: {
      contentType: 'application/x-ndjson',
      body: '{"event":"start","id":"gen_1"}\n{"event":"text","text":"Hel"}\n{"event":"text","text":"lo"}\n{"event":"text","text":"."}\n{"event":"end","end":"complete","tokens":{"input":3,"output":1}}\n',
    },
    errorBody: (detail) => JSON.stringify({ failure: { kind: 'bad_request', detail } }),
  },
  errorCases: [
    { name: 'rate_limited (429)', request: fail('rate_limited'), status: 429, code: 'rate_limit_exceeded' },
    { name: 'bad_request (400)', request: fail('bad_request'), status: 400, code: 'invalid_request' },
    {
      name: 'out_of_credit (402)',
      request: fail('out_of_credit'),
      status: 502,
      code: 'upstream_insufficient_quota',
    },
    {
      name: 'a failure line mid-stream',
      request: fail('mid-stream'),
      status: 503,
      code: 'overloaded',
      when: 'mid-stream',
    },
  ],
});
