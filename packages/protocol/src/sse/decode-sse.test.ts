import { describe, expect, it } from 'vitest';
import { type ProtocolError, RateLimitError, ServerError } from '../errors/index.js';
import { collect, splitAt, streamOf } from './__fixtures__/streams.js';
import { decodeSSE } from './decode-sse.js';
import { createSSEDecoder, type SSEEvent } from './sse-decoder.js';

const encoder = new TextEncoder();
const bytes = (text: string) => encoder.encode(text);
const decodeText = (text: string, cuts: number[] = []) =>
  collect(decodeSSE(streamOf(splitAt(bytes(text), cuts))));

const chunkJson = (content: string) =>
  JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'glm-5.1',
    choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }],
  });

function contents(events: SSEEvent[]): (string | null | undefined)[] {
  return events.flatMap((event) => (event.type === 'chunk' ? [event.chunk.choices[0]?.delta.content] : []));
}

function errorOf(event: SSEEvent | undefined): ProtocolError {
  if (event?.type !== 'error') throw new Error(`expected an error event, got ${JSON.stringify(event)}`);
  return event.error;
}

describe('decodeSSE framing', () => {
  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('decodes events separated with %s line ends', async (_name, eol) => {
    const text = `data: ${chunkJson('a')}${eol}${eol}data: ${chunkJson('b')}${eol}${eol}data: [DONE]${eol}${eol}`;
    const events = await decodeText(text);
    expect(contents(events)).toStrictEqual(['a', 'b']);
    expect(events.at(-1)).toStrictEqual({ type: 'done' });
    expect(events).toHaveLength(3);
  });

  it('joins multi-line data with \\n before parsing', async () => {
    const events = await decodeText(
      'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m",\ndata: "choices":[{"index":0,"delta":{"content":"x"}}]}\n\n',
    );
    expect(contents(events)).toStrictEqual(['x']);
  });

  it('yields comments (keep-alives) as comment events without touching the chunks', async () => {
    const events = await decodeText(`: OPENROUTER PROCESSING\n\n:keep-alive\ndata: ${chunkJson('hi')}\n\n`);
    expect(events.slice(0, 2)).toStrictEqual([
      { type: 'comment', text: 'OPENROUTER PROCESSING' },
      { type: 'comment', text: 'keep-alive' },
    ]);
    expect(contents(events)).toStrictEqual(['hi']);
  });

  it('ignores id: and retry: fields and strips one leading space after data:', async () => {
    const events = await decodeText(`id: 7\nretry: 1000\ndata:${chunkJson(' no-space')}\n\n`);
    expect(contents(events)).toStrictEqual([' no-space']);
  });

  it('ends quietly when the body stops without [DONE]', async () => {
    const events = await decodeText(`data: ${chunkJson('a')}\n\n`);
    expect(events.map((event) => event.type)).toStrictEqual(['chunk']);
  });

  it('delivers a last event whose blank line never came', async () => {
    expect(await decodeText(`data: ${chunkJson('a')}\n\ndata: [DONE]`)).toHaveLength(2);
    expect((await decodeText(`data: ${chunkJson('a')}\n\ndata: [DONE]\n`)).at(-1)).toStrictEqual({
      type: 'done',
    });
    expect((await decodeText(`data: ${chunkJson('a')}\r\n\r\ndata: [DONE]\r`)).at(-1)).toStrictEqual({
      type: 'done',
    });
  });

  it('treats only exactly [DONE] as the end marker', async () => {
    const events = await decodeText('data: [DONE] \n\n');
    expect(errorOf(events[0]).code).toBe('bad_response');
  });

  it('still yields events that come after [DONE]', async () => {
    const events = await decodeText(`data: [DONE]\n\ndata: ${chunkJson('late')}\n\n`);
    expect(events.map((event) => event.type)).toStrictEqual(['done', 'chunk']);
  });

  it('keeps unknown chunk fields as sent', async () => {
    const events = await decodeText(
      'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"obfuscation":"xyz","x_groq":{"id":"req_1"}}\n\n',
    );
    expect(events[0]).toStrictEqual({
      type: 'chunk',
      chunk: {
        id: 'c',
        object: 'chat.completion.chunk',
        created: 1,
        model: 'm',
        choices: [],
        obfuscation: 'xyz',
        x_groq: { id: 'req_1' },
      },
      data: '{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"obfuscation":"xyz","x_groq":{"id":"req_1"}}',
    });
  });

  it('skips a UTF-8 byte order mark at the start of the body', async () => {
    const body = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes(`data: ${chunkJson('a')}\n\n`)]);
    expect(contents(await collect(decodeSSE(streamOf(splitAt(body, [1, 2])))))).toStrictEqual(['a']);
  });

  it('reassembles UTF-8 characters split between network pieces at every byte', async () => {
    const text = `data: ${chunkJson('智谱 GLM 🚀 émoji 👩‍👩‍👧')}\n\n`;
    const body = bytes(text);
    for (let cut = 1; cut < body.length; cut++) {
      const events = await collect(decodeSSE(streamOf(splitAt(body, [cut, cut + 1, cut + 2]))));
      expect(contents(events)).toStrictEqual(['智谱 GLM 🚀 émoji 👩‍👩‍👧']);
    }
  });

  it('decodes a 5 MB single-line event fed in 64 KB pieces', async () => {
    const big = '0123456789abcdef'.repeat(5 * 65_536);
    const body = bytes(`data: ${chunkJson(big)}\n\ndata: [DONE]\n\n`);
    const cuts = Array.from({ length: Math.ceil(body.length / 65_536) }, (_, i) => (i + 1) * 65_536);
    const events = await collect(decodeSSE(streamOf(splitAt(body, cuts))));
    expect(events).toHaveLength(2);
    expect(contents(events)[0]).toBe(big);
  });

  it('reports events over maxEventSize as one bad_response error and ignores the rest', async () => {
    const text = `data: ${chunkJson('x'.repeat(2000))}\n\ndata: ${chunkJson('after')}\n\n`;
    for (const cuts of [[], [100, 200], [1500]]) {
      const events = await collect(decodeSSE(streamOf(splitAt(bytes(text), cuts)), { maxEventSize: 1000 }));
      expect(events).toHaveLength(1);
      const error = errorOf(events[0]);
      expect(error.code).toBe('bad_response');
      expect(error.message).toContain('maximum size of 1000');
    }
  });
});

describe('decodeSSE errors', () => {
  it('turns malformed JSON into a bad_response error event and keeps decoding', async () => {
    const events = await decodeText(`data: {"id":"c",oops\n\ndata: ${chunkJson('next')}\n\ndata: [DONE]\n\n`);
    const error = errorOf(events[0]);
    expect(error).toBeInstanceOf(ServerError);
    expect(error.code).toBe('bad_response');
    expect(error.status).toBe(502);
    expect(error.streamStarted).toBe(true);
    expect(error.message).toContain('malformed JSON');
    expect(error.cause).toBeInstanceOf(SyntaxError);
    expect(contents(events)).toStrictEqual(['next']);
    expect(events.at(-1)).toStrictEqual({ type: 'done' });
  });

  it('says so when the body ends in the middle of an event', async () => {
    const events = await decodeText(`data: ${chunkJson('a')}\n\ndata: {"id":"chatcmpl-1","obj`);
    expect(errorOf(events[1]).message).toMatch(/^The stream ended in the middle of an event/);
  });

  it.each([['42'], ['"text"'], ['null'], ['[1,2]'], ['true']])('rejects non-object JSON %s', async (data) => {
    const error = errorOf((await decodeText(`data: ${data}\n\n`))[0]);
    expect(error.code).toBe('bad_response');
    expect(error.message).toContain(data);
  });

  it('rejects an object that is neither a chunk nor an error', async () => {
    const error = errorOf((await decodeText('data: {"type":"ping"}\n\n'))[0]);
    expect(error.code).toBe('bad_response');
    expect(error.message).toContain('chat.completion.chunk');
  });

  it('reads an OpenAI error payload sent after the 200 status', async () => {
    const events = await decodeText(
      'data: {"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error"}}\n\n',
    );
    const error = errorOf(events[0]);
    expect(error).toBeInstanceOf(ServerError);
    expect(error.message).toBe('The server had an error while processing your request. Sorry about that!');
    expect(error.type).toBe('server_error');
    expect(error.streamStarted).toBe(true);
  });

  it('reads the vLLM {"object":"error"} payload, taking the status from its numeric code', async () => {
    const events = await decodeText(
      'data: {"object":"error","message":"Rate limited","type":"RateLimitError","param":null,"code":429}\n\n',
    );
    const error = errorOf(events[0]);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.status).toBe(429);
    expect(error.code).toBe('rate_limit_exceeded');
    expect(error.message).toBe('Rate limited');
  });

  it('treats a chunk that carries an error (OpenRouter mid-stream failure) as an error', async () => {
    const events = await decodeText(
      'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","error":{"code":502,"message":"Provider returned error"},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}\n\n',
    );
    const error = errorOf(events[0]);
    expect(error.status).toBe(502);
    expect(error.message).toBe('Provider returned error');
  });

  it('reads event: error with an Anthropic-style body (data.error ?? data)', async () => {
    const events = await decodeText(
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
    );
    const error = errorOf(events[0]);
    expect(error.message).toBe('Overloaded');
    expect(error.type).toBe('overloaded_error');
    expect(error.streamStarted).toBe(true);
  });

  it('reads event: error with a flat body and with plain text', async () => {
    const flat = errorOf(
      (await decodeText('event: error\ndata: {"message":"boom","code":"server_error"}\n\n'))[0],
    );
    expect([flat.message, flat.code]).toStrictEqual(['boom', 'server_error']);
    const text = errorOf((await decodeText('event: error\ndata: upstream went away\n\n'))[0]);
    expect(text.message).toBe('upstream went away');
  });

  it('passes errors of the source itself through as thrown errors', async () => {
    let sent = false;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) controller.error(new TypeError('terminated'));
        else controller.enqueue(bytes(`data: ${chunkJson('a')}\n\n`));
        sent = true;
      },
    });
    const seen: SSEEvent[] = [];
    await expect(async () => {
      for await (const event of decodeSSE(source)) seen.push(event);
    }).rejects.toThrow('terminated');
    expect(contents(seen)).toStrictEqual(['a']);
  });
});

describe('decodeSSE cancellation', () => {
  it('cancels a ReadableStream source when the consumer stops early', async () => {
    let cancelled: unknown = 'not cancelled';
    let pulls = 0;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        controller.enqueue(bytes(`data: ${chunkJson(String(pulls))}\n\n`));
      },
      cancel(reason) {
        cancelled = reason;
      },
    });
    for await (const event of decodeSSE(source)) {
      if (event.type === 'chunk') break;
    }
    expect(cancelled).toBeUndefined();
    expect(pulls).toBeLessThan(5);
  });

  it('calls return() on an async-iterable source when the consumer stops early', async () => {
    let finalized = false;
    let produced = 0;
    async function* source() {
      try {
        while (true) {
          produced++;
          yield bytes(`data: ${chunkJson(String(produced))}\n\n`);
        }
      } finally {
        finalized = true;
      }
    }
    const events = decodeSSE(source());
    const first = await events.next();
    expect(first.value).toMatchObject({ type: 'chunk' });
    await events.return();
    expect(finalized).toBe(true);
    expect(produced).toBe(1);
  });

  it('serves next() calls made without awaiting in order, like a generator', async () => {
    const body = bytes(`data: ${chunkJson('a')}\n\ndata: ${chunkJson('b')}\n\ndata: [DONE]\n\n`);
    const events = decodeSSE(streamOf(splitAt(body, [5, 150])));
    const results = await Promise.all([
      events.next(),
      events.next(),
      events.next(),
      events.next(),
      events.next(),
    ]);
    expect(results.map((result) => (result.done ? 'end' : result.value.type))).toStrictEqual([
      'chunk',
      'chunk',
      'done',
      'end',
      'end',
    ]);
  });

  it('throw() cancels the source and rejects with the given error', async () => {
    let cancelled = false;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(bytes(`data: ${chunkJson('x')}\n\n`));
      },
      cancel() {
        cancelled = true;
      },
    });
    const events = decodeSSE(source);
    await events.next();
    await expect(events.throw(new Error('stop'))).rejects.toThrow('stop');
    expect(cancelled).toBe(true);
    expect(await events.next()).toStrictEqual({ value: undefined, done: true });
  });

  it('does not cancel a source that ended normally', async () => {
    let cancelled = false;
    const pieces = [bytes(`data: ${chunkJson('a')}\n\ndata: [DONE]\n\n`)];
    let index = 0;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        const piece = pieces[index++];
        if (piece) controller.enqueue(piece);
        else controller.close();
      },
      cancel() {
        cancelled = true;
      },
    });
    expect(await collect(decodeSSE(source))).toHaveLength(2);
    expect(cancelled).toBe(false);
  });
});

describe('createSSEDecoder', () => {
  it('calls back synchronously per event, across feeds split inside lines', () => {
    const events: SSEEvent[] = [];
    const decoder = createSSEDecoder((event) => events.push(event));
    const body = bytes(`: hi\n\ndata: ${chunkJson('a')}\n\ndata: [DO`);
    decoder.feed(body.subarray(0, 10));
    expect(events).toStrictEqual([{ type: 'comment', text: 'hi' }]);
    decoder.feed(body.subarray(10));
    expect(contents(events)).toStrictEqual(['a']);
    decoder.feed(bytes('NE]\n\n'));
    expect(events.at(-1)).toStrictEqual({ type: 'done' });
    decoder.end();
    expect(events).toHaveLength(3);
  });

  it('flushes a dangling partial UTF-8 character at end() as U+FFFD', () => {
    const events: SSEEvent[] = [];
    const decoder = createSSEDecoder((event) => events.push(event));
    const body = bytes('data: {"x":"🚀"}\n\n');
    // Cut inside the rocket's 4 bytes and end there: the JSON is cut, the character replaced.
    decoder.feed(body.subarray(0, body.indexOf(0xf0) + 2));
    decoder.end();
    expect(errorOf(events[0]).message).toContain('{"x":"\uFFFD');
  });

  it('ignores feeds after end()', () => {
    const events: SSEEvent[] = [];
    const decoder = createSSEDecoder((event) => events.push(event));
    decoder.end();
    decoder.feed(bytes(`data: ${chunkJson('a')}\n\n`));
    expect(events).toStrictEqual([]);
  });
});
