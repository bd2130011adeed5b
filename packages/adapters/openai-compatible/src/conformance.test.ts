import { createSimulatorAdapter } from '@switchyard/adapter-simulator';
import { runConformanceSuite, startTestServer, type TestServer } from '@switchyard/server-kit/testing';
import { afterAll } from 'vitest';
import { fixture, JSON_TYPE, SSE, sseFromChunkLines } from '../test/support/local-upstream.js';
import { createOpenAICompatibleAdapter } from './openai-compatible-adapter.js';

// The upstream is a real OpenAI-compatible HTTP server: the simulator adapter served by server-kit.
let upstream: TestServer | undefined;

async function startSimulatorUpstream(): Promise<string> {
  upstream = await startTestServer({ adapters: [createSimulatorAdapter()] });
  return `${upstream.url}/v1`;
}

afterAll(() => upstream?.close());

const user = (content: string) => [{ role: 'user', content }];

runConformanceSuite({
  name: 'openai-compatible adapter in front of an OpenAI-compatible upstream (the simulator over HTTP)',
  async createAdapter() {
    return createOpenAICompatibleAdapter({ name: 'simulated', baseURL: await startSimulatorUpstream() });
  },
  // What the upstream can do is what this adapter can pass on.
  capabilities: {
    tools: true,
    jsonSchema: true,
    thinking: true,
    multipleChoices: true,
    stop: true,
    deterministic: true,
  },
  models: ['simulator/echo', 'simulator/thinker'],
  slowRequest: {
    model: 'simulator/babble',
    messages: user('[simulate:words=5000] [simulate:tps=200] Write at length.'),
  },
  // The misbehaving upstream the kit plays answers with OpenAI's recorded bodies and error shape.
  upstream: {
    createAdapter: ({ baseURL, apiKey, timeout }) =>
      createOpenAICompatibleAdapter({ name: 'recorded', baseURL, apiKey, timeout }),
    basePath: '/v1',
    model: 'gpt-4.1-nano',
    completion: { contentType: JSON_TYPE, body: fixture('openai-text.json').toString('utf8') },
    stream: { contentType: SSE, body: sseFromChunkLines('openai-text.chunks.txt') },
    errorBody: (message) => JSON.stringify({ error: { message, type: 'invalid_request_error', code: null } }),
  },
  errorCases: [
    {
      name: 'upstream overloaded (529)',
      request: { messages: user('[simulate:overloaded] hi') },
      status: 529,
      code: 'overloaded',
    },
    {
      name: 'upstream rate limit (429)',
      request: { messages: user('[simulate:rate_limit] hi') },
      status: 429,
      code: 'rate_limit_exceeded',
    },
    {
      name: 'upstream fails mid-stream',
      request: { messages: user('[simulate:midstream_error=server_error] Tell me a long story.') },
      status: 500,
      code: 'server_error',
      when: 'mid-stream',
    },
  ],
});
