import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixtureSSE } from './__fixtures__/streams.js';
import { ChunkJsonParser } from './chunk-json-parser.js';

const RECORDED = [
  'openai-text.chunks.txt',
  'openai-logprobs.sse',
  'openai-refusal.sse',
  'openai-parallel-tool-calls.sse',
  'deepseek-reasoning.chunks.txt',
  'deepseek-tool-call.chunks.txt',
  'mistral-incremental-tool-call.chunks.txt',
  'issue-13703-mistral-thinking.chunks.txt',
  'anthropic-fallback-tool-call.sse',
  'test_zai_thinking_stream.yaml',
] as const;

/** Every `data:` payload of a recorded stream, `[DONE]` left out. */
function payloads(name: string): string[] {
  const text = new TextDecoder().decode(fixtureSSE(name));
  return text
    .split('\n')
    .filter((line) => line.startsWith('data:') && line !== 'data: [DONE]')
    .map((line) => line.slice(5).trimStart());
}

/** Parses every text with one parser, as a decoder does, and checks each against JSON.parse. */
function expectSameAsJsonParse(texts: readonly string[]): void {
  const parser = new ChunkJsonParser();
  for (const text of texts) {
    let want: unknown;
    try {
      want = JSON.parse(text);
    } catch (error) {
      expect(() => parser.parse(text), text).toThrow((error as Error).constructor as never);
      continue;
    }
    const got = parser.parse(text);
    expect(got, text).toStrictEqual(want);
    // Same keys in the same order, at every depth.
    expect(JSON.stringify(got)).toBe(JSON.stringify(want));
  }
}

const chunkText = (content: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }],
    ...extra,
  });

describe('ChunkJsonParser', () => {
  it.each(RECORDED)('parses every event of %s exactly as JSON.parse does', (name) => {
    const texts = payloads(name);
    expect(texts.length).toBeGreaterThan(2);
    expectSameAsJsonParse(texts);
  });

  it('returns fresh objects: changing one chunk changes no later one', () => {
    const parser = new ChunkJsonParser();
    const extra = { meta: { tags: ['a'] }, usage: null };
    type Parsed = { meta: { tags: string[] }; choices: { delta: { content: string } }[] };
    const first = parser.parse(chunkText('one', extra)) as Parsed;
    const second = parser.parse(chunkText('two', extra)) as Parsed;
    second.meta.tags.push('changed');
    (second.choices[0] as Parsed['choices'][0]).delta.content = 'changed';
    second.choices.push({ delta: { content: '' } });
    const third = parser.parse(chunkText('three', extra)) as Parsed;
    expect(third).toStrictEqual(JSON.parse(chunkText('three', extra)));
    expect(first.meta).not.toBe(third.meta);
  });

  it('reads escapes in the text, and hands malformed or reshaped text to JSON.parse', () => {
    expectSameAsJsonParse([
      chunkText('a'),
      chunkText('b'),
      chunkText('quote " backslash \\ newline \n tab \t nul \u0000 é 😀 \ud800'),
      chunkText('a').replace('"a"', '"\\u00e9\\ud83d\\ude00\\/"'),
      // A raw quote splits the text: another structure, or malformed JSON.
      chunkText('a').replace('"a"', '"x","extra":"y"'),
      chunkText('a').replace('"a"', '"x" "'),
      chunkText('a').replace('"a"', '"ends with a backslash\\"'),
      chunkText('a').replace('"a"', '"raw\ncontrol"'),
      chunkText('a').replace('"a"', '"bad escape \\q"'),
      chunkText('c'),
    ]);
  });

  it('never mistakes another "content" for the delta text', () => {
    const logprobs = { content: [{ token: 'x', logprob: -1, bytes: [120], top_logprobs: [] }] };
    const delta = (content: string) => ({ index: 0, delta: { content } });
    // Each case is a stream of its own: a template built on the first text, tried on the others.
    const cases: string[][] = [
      // A "content" member before the delta's.
      ['a', 'b', 'c'].map((t) => JSON.stringify({ content: 'top', choices: [delta(t)] })),
      // A string that looks like a member; a key whose name ends in content.
      ['a', 'b', 'c'].map((t) => JSON.stringify({ note: '"content":"fake"', choices: [delta(t)] })),
      ['a', 'b', 'c'].map((t) => JSON.stringify({ 'x"content': 'k', choices: [delta(t)] })),
      // "content" written with a space before the colon.
      ['a', 'b', 'c'].map((t) => `{"choices":[{"index":0,"delta":{"content" : "${t}"},"logprobs":null}]}`),
      ['a', 'b', 'c'].map((t) => JSON.stringify({ choices: [{ ...delta(t), logprobs }] })),
      ['a', 'b', 'c'].map((t) =>
        JSON.stringify({ choices: [{ index: 0, logprobs, delta: { content: t } }] }),
      ),
      // The first string "content" member is another one, and it is the one that changes.
      ['p', 'r', 's'].map(
        (t) => `{"choices":[{"index":0,"logprobs":{"x":{"content":"${t}"}},"delta":{"content":"q"}}]}`,
      ),
      // The same key twice: JSON.parse keeps the last.
      ['l', 'n', 'o'].map((t) => `{"choices":[{"index":0,"delta":{"content":"${t}","content":"m"}}]}`),
      ['l', 'n', 'o'].map((t) => `{"choices":[{"index":0,"delta":{"content":"m","content":"${t}"}}]}`),
    ];
    for (const texts of cases) expectSameAsJsonParse(texts);
  });

  it('keeps a "__proto__" member an own property, as JSON.parse does', () => {
    const texts = [1, 2, 3].map(
      (n) => `{"__proto__":{"polluted":true},"choices":[{"index":0,"delta":{"content":"${n}"}}]}`,
    );
    expectSameAsJsonParse(texts);
    const parser = new ChunkJsonParser();
    for (const text of texts) {
      const chunk = parser.parse(text) as object;
      expect(Object.getPrototypeOf(chunk)).toBe(Object.prototype);
      expect(Object.hasOwn(chunk, '__proto__')).toBe(true);
    }
  });

  it('reasoning text, then content text, then a finish without text', () => {
    const reasoning = (text: string) =>
      JSON.stringify({ choices: [{ index: 0, delta: { content: null, reasoning_content: text } }] });
    expectSameAsJsonParse([
      reasoning('r1'),
      reasoning('r2'),
      reasoning('r3'),
      chunkText('c1'),
      chunkText('c2'),
      JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
      chunkText('c3'),
    ]);
  });

  it('matches JSON.parse on any sequence of chunk texts (property)', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.constantFrom('"', '\\', '\\"', '"content":"', '\u0000', '\n', '"}]}'),
    );
    const extra = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
    const rawText = fc.string({ unit: 'binary', maxLength: 8 }).map((s) => `"${s}"`);
    const event = fc.oneof(
      { weight: 6, arbitrary: fc.tuple(text, extra).map(([t, e]) => chunkText(t, e)) },
      { weight: 3, arbitrary: text.map((t) => chunkText(t)) },
      // Text cut into the JSON as written, valid or not.
      { weight: 2, arbitrary: rawText.map((raw) => chunkText('§').replace('"§"', raw)) },
      { weight: 1, arbitrary: fc.json() },
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 12 }), (texts) => expectSameAsJsonParse(texts)),
      { numRuns: 400 },
    );
  });
});
