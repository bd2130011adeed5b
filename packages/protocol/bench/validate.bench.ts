/**
 * Request validation and response parsing cost, per call.
 *
 * Run: `pnpm --filter @switchyard/protocol bench` (all benches) or
 * `node --conditions=@switchyard/source --import tsx bench/validate.bench.ts`.
 * Env: `VALIDATE_BENCH_ITERATIONS` (default 20000 timed calls per case).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  ChatCompletionChunkSchema,
  ChatCompletionSchema,
  createOpenAPIDocument,
  safeParseChatCompletionRequest,
} from '@switchyard/protocol';

const tool = (name: string) => ({
  type: 'function',
  function: {
    name,
    description: `The ${name} tool`,
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } },
      required: ['city'],
    },
  },
});

/** 10 messages (every role, parts, a tool round trip) and 2 tools: what a chat app sends. */
export const TYPICAL_REQUEST = {
  model: 'glm-5.1',
  messages: [
    { role: 'system', content: 'You are a helpful assistant. Answer briefly.' },
    { role: 'user', content: 'What is the weather in Paris?' },
    {
      role: 'assistant',
      content: null,
      reasoning_content: 'The user wants the weather; call the tool.',
      tool_calls: [
        { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      ],
    },
    { role: 'tool', tool_call_id: 'call_1', content: '{"temp":18,"sky":"sunny"}' },
    { role: 'assistant', content: 'It is 18°C and sunny in Paris.' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'And what is in this picture?' },
        { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } },
      ],
    },
    { role: 'assistant', content: 'A cat sitting on a windowsill.' },
    { role: 'user', content: 'Thanks. What time is it in Tokyo?' },
    { role: 'assistant', content: 'Let me check.' },
    { role: 'user', content: 'Please be quick.' },
  ],
  tools: [tool('get_weather'), tool('get_time')],
  tool_choice: 'auto',
  temperature: 0.7,
  max_tokens: 1024,
  stream: true,
  stream_options: { include_usage: true },
  thinking: { type: 'enabled' },
};

/** 200 messages with long text and 20 tools. */
export const BIG_REQUEST = {
  ...TYPICAL_REQUEST,
  messages: Array.from({ length: 20 }, () => TYPICAL_REQUEST.messages)
    .flat()
    .map((m) => (typeof m.content === 'string' ? { ...m, content: m.content.repeat(50) } : m)),
  tools: Array.from({ length: 20 }, (_, i) => tool(`tool_${i}`)),
};

const INVALID_REQUEST = {
  ...TYPICAL_REQUEST,
  messages: [...TYPICAL_REQUEST.messages, { role: 'tool', content: 'missing id' }],
};

/**
 * Per-call wall time (median, p99) and CPU time per call. On a busy machine wall time includes
 * waiting for a core; CPU time does not, so it is the steadier number to compare.
 */
function measure(iterations: number, fn: () => unknown) {
  for (let i = 0; i < Math.min(iterations, 5000); i++) fn();
  const samples = new Float64Array(iterations);
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    fn();
    samples[i] = Number(process.hrtime.bigint() - start) / 1000;
  }
  const cpu = process.cpuUsage(cpuStart);
  samples.sort();
  const at = (q: number) => samples[Math.min(iterations - 1, Math.floor(q * iterations))] ?? Number.NaN;
  return {
    'median µs': at(0.5).toFixed(2),
    'p99 µs': at(0.99).toFixed(2),
    'CPU µs/call': ((cpu.user + cpu.system) / iterations).toFixed(2),
  };
}

export function runValidateBench(iterations = Number(process.env.VALIDATE_BENCH_ITERATIONS ?? 20_000)): void {
  const completion = JSON.parse(
    readFileSync(new URL('../src/schemas/__fixtures__/deepseek-tool-call.json', import.meta.url), 'utf8'),
  );
  const chunks = readFileSync(
    new URL('../src/schemas/__fixtures__/deepseek-tool-call.chunks.txt', import.meta.url),
    'utf8',
  )
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  let next = 0;
  for (const body of [TYPICAL_REQUEST, BIG_REQUEST]) {
    const result = safeParseChatCompletionRequest(body);
    if (!result.success) throw result.error;
  }
  if (safeParseChatCompletionRequest(INVALID_REQUEST).success) throw new Error('invalid request passed');

  const rows = {
    'baseline: JSON.parse(JSON.stringify(typical))': measure(iterations, () =>
      JSON.parse(JSON.stringify(TYPICAL_REQUEST)),
    ),
    'request: typical (10 messages, 2 tools)': measure(iterations, () =>
      safeParseChatCompletionRequest(TYPICAL_REQUEST),
    ),
    'request: big (200 messages, 20 tools)': measure(Math.ceil(iterations / 10), () =>
      safeParseChatCompletionRequest(BIG_REQUEST),
    ),
    'request: invalid (error path)': measure(iterations, () =>
      safeParseChatCompletionRequest(INVALID_REQUEST),
    ),
    'response: ChatCompletion (DeepSeek tool call)': measure(iterations, () =>
      ChatCompletionSchema.parse(completion),
    ),
    'response: ChatCompletionChunk (DeepSeek stream)': measure(iterations, () =>
      ChatCompletionChunkSchema.parse(chunks[next++ % chunks.length]),
    ),
    'createOpenAPIDocument()': measure(Math.ceil(iterations / 100), () => createOpenAPIDocument()),
  };
  console.table(rows);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) runValidateBench();
