import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk } from '../schemas/index.js';
import { collect, splitAt, streamOf } from './__fixtures__/streams.js';
import { decodeSSE } from './decode-sse.js';
import type { SSEEvent } from './sse-decoder.js';
import { encodeChunk, encodeComment, SSE_DONE } from './sse-encoder.js';

// Strings that break naive SSE code: line breaks of every kind, U+2028, multi-byte UTF-8, lone
// surrogates (JSON.stringify escapes them), SSE syntax inside values.
const nastyText = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({
    unit: fc.constantFrom(
      'a',
      ' ',
      '\r',
      '\n',
      '\r\n',
      '\u2028',
      '\u2029',
      '\u0000',
      '\ud800',
      '智',
      '谱',
      'é',
      '🚀',
      '👩‍👩‍👧',
      ':',
      'data: ',
      '[DONE]',
      '"',
      '\\',
    ),
  }),
);

const chunkArbitrary: fc.Arbitrary<ChatCompletionChunk> = fc.record(
  {
    id: nastyText,
    object: fc.constant('chat.completion.chunk'),
    created: fc.nat(),
    model: nastyText,
    choices: fc.array(
      fc.record(
        {
          index: fc.nat({ max: 3 }),
          delta: fc.record(
            {
              role: fc.constant('assistant'),
              content: fc.option(nastyText),
              reasoning_content: nastyText,
              tool_calls: fc.array(
                fc.record(
                  {
                    index: fc.nat({ max: 3 }),
                    id: nastyText,
                    function: fc.record(
                      { name: nastyText, arguments: nastyText },
                      { requiredKeys: [], noNullPrototype: true },
                    ),
                  },
                  { noNullPrototype: true },
                ),
                { maxLength: 2 },
              ),
            },
            { requiredKeys: [], noNullPrototype: true },
          ),
          logprobs: fc.constant(null),
          finish_reason: fc.constantFrom(null, 'stop', 'tool_calls', 'length'),
        },
        { noNullPrototype: true },
      ),
      { maxLength: 3 },
    ),
    usage: fc.option(
      fc.record(
        { prompt_tokens: fc.nat(), completion_tokens: fc.nat(), total_tokens: fc.nat() },
        { noNullPrototype: true },
      ),
    ),
    // An unknown field must pass through untouched (normalised to plain prototypes first).
    x_extra: fc.jsonValue().map((value) => JSON.parse(JSON.stringify(value)) as unknown),
  },
  { requiredKeys: ['id', 'object', 'created', 'model', 'choices'], noNullPrototype: true },
) as fc.Arbitrary<ChatCompletionChunk>;

const utf8 = new TextDecoder();

type Item = { chunk: ChatCompletionChunk } | { comment: string };

const itemsArbitrary: fc.Arbitrary<Item[]> = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: chunkArbitrary.map((chunk) => ({ chunk })) },
    { weight: 1, arbitrary: nastyText.map((comment) => ({ comment })) },
  ),
  { maxLength: 12 },
);

describe('SSE encode → split → decode', () => {
  it('is the identity for arbitrary chunks and comments, any line-end style, any network cuts', async () => {
    await fc.assert(
      fc.asyncProperty(
        itemsArbitrary,
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 40 }),
        async (items, eol, cutFractions) => {
          let text = '';
          const expected: SSEEvent[] = [];
          for (const item of items) {
            if ('chunk' in item) {
              text += encodeChunk(item.chunk);
              expected.push({ type: 'chunk', chunk: item.chunk, data: JSON.stringify(item.chunk) });
            } else {
              text += encodeComment(item.comment);
              // Comments are raw text: a lone surrogate cannot survive UTF-8 and arrives as U+FFFD.
              for (const line of item.comment.split(/\r\n|\r|\n/)) {
                expected.push({ type: 'comment', text: utf8.decode(new TextEncoder().encode(line)) });
              }
            }
          }
          text += SSE_DONE;
          expected.push({ type: 'done' });
          // The encoder emits line breaks only as framing, so any line-end style must decode alike.
          const body = new TextEncoder().encode(eol === '\n' ? text : text.replaceAll('\n', eol));
          const cuts = cutFractions.map((fraction) => Math.floor(fraction * body.length));
          const events = await collect(decodeSSE(streamOf(splitAt(body, cuts))));
          expect(events).toStrictEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
