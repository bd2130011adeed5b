import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { APICallError, generateText, Output, stepCountIs, streamText, tool } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createKey, type RunningGateway, removeDir, startGateway } from './support/gateway-process.js';

let gateway: RunningGateway;

function provider(apiKey = gateway.adminKey) {
  return createOpenAICompatible({
    name: 'switchyard',
    baseURL: `${gateway.url}/v1`,
    apiKey,
    includeUsage: true,
    supportsStructuredOutputs: true,
  });
}

beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => {
  await gateway?.stop();
  if (gateway) removeDir(gateway.dataDir);
});

async function callError(run: () => Promise<unknown>): Promise<APICallError> {
  try {
    await run();
  } catch (error) {
    const cause = APICallError.isInstance(error) ? error : (error as { lastError?: unknown }).lastError;
    if (APICallError.isInstance(cause)) return cause;
    throw error;
  }
  throw new Error('expected an APICallError');
}

describe('AI SDK 6 (@ai-sdk/openai-compatible) against the running gateway', () => {
  it('generateText: text, finish reason and usage', async () => {
    const result = await generateText({
      model: provider()('simulator/echo'),
      prompt: 'Hello from the AI SDK',
      maxRetries: 0,
    });
    expect(result.text).toBe('Hello from the AI SDK');
    expect(result.finishReason).toBe('stop');
    expect(result.usage.totalTokens).toBeGreaterThan(0);
    expect(result.response.headers?.['x-switchyard-deployment']).toBe('simulator/echo');
  });

  it('streamText: the streamed text, reasoning from a thinking model, and usage', async () => {
    const result = streamText({
      model: provider()('simulator/thinker'),
      prompt: 'Think, then answer',
      maxRetries: 0,
    });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    expect(text).toBe('Think, then answer');
    expect((await result.reasoningText)?.length).toBeGreaterThan(0);
    expect((await result.usage).outputTokens).toBeGreaterThan(0);
  });

  it('tools: calls the tool, runs it, and answers from its result in a second step', async () => {
    const seen: unknown[] = [];
    const result = await generateText({
      model: provider()('simulator/echo'),
      prompt: 'What is the weather in Lisbon?',
      tools: {
        get_weather: tool({
          description: 'Current weather for a city',
          inputSchema: z.object({ city: z.string() }),
          execute: async (input) => {
            seen.push(input);
            return { temperature: 21, sky: 'clear' };
          },
        }),
      },
      stopWhen: stepCountIs(3),
      maxRetries: 0,
    });
    expect(seen).toHaveLength(1);
    expect(typeof (seen[0] as { city: unknown }).city).toBe('string');
    expect(result.steps).toHaveLength(2);
    expect(result.text).toContain('"temperature":21');
  });

  it('Output.object: structured output that validates against the zod schema', async () => {
    const schema = z.object({ title: z.string(), tags: z.array(z.string()), rating: z.number().int() });
    const result = await generateText({
      model: provider()('simulator/echo'),
      prompt: 'Review a book',
      output: Output.object({ schema }),
      maxRetries: 0,
    });
    expect(schema.safeParse(result.output).success).toBe(true);
  });

  it('abort mid-stream: the stream stops and the gateway closes it', async () => {
    const controller = new AbortController();
    let aborted = false;
    const result = streamText({
      model: provider()('simulator/babble'),
      prompt: '[simulate:words=3000] [simulate:tps=200] go',
      abortSignal: controller.signal,
      onAbort: () => {
        aborted = true;
      },
      maxRetries: 0,
    });
    let parts = 0;
    // The AI SDK ends the text stream quietly on abort and reports it through onAbort.
    for await (const _ of result.textStream) {
      parts += 1;
      if (parts === 3) controller.abort();
    }
    expect(aborted).toBe(true);
    expect(parts).toBeLessThan(200);
    const usage = (await (await gateway.fetch('/admin/usage?group_by=status')).json()) as {
      groups: { key: string }[];
    };
    for (let i = 0; i < 100 && !usage.groups.some((g) => g.key === '499'); i++) {
      await new Promise((r) => setTimeout(r, 20));
      Object.assign(usage, await (await gateway.fetch('/admin/usage?group_by=status')).json());
    }
    expect(usage.groups.map((g) => g.key)).toContain('499');
  });

  it('errors: 401 for a bad key, 404 for an unknown model, 429 with retry-after over the rate limit', async () => {
    const badKey = await callError(() =>
      generateText({ model: provider('sk-sy-bogus')('simulator/echo'), prompt: 'x', maxRetries: 0 }),
    );
    expect(badKey.statusCode).toBe(401);
    const unknown = await callError(() =>
      generateText({ model: provider()('no-such-model'), prompt: 'x', maxRetries: 0 }),
    );
    expect(unknown.statusCode).toBe(404);
    expect(unknown.isRetryable).toBe(false);
    const limited = provider(await createKey(gateway, { name: 'ai-sdk-limited', rpm: 1 }));
    await generateText({ model: limited('simulator/echo'), prompt: 'one', maxRetries: 0 });
    const tooMany = await callError(() =>
      generateText({ model: limited('simulator/echo'), prompt: 'two', maxRetries: 0 }),
    );
    expect(tooMany.statusCode).toBe(429);
    expect(tooMany.isRetryable).toBe(true);
    expect(Number(tooMany.responseHeaders?.['retry-after'])).toBeGreaterThan(0);
  });
});
