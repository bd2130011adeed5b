import { Agent, OpenAIProvider, Runner, tool } from '@openai/agents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type RunningGateway, removeDir, startGateway } from './support/gateway-process.js';

// The real Agents SDK (@openai/agents), speaking the Responses API to a running gateway.
let gateway: RunningGateway;
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => {
  await gateway?.stop();
  if (gateway) removeDir(gateway.dataDir);
});

describe('@openai/agents against the running gateway', () => {
  it('runs an agent with one function tool: the call, its output, then the answer', async () => {
    const calls: string[] = [];
    const getWeather = tool({
      name: 'get_weather',
      description: 'Current weather for a city',
      parameters: z.object({ city: z.string() }),
      execute: async ({ city }) => {
        calls.push(city);
        return `It is sunny in ${city}, 22C.`;
      },
    });
    const agent = new Agent({
      name: 'Weather agent',
      instructions: 'Answer with the weather tool.',
      model: 'simulator/echo',
      tools: [getWeather],
    });
    const runner = new Runner({
      modelProvider: new OpenAIProvider({
        baseURL: `${gateway.url}/v1`,
        apiKey: gateway.adminKey,
        useResponses: true,
      }),
      tracingDisabled: true,
    });
    const result = await runner.run(agent, 'What is the weather in Paris?');
    expect(calls).toHaveLength(1);
    expect(result.finalOutput).toContain('sunny in');
    expect(result.newItems.map((item) => item.type)).toEqual([
      'tool_call_item',
      'tool_call_output_item',
      'message_output_item',
    ]);
  });

  it('streams a run', async () => {
    const agent = new Agent({ name: 'Echo', instructions: 'Repeat.', model: 'simulator/echo' });
    const runner = new Runner({
      modelProvider: new OpenAIProvider({
        baseURL: `${gateway.url}/v1`,
        apiKey: gateway.adminKey,
        useResponses: true,
      }),
      tracingDisabled: true,
    });
    const stream = await runner.run(agent, 'say these words', { stream: true });
    let text = '';
    for await (const chunk of stream.toTextStream()) text += chunk;
    await stream.completed;
    expect(text).toBe('say these words');
    expect(stream.finalOutput).toBe('say these words');
  });
});
