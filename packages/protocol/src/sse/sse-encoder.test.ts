import { describe, expect, it } from 'vitest';
import { ProtocolError, RateLimitError } from '../errors/index.js';
import type { ChatCompletionChunk } from '../schemas/index.js';
import { collect, streamOf } from './__fixtures__/streams.js';
import { decodeSSE } from './decode-sse.js';
import {
  createSSEEncoderStream,
  encodeChunk,
  encodeComment,
  encodeErrorEvent,
  encodeEvent,
  SSE_DONE,
  SSE_HEADERS,
  withSourceJson,
} from './sse-encoder.js';

const encoder = new TextEncoder();
const decodeText = (text: string) => collect(decodeSSE(streamOf([encoder.encode(text)])));

const chunk = (content: string): ChatCompletionChunk => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'glm-5.1',
  choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }],
});

describe('SSE encoder', () => {
  it('declares the stream headers that keep proxies from buffering', () => {
    expect(SSE_HEADERS).toStrictEqual({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    expect(Object.isFrozen(SSE_HEADERS)).toBe(true);
  });

  it('encodes a chunk as one data line with JSON escapes for line breaks', () => {
    const text = encodeChunk(chunk('a\nb\r\nc\u2028d'));
    expect(text.startsWith('data: {')).toBe(true);
    expect(text.endsWith('}\n\n')).toBe(true);
    expect(text.slice(0, -2)).not.toMatch(/[\r\n]/);
    expect(JSON.parse(text.slice(6))).toStrictEqual(chunk('a\nb\r\nc\u2028d'));
  });

  it('relays the JSON a chunk was recorded with instead of serialising it again', () => {
    const json =
      '{ "id":"chatcmpl-1", "object":"chat.completion.chunk","created":1,"model":"glm-5.1","choices":[{"index":0,"delta":{"content":"\\u00e9"},"finish_reason":null}],"x_vendor":1}';
    const parsed = withSourceJson(JSON.parse(json) as ChatCompletionChunk, json);
    expect(encodeChunk(parsed)).toBe(`data: ${json}\n\n`);
    // A copy (how code changes a chunk) is serialised as usual.
    expect(encodeChunk({ ...parsed, model: 'other' })).toBe(
      `data: ${JSON.stringify({ ...parsed, model: 'other' })}\n\n`,
    );
    // JSON over several lines (a multi-line data field) cannot be one data line: serialised.
    const multiLine = '{"id":"c",\n"object":"chat.completion.chunk","created":1,"model":"m","choices":[]}';
    const other = withSourceJson(JSON.parse(multiLine) as ChatCompletionChunk, multiLine);
    expect(encodeChunk(other)).toBe(`data: ${JSON.stringify(other)}\n\n`);
  });

  it('keeps the recorded JSON out of sight: keys, JSON, structured clones and spreads are unchanged', () => {
    const json = '{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[]}';
    const parsed = withSourceJson(JSON.parse(json) as ChatCompletionChunk, json);
    expect(Object.keys(parsed)).toStrictEqual(['id', 'object', 'created', 'model', 'choices']);
    expect(JSON.stringify(parsed)).toBe(json);
    expect(structuredClone(parsed)).toStrictEqual(JSON.parse(json));
    expect(encodeChunk(structuredClone(parsed))).toBe(`data: ${JSON.stringify(parsed)}\n\n`);
    // Recorded again (say, after a reformat): the latest JSON is relayed.
    const spaced =
      '{"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": []}';
    withSourceJson(parsed, spaced);
    expect(encodeChunk(parsed)).toBe(`data: ${spaced}\n\n`);
    // A frozen chunk cannot carry it: serialised, no error.
    const frozen = withSourceJson(Object.freeze(JSON.parse(spaced)) as ChatCompletionChunk, spaced);
    expect(encodeChunk(frozen)).toBe(`data: ${json}\n\n`);
  });

  it('ends streams with the exact [DONE] marker', () => {
    expect(SSE_DONE).toBe('data: [DONE]\n\n');
  });

  it('encodes comments that clients skip', async () => {
    expect(encodeComment('ping')).toBe(': ping\n\n');
    expect(encodeComment('')).toBe(':\n\n');
    expect(await decodeText(encodeComment('ping') + encodeChunk(chunk('a')))).toStrictEqual([
      { type: 'comment', text: 'ping' },
      { type: 'chunk', chunk: chunk('a'), data: JSON.stringify(chunk('a')) },
    ]);
  });

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('keeps %s inside comment text from injecting an event', async (_name, eol) => {
    const hostile = `x${eol}${eol}data: {"id":"evil","object":"chat.completion.chunk","created":1,"model":"m","choices":[]}${eol}${eol}data: [DONE]`;
    const events = await decodeText(encodeComment(hostile));
    expect(events.every((event) => event.type === 'comment')).toBe(true);
    expect(events.map((event) => (event.type === 'comment' ? event.text : ''))).toStrictEqual(
      hostile.split(eol),
    );
  });

  it('encodes a stream error as an unnamed data event with the error envelope', async () => {
    const error = new RateLimitError({
      message: 'Slow down',
      code: 'rate_limit_exceeded',
      requestId: 'req_1',
    });
    const text = encodeErrorEvent(error);
    expect(text).toBe(
      'data: {"error":{"message":"Slow down","type":"rate_limit_error","param":null,"code":"rate_limit_exceeded","request_id":"req_1"}}\n\n',
    );
    const [event] = await decodeText(text);
    expect(event?.type).toBe('error');
    if (event?.type !== 'error') return;
    expect([event.error.message, event.error.code, event.error.type]).toStrictEqual([
      'Slow down',
      'rate_limit_exceeded',
      'rate_limit_error',
    ]);
  });
});

describe('createSSEEncoderStream', () => {
  async function run(items: (ChatCompletionChunk | ProtocolError)[]): Promise<string> {
    const stream = new ReadableStream<ChatCompletionChunk | ProtocolError>({
      start(controller) {
        for (const item of items) controller.enqueue(item);
        controller.close();
      },
    }).pipeThrough(createSSEEncoderStream());
    const pieces = await collect(stream);
    return new TextDecoder().decode(Buffer.concat(pieces));
  }

  it('turns chunks into SSE bytes ending with [DONE]', async () => {
    const text = await run([chunk('智谱'), chunk('🚀')]);
    expect(text).toBe(encodeChunk(chunk('智谱')) + encodeChunk(chunk('🚀')) + SSE_DONE);
  });

  it('ends with the error event and no [DONE] once an error is written', async () => {
    const error = new ProtocolError({ message: 'Upstream failed', code: 'upstream_error' });
    const text = await run([chunk('a'), error, chunk('dropped')]);
    expect(text).toBe(encodeChunk(chunk('a')) + encodeErrorEvent(error));
  });
});

describe('encodeEvent', () => {
  it('names the event and splits multi-line data; a line break cannot inject a field', () => {
    expect(encodeEvent('message_stop', '{"type":"message_stop"}')).toBe(
      'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    );
    expect(encodeEvent('ping\ndata: x', 'a\nb')).toBe('event: pingdata: x\ndata: a\ndata: b\n\n');
  });
});
