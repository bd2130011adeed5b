import {
  type ChatCompletion,
  ChatCompletionAccumulator,
  type ChatCompletionChunk,
  ChatCompletionChunkSchema,
  ChatCompletionSchema,
  FINISH_REASONS,
  type Usage,
} from '@switchyard/protocol';
import { expect } from 'vitest';
import { describeAnswer, parseAnswer, readJsonAnswer } from './conformance-answer.js';
import type { CollectedStream } from './conformance-client.js';

/** Fixtures and assertions shared by the conformance tests. */

export const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city.',
    parameters: {
      type: 'object',
      properties: {
        city: { type: 'string', description: 'City name, e.g. Paris' },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
      },
      required: ['city', 'unit'],
      additionalProperties: false,
    },
  },
} as const;

export const TIME_TOOL = {
  type: 'function',
  function: {
    name: 'get_time',
    description: 'Current local time in a timezone.',
    parameters: {
      type: 'object',
      properties: { timezone: { type: 'string' } },
      required: ['timezone'],
      additionalProperties: false,
    },
  },
} as const;

export const PERSON_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    age: { type: 'integer', minimum: 0, maximum: 150 },
    hobbies: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 3 },
    contact: {
      type: 'object',
      properties: { email: { type: 'string' }, verified: { type: 'boolean' } },
      required: ['email', 'verified'],
      additionalProperties: false,
    },
  },
  required: ['name', 'age', 'hobbies', 'contact'],
  additionalProperties: false,
} as const;

export const user = (content: string) => [{ role: 'user', content }];

/** Checks what every chunk of every stream must satisfy, and returns the accumulated answer. */
export function checkStream(stream: CollectedStream, options: { includeUsage: boolean }): ChatCompletion {
  const answer = describeAnswer(stream.status, stream.text);
  expect(stream.status, `expected 200, got ${answer}`).toBe(200);
  expect(stream.headers.get('content-type'), `expected an event stream, got ${answer}`).toMatch(
    /^text\/event-stream/,
  );
  expect(stream.errors.map((error) => error.message)).toStrictEqual([]);
  expect(stream.done, 'the stream ends with [DONE]').toBe(true);
  expect(stream.trailing, 'nothing follows [DONE]').toBe(false);
  expect(stream.chunks.length).toBeGreaterThan(0);
  const first = stream.chunks[0] as ChatCompletionChunk;
  const roleSeen = new Set<number>();
  const accumulator = new ChatCompletionAccumulator();
  stream.chunks.forEach((chunk, i) => {
    parseAnswer(ChatCompletionChunkSchema, chunk, `chunk ${i}`, JSON.stringify(chunk));
    expect(chunk.object).toBe('chat.completion.chunk');
    expect(chunk.id, 'every chunk carries the same id').toBe(first.id);
    expect(chunk.created, 'every chunk carries the same created').toBe(first.created);
    const isLast = i === stream.chunks.length - 1;
    if (chunk.usage != null) {
      expect(options.includeUsage, 'usage only when stream_options.include_usage is true').toBe(true);
      expect(isLast, 'usage comes in the last chunk').toBe(true);
      expect(chunk.choices).toStrictEqual([]);
    }
    for (const choice of chunk.choices) {
      if (!roleSeen.has(choice.index)) {
        expect(choice.delta.role, `the first delta of choice ${choice.index} has role assistant`).toBe(
          'assistant',
        );
        roleSeen.add(choice.index);
      }
      if (choice.finish_reason != null) expect(FINISH_REASONS).toContain(choice.finish_reason);
    }
    accumulator.add(chunk);
  });
  const last = stream.chunks.at(-1) as ChatCompletionChunk;
  if (options.includeUsage) {
    expect(last.choices, 'the usage chunk has no choices').toStrictEqual([]);
    checkUsage(last.usage ?? undefined);
  }
  return accumulator.complete();
}

export function checkUsage(usage: Usage | undefined): void {
  expect(usage, 'usage is reported').toBeDefined();
  const u = usage as Usage;
  expect(u.prompt_tokens).toBeGreaterThan(0);
  expect(u.completion_tokens).toBeGreaterThanOrEqual(0);
  expect(u.total_tokens).toBe(u.prompt_tokens + u.completion_tokens);
}

/** Reads a non-stream answer and checks it is a valid completion with usage. */
export async function checkCompletion(response: Response): Promise<ChatCompletion> {
  const { json, answer } = await readJsonAnswer(response);
  const completion = parseAnswer(ChatCompletionSchema, json, 'the completion', answer);
  expect(completion.object).toBe('chat.completion');
  expect(completion.choices.length).toBeGreaterThan(0);
  for (const choice of completion.choices) {
    expect(choice.message.role).toBe('assistant');
    expect(FINISH_REASONS).toContain(choice.finish_reason);
    expect(Object.hasOwn(choice, 'logprobs'), 'choices carry a logprobs key').toBe(true);
  }
  checkUsage(completion.usage ?? undefined);
  return completion;
}
