import { BadRequestError, parseChatCompletionRequest } from '@switchyard/protocol';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { type AnthropicAdapterSettings, createAnthropicAdapter } from '../../src/anthropic-adapter.js';
import { adapterContext } from './adapter-context.js';
import { startUpstream, type Upstream, type UpstreamReply, vectorReply } from './upstream-server.js';

/** The API key the captured requests are sent with. */
export const TEST_API_KEY = 'sk-ant-api03-secret-test-key';

/**
 * Registers a local upstream for the current test file that answers with a recorded message
 * (`anthropic-text.json`, or `setReply`) and records every request, and returns helpers that send
 * a chat request through the adapter and read the body the upstream received.
 */
export function captureRequests() {
  let upstream: Upstream;
  let reply: UpstreamReply;
  beforeAll(async () => {
    upstream = await startUpstream(() => reply);
  });
  afterAll(() => upstream.close());
  beforeEach(() => {
    reply = vectorReply('anthropic-text.json');
    upstream.requests.length = 0;
  });

  const adapter = (settings: AnthropicAdapterSettings = {}) =>
    createAnthropicAdapter({ baseURL: upstream.baseURL, apiKey: TEST_API_KEY, ...settings });

  return {
    adapter,
    upstream: () => upstream,
    setReply(next: UpstreamReply) {
      reply = next;
    },
    /** Sends a chat request (validated as the server would); returns the body Anthropic received. */
    async sentBody(body: Record<string, unknown>, settings: AnthropicAdapterSettings = {}) {
      const request = parseChatCompletionRequest({ model: 'claude-sonnet-4-5', ...body });
      await adapter(settings).complete!(request, adapterContext());
      return upstream.lastBody();
    },
    /** Expects the request to be refused with a 400 before anything reaches the upstream. */
    async rejected(body: Record<string, unknown>, settings: AnthropicAdapterSettings = {}) {
      const request = parseChatCompletionRequest({ model: 'claude-sonnet-4-5', ...body });
      const error = await adapter(settings).complete!(request, adapterContext()).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(upstream.requests).toHaveLength(0);
      expect(BadRequestError.isInstance(error)).toBe(true);
      return error as BadRequestError;
    },
  };
}

export const user = (content: unknown) => ({ role: 'user', content });
export const text = (value: string) => ({ type: 'text', text: value });
