import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ChatCompletionChunkSchema } from './chat-completion-chunk-schema.js';
import { ChatCompletionSchema } from './chat-completion-schema.js';
import { ErrorEnvelopeSchema } from './error-envelope-schema.js';
import { ModelListSchema } from './model-schema.js';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
const json = (name: string): unknown => JSON.parse(fixture(name));
const chunkLines = (name: string): unknown[] =>
  fixture(name)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));

describe('ChatCompletionSchema on recorded responses', () => {
  it('parses OpenAI text and keeps refusal, annotations and usage details', () => {
    const completion = ChatCompletionSchema.parse(json('openai-text.json'));
    const [choice] = completion.choices;
    expect(completion.id).toBe('chatcmpl-D8Z5f52zQqikDBEKQMQoYcWMcWPeU');
    expect(choice?.message.content).toMatch(/^\*\*Holiday Name:\*\* Galaxy Day/);
    expect(choice?.message.refusal).toBeNull();
    expect(choice?.message.annotations).toEqual([]);
    expect(choice?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({
      prompt_tokens: 16,
      completion_tokens: 363,
      total_tokens: 379,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    expect(completion.service_tier).toBe('default');
  });

  it('parses DeepSeek tool calls with reasoning_content and keeps provider usage fields', () => {
    const completion = ChatCompletionSchema.parse(json('deepseek-tool-call.json'));
    const message = completion.choices[0]?.message;
    expect(message?.content).toBe('');
    expect(message?.reasoning_content).toMatch(/^The user is asking for the weather/);
    expect(message?.tool_calls).toStrictEqual([
      {
        index: 0,
        id: 'call_00_9V0vrf86Pc9aelHCJMZqnJBo',
        type: 'function',
        function: { name: 'weather', arguments: '{"location": "San Francisco"}' },
      },
    ]);
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(completion.usage).toMatchObject({ prompt_cache_hit_tokens: 320, prompt_cache_miss_tokens: 19 });
    expect(completion.system_fingerprint).toBe('fp_eaab8d114b_prod0820_fp8_kvcache');
  });

  it('parses DeepSeek JSON mode', () => {
    const completion = ChatCompletionSchema.parse(json('deepseek-json.json'));
    expect(JSON.parse(completion.choices[0]?.message.content ?? '')).toEqual({
      location: 'San Francisco',
      condition: 'cloudy',
      temperature: 7,
    });
    expect(completion.usage?.completion_tokens_details?.reasoning_tokens).toBe(118);
  });

  it('parses Groq reasoning under `reasoning` and keeps its timing fields', () => {
    const completion = ChatCompletionSchema.parse(json('groq-reasoning.json'));
    expect(completion.choices[0]?.message.reasoning).toMatch(/^Okay, so the user is asking/);
    expect(completion.usage).toMatchObject({ queue_time: 0.335637089, prompt_tokens: 17 });
    expect(completion).toHaveProperty('x_groq');
  });

  it('round-trips every recorded body unchanged (nothing dropped)', () => {
    for (const name of [
      'openai-text.json',
      'deepseek-tool-call.json',
      'deepseek-json.json',
      'groq-reasoning.json',
    ]) {
      expect(ChatCompletionSchema.parse(json(name)), name).toStrictEqual(json(name));
    }
  });

  it('tolerates unknown finish reasons, empty choices and missing usage', () => {
    const completion = ChatCompletionSchema.parse({
      id: 'x',
      object: 'chat.completion',
      created: 1,
      model: 'glm-5.1',
      choices: [{ index: 0, message: { role: 'assistant', content: 'blocked' }, finish_reason: 'sensitive' }],
    });
    expect(completion.choices[0]?.finish_reason).toBe('sensitive');
    expect(completion.usage).toBeUndefined();
    expect(ChatCompletionSchema.parse({ ...completion, choices: [] }).choices).toEqual([]);
  });

  it('reads a tool call without type as a function call', () => {
    const completion = ChatCompletionSchema.parse({
      id: 'x',
      object: 'chat.completion',
      created: 1,
      model: 'm',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c', function: { name: 'f', arguments: '{}' } }],
          },
          finish_reason: 'tool_calls',
        },
      ],
    });
    expect(completion.choices[0]?.message.tool_calls?.[0]?.type).toBe('function');
  });

  it('keeps usage cost and cost_details', () => {
    const usage = {
      prompt_tokens: 1,
      completion_tokens: 2,
      total_tokens: 3,
      cost: 0.00021,
      cost_details: { upstream_inference_cost: 0.0002 },
    };
    const completion = ChatCompletionSchema.parse({
      id: 'x',
      object: 'chat.completion',
      created: 1,
      model: 'm',
      choices: [],
      usage,
    });
    expect(completion.usage).toStrictEqual(usage);
  });

  it('rejects a body that is not a completion', () => {
    expect(ChatCompletionSchema.safeParse({ error: { message: 'x' } }).success).toBe(false);
  });
});

describe('ChatCompletionChunkSchema on recorded streams', () => {
  it.each([
    'deepseek-tool-call.chunks.txt',
    'groq-tool-call.chunks.txt',
    'mistral-incremental-tool-call.chunks.txt',
  ])('parses every chunk of %s unchanged', (name) => {
    for (const chunk of chunkLines(name)) {
      expect(ChatCompletionChunkSchema.parse(chunk)).toStrictEqual(chunk);
    }
  });

  it('reads tool-call fragments, finish reason and usage from the DeepSeek stream', () => {
    const chunks = chunkLines('deepseek-tool-call.chunks.txt').map((c) => ChatCompletionChunkSchema.parse(c));
    const fragments = chunks.flatMap((c) => c.choices.flatMap((choice) => choice.delta.tool_calls ?? []));
    expect(fragments[0]).toMatchObject({
      index: 0,
      id: 'call_00_ioIn7yN9p1ZOMNpDLwd4MgAF',
      function: { name: 'weather' },
    });
    const args = fragments.map((f) => f.function?.arguments ?? '').join('');
    expect(JSON.parse(args)).toEqual({ location: 'San Francisco' });
    const last = chunks.at(-1);
    expect(last?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(last?.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('accepts the usage-only chunk and a tool-call fragment without index', () => {
    const usageChunk = {
      id: 'c',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'm',
      choices: [],
      usage: { prompt_tokens: 9, completion_tokens: 1, total_tokens: 10 },
    };
    expect(ChatCompletionChunkSchema.parse(usageChunk)).toStrictEqual(usageChunk);
    const geminiFragment = {
      ...usageChunk,
      usage: null,
      choices: [
        {
          index: 0,
          delta: {
            role: 'assistant',
            tool_calls: [{ id: 'f', type: 'function', function: { name: 'n', arguments: '{}' } }],
          },
          finish_reason: null,
        },
      ],
    };
    expect(
      ChatCompletionChunkSchema.parse(geminiFragment).choices[0]?.delta.tool_calls?.[0]?.index,
    ).toBeUndefined();
  });
});

describe('ErrorEnvelopeSchema and ModelListSchema', () => {
  it('parses the OpenAI error body', () => {
    expect(
      ErrorEnvelopeSchema.parse(json('reasoning-model-legacy-parameter-error.json')).error,
    ).toStrictEqual({
      message:
        "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
      type: 'invalid_request_error',
      param: 'max_tokens',
      code: 'unsupported_parameter',
    });
  });

  it('accepts numeric codes and missing type (OpenRouter)', () => {
    const body = { error: { code: 402, message: 'Insufficient credits', metadata: { x: 1 } } };
    expect(ErrorEnvelopeSchema.parse(body)).toStrictEqual(body);
  });

  it('parses a model list with provider fields', () => {
    const list = {
      object: 'list',
      data: [{ id: 'glm-5.1', object: 'model', created: 1, owned_by: 'zai', context_length: 200000 }],
    };
    expect(ModelListSchema.parse(list)).toStrictEqual(list);
  });
});
