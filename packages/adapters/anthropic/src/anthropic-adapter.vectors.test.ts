import { accumulateChunks, type ChatCompletionChunk, type ChatCompletionRequest } from '@switchyard/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterContext } from '../test/support/adapter-context.js';
import {
  startUpstream,
  type Upstream,
  type UpstreamReply,
  vectorReply,
} from '../test/support/upstream-server.js';
import { createAnthropicAdapter } from './anthropic-adapter.js';

// Every recorded vector is served by a real local HTTP server; the adapter's chunks and the
// accumulated completion are compared field by field with the values in the vector.

let upstream: Upstream;
let reply: UpstreamReply;

beforeAll(async () => {
  upstream = await startUpstream(() => reply);
});
afterAll(() => upstream.close());

const request: ChatCompletionRequest = {
  model: 'claude-sonnet-4-5',
  messages: [{ role: 'user', content: 'Hi' }],
};

function adapter() {
  return createAnthropicAdapter({ baseURL: upstream.baseURL, apiKey: 'sk-ant-test' });
}

async function streamVector(name: string): Promise<ChatCompletionChunk[]> {
  reply = vectorReply(name);
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of adapter().stream!(request, adapterContext())) chunks.push(chunk);
  return chunks;
}

async function completeVector(name: string) {
  reply = vectorReply(name);
  return adapter().complete!(request, adapterContext());
}

/** Builds the chunks expected from one stream: same id, model and created on every chunk. */
function expected(id: string, model: string, created: number) {
  const base = { id, object: 'chat.completion.chunk', created, model };
  return {
    delta: (delta: Record<string, unknown>, finish_reason: string | null = null) => ({
      ...base,
      choices: [{ index: 0, delta, logprobs: null, finish_reason }],
    }),
    usage: (usage: Record<string, unknown>) => ({ ...base, choices: [], usage }),
  };
}

describe('anthropic-text.chunks.txt', () => {
  it('streams the role, each text delta, the finish and the usage (ping ignored)', async () => {
    const chunks = await streamVector('anthropic-text.chunks.txt');
    const created = chunks[0]?.created as number;
    const e = expected('msg_01QC4g3HwBThD4BaNtBckFDJ', 'claude-sonnet-4-5-20250929', created);
    expect(chunks).toStrictEqual([
      e.delta({ role: 'assistant', content: '' }),
      e.delta({ content: 'Hello' }),
      e.delta({ content: '! I' }),
      e.delta({ content: "'m doing well, thank you for asking" }),
      e.delta({ content: '. How are you doing today?' }),
      e.delta({ content: ' Is' }),
      e.delta({ content: ' there anything I can help you with?' }),
      e.delta({}, 'stop'),
      e.usage({
        prompt_tokens: 12,
        completion_tokens: 30,
        total_tokens: 42,
        prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      }),
    ]);
    expect(await accumulateChunks(chunks)).toStrictEqual({
      id: 'msg_01QC4g3HwBThD4BaNtBckFDJ',
      object: 'chat.completion',
      created,
      model: 'claude-sonnet-4-5-20250929',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content:
              "Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?",
          },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 12,
        completion_tokens: 30,
        total_tokens: 42,
        prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      },
    });
  });
});

describe('anthropic-text.json', () => {
  it('converts the message: text, stop, usage with cache fields', async () => {
    const completion = await completeVector('anthropic-text.json');
    expect(completion).toStrictEqual({
      id: 'msg_01VdEjxAP5ahtHKrrRdNBteQ',
      object: 'chat.completion',
      created: completion.created,
      model: 'claude-sonnet-4-5-20250929',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content:
              "Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?",
          },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 12,
        completion_tokens: 29,
        total_tokens: 41,
        prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      },
    });
    expect(Math.abs(completion.created - Date.now() / 1000)).toBeLessThan(60);
  });
});

const STREAM_SIGNATURE =
  'EvQBCkYICxgCKkAxhD4NUKFzudtZ6NzbZdEiBACIScTzqjPViM596iWLZIk4EFKYYBj3B6Ptl3b0dcQv/VeJBNbejNWIWRBn+KPNEgz6HWtKx7p+QRgKsEoaDGjsiqfht7gTRFYHiyIwD1VSmNqHxv3wy8KEMP+LYb/TC4UH3H97tuoaADARFFcA0phdfxnzKQxFnc9lwY+dKlzUsaKSUAFeu1bDL5ikZJ1vL0Fkz6JjoFke0L/wOJRIUDUlDUOFJ1tZ3ea7g6LGE/5hwuvWgLwewdcm64d+43l7F57XrOmqNd6flI2K/oPr/4yzNgvi/EhT6Ca17BgB';

describe('anthropic-clear-thinking.1.chunks.txt', () => {
  it('streams thinking as reasoning_content, then one reasoning_details entry with the signature, then text', async () => {
    const chunks = await streamVector('anthropic-clear-thinking.1.chunks.txt');
    const created = chunks[0]?.created as number;
    const e = expected('msg_01Y6V41gqPaKWEw7iPouH7iW', 'claude-sonnet-4-5-20250929', created);
    const thinking = [
      'The previous',
      ' result',
      ' was',
      ' 925.',
      ' Now',
      ' I need to divide that',
      ' by 5.\n\n925',
      ' ÷ 5 ',
      '= 185',
    ];
    const usage = {
      prompt_tokens: 69,
      completion_tokens: 53,
      total_tokens: 122,
      prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    };
    expect(chunks).toStrictEqual([
      e.delta({ role: 'assistant', content: '' }),
      // The empty thinking_delta of the vector produces no chunk.
      ...thinking.map((text) => e.delta({ reasoning_content: text })),
      e.delta({
        reasoning_details: [
          {
            type: 'reasoning.text',
            text: thinking.join(''),
            signature: STREAM_SIGNATURE,
            format: 'anthropic-claude-v1',
            index: 0,
          },
        ],
      }),
      e.delta({ content: '925' }),
      e.delta({ content: ' ÷ 5 ' }),
      e.delta({ content: '= 185' }),
      e.delta({}, 'stop'),
      e.usage(usage),
    ]);
    const completion = await accumulateChunks(chunks);
    expect(completion.choices[0]?.message).toStrictEqual({
      role: 'assistant',
      content: '925 ÷ 5 = 185',
      reasoning_content: 'The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185',
      // The signed block survives accumulation, so the turn can be sent back with its signature.
      reasoning_details: [
        {
          type: 'reasoning.text',
          text: thinking.join(''),
          signature: STREAM_SIGNATURE,
          format: 'anthropic-claude-v1',
          index: 0,
        },
      ],
    });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toStrictEqual(usage);
  });
});

describe('anthropic-clear-thinking.1.json', () => {
  it('puts thinking in reasoning_content and the signed block in reasoning_details', async () => {
    const completion = await completeVector('anthropic-clear-thinking.1.json');
    expect(completion).toStrictEqual({
      id: 'msg_01XrsJCi8CQoLcnnWdY8RsJz',
      object: 'chat.completion',
      created: completion.created,
      model: 'claude-sonnet-4-5-20250929',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: '925 ÷ 5 = 185',
            reasoning_content: '925 divided by 5 = 185',
            reasoning_details: [
              {
                type: 'reasoning.text',
                text: '925 divided by 5 = 185',
                signature:
                  'Er4BCkYICxgCKkCoxqLHLrx4mFL9Ox7/aHKht87WDzXfvZ7qbZKSnHV8imA5b3LXxuVqcXQ9z5sXwDx20JIW/+6DJehOSNK72L83Egx0T9s7VzB6QUK9g5kaDO9lGaWN5CPEDJU0lyIw4+Ed3q4N9w+16h3cfQ+9stJXHCl+1nYDxjIOLcyJT8Ug/LTmtlp4bbxWmmfNicayKiasdReHiOnqz1sKEF0pR4kcnF5mQGdLxk8q3A3NY+wGsH8MtUIqxRgB',
                format: 'anthropic-claude-v1',
                index: 0,
              },
            ],
          },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 69,
        completion_tokens: 33,
        total_tokens: 102,
        prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      },
    });
  });
});

describe('anthropic-tool-no-args.chunks.txt', () => {
  it('emits the tool identity once and "{}" for a tool that streamed no input', async () => {
    const chunks = await streamVector('anthropic-tool-no-args.chunks.txt');
    const created = chunks[0]?.created as number;
    const e = expected('msg_01GE2RKp1VYsPzdFs3sS9z5S', 'claude-sonnet-4-5-20250929', created);
    const usage = {
      prompt_tokens: 565,
      completion_tokens: 48,
      total_tokens: 613,
      prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    };
    expect(chunks).toStrictEqual([
      e.delta({ role: 'assistant', content: '' }),
      e.delta({ content: "I'll update the issue list for" }),
      e.delta({ content: ' you.' }),
      e.delta({
        tool_calls: [
          {
            index: 0,
            id: 'toolu_01QE1WLsSVp5hy5Q3GmGTmjP',
            type: 'function',
            function: { name: 'updateIssueList', arguments: '' },
          },
        ],
      }),
      e.delta({ tool_calls: [{ index: 0, function: { arguments: '{}' } }] }),
      e.delta({}, 'tool_calls'),
      e.usage(usage),
    ]);
    const completion = await accumulateChunks(chunks);
    expect(completion.choices[0]).toStrictEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: "I'll update the issue list for you.",
        tool_calls: [
          {
            id: 'toolu_01QE1WLsSVp5hy5Q3GmGTmjP',
            type: 'function',
            function: { name: 'updateIssueList', arguments: '{}' },
          },
        ],
      },
      logprobs: null,
      finish_reason: 'tool_calls',
    });
    expect(
      JSON.parse(completion.choices[0]?.message.tool_calls?.[0]?.function.arguments ?? ''),
    ).toStrictEqual({});
    expect(completion.usage).toStrictEqual(usage);
  });
});

describe('anthropic-tool-no-args.json', () => {
  it('converts tool_use with empty input to arguments "{}" and stop_reason tool_use to tool_calls', async () => {
    const completion = await completeVector('anthropic-tool-no-args.json');
    expect(completion).toStrictEqual({
      id: 'msg_01GCBaV8gyWAYgMVggRqZbuQ',
      object: 'chat.completion',
      created: completion.created,
      model: 'claude-3-opus-20240229',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content:
              '<thinking>\nThe updateIssueList tool was provided in the list of available functions. The tool has no required parameters, so it can be called without any additional information needed from the user.\n</thinking>\n\nOkay, I will update the current issue list:',
            tool_calls: [
              {
                id: 'toolu_01LRmxn9vGM1d2DZSDBowdZ1',
                type: 'function',
                function: { name: 'updateIssueList', arguments: '{}' },
              },
            ],
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
      usage: {
        prompt_tokens: 602,
        completion_tokens: 93,
        total_tokens: 695,
        prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      },
    });
  });
});

describe('tool_use_response.txt (raw SSE, sent in 97-byte pieces)', () => {
  it('streams the identity, then argument fragments split mid-key, and parses to the input', async () => {
    const chunks = await streamVector('tool_use_response.txt');
    const created = chunks[0]?.created as number;
    const e = expected('msg_019Q1hrJbZG26Fb9BQhrkHEr', 'claude-sonnet-4-20250514', created);
    // message_delta reports only output_tokens: the input count stays the one from message_start.
    const usage = {
      prompt_tokens: 377,
      completion_tokens: 65,
      total_tokens: 442,
      prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    };
    expect(chunks).toStrictEqual([
      e.delta({ role: 'assistant', content: '' }),
      e.delta({ content: 'I' }),
      e.delta({ content: "'ll check the current weather in Paris for you." }),
      e.delta({
        tool_calls: [
          {
            index: 0,
            id: 'toolu_01NRLabsLyVHZPKxbKvkfSMn',
            type: 'function',
            function: { name: 'get_weather', arguments: '' },
          },
        ],
      }),
      e.delta({ tool_calls: [{ index: 0, function: { arguments: '{"locati' } }] }),
      e.delta({ tool_calls: [{ index: 0, function: { arguments: 'on": "P' } }] }),
      e.delta({ tool_calls: [{ index: 0, function: { arguments: 'ar' } }] }),
      e.delta({ tool_calls: [{ index: 0, function: { arguments: 'is"}' } }] }),
      e.delta({}, 'tool_calls'),
      e.usage(usage),
    ]);
    const completion = await accumulateChunks(chunks);
    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(call).toStrictEqual({
      id: 'toolu_01NRLabsLyVHZPKxbKvkfSMn',
      type: 'function',
      function: { name: 'get_weather', arguments: '{"location": "Paris"}' },
    });
    expect(JSON.parse(call?.function.arguments ?? '')).toStrictEqual({ location: 'Paris' });
    expect(completion.choices[0]?.message.content).toBe("I'll check the current weather in Paris for you.");
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(completion.usage).toStrictEqual(usage);
  });
});

describe('anthropic-mcp.1.chunks.txt', () => {
  it('skips the server-side mcp_tool_use and mcp_tool_result blocks and their input deltas', async () => {
    const chunks = await streamVector('anthropic-mcp.1.chunks.txt');
    const created = chunks[0]?.created as number;
    const e = expected('msg_01RNdvgjHoLmx2THF9AVj3KK', 'claude-sonnet-4-5-20250929', created);
    // message_delta carries the final input_tokens (1250, not the 589 of message_start).
    const usage = {
      prompt_tokens: 1250,
      completion_tokens: 83,
      total_tokens: 1333,
      prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    };
    expect(chunks).toStrictEqual([
      e.delta({ role: 'assistant', content: '' }),
      e.delta({ content: 'The echo tool responde' }),
      e.delta({ content: 'd back with: **hello world**\n\nIt simply echoed back' }),
      e.delta({ content: ' the exact message that was sent to it.' }),
      e.delta({}, 'stop'),
      e.usage(usage),
    ]);
    const completion = await accumulateChunks(chunks);
    expect(completion.choices[0]?.message).toStrictEqual({
      role: 'assistant',
      content:
        'The echo tool responded back with: **hello world**\n\nIt simply echoed back the exact message that was sent to it.',
    });
  });
});

describe('anthropic-message-delta-input-tokens.chunks.txt', () => {
  it('takes input_tokens from message_delta (61) over message_start (43); no cache fields, no details', async () => {
    const chunks = await streamVector('anthropic-message-delta-input-tokens.chunks.txt');
    const created = chunks[0]?.created as number;
    const e = expected('msg_3196a1cc08de4d76b85b8f5777c0d42b', 'claude-opus-4-5-20251101', created);
    expect(chunks).toStrictEqual([
      e.delta({ role: 'assistant', content: '' }),
      e.delta({ content: 'p' }),
      e.delta({ content: 'ong' }),
      e.delta({}, 'stop'),
      e.usage({ prompt_tokens: 61, completion_tokens: 2, total_tokens: 63 }),
    ]);
    const completion = await accumulateChunks(chunks);
    expect(completion.choices[0]?.message.content).toBe('pong');
    expect(completion.usage).toStrictEqual({ prompt_tokens: 61, completion_tokens: 2, total_tokens: 63 });
  });
});

describe('network splits', () => {
  it('gives the same chunks when the thinking vector arrives in 1–5 byte pieces (UTF-8 split mid-character)', async () => {
    const whole = await streamVector('anthropic-clear-thinking.1.chunks.txt');
    const frames = vectorReply('anthropic-clear-thinking.1.chunks.txt');
    const bytes = Buffer.from((frames.body as string[]).join(''), 'utf8');
    const pieces: Uint8Array[] = [];
    for (let i = 0, size = 1; i < bytes.length; i += size, size = (size % 5) + 1)
      pieces.push(bytes.subarray(i, i + size));
    reply = { headers: frames.headers ?? {}, body: pieces };
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of adapter().stream!(request, adapterContext())) chunks.push(chunk);
    const withoutCreated = (list: ChatCompletionChunk[]) => list.map(({ created: _, ...rest }) => rest);
    expect(withoutCreated(chunks)).toStrictEqual(withoutCreated(whole));
    expect(chunks.some((chunk) => chunk.choices[0]?.delta.content === ' ÷ 5 ')).toBe(true);
  });
});
