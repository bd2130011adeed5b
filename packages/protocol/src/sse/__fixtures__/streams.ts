// Test helpers: load recorded fixtures as SSE bytes and feed them in chosen network pieces.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

const encoder = new TextEncoder();

/** Raw bytes of a fixture file in this folder. */
export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(name, import.meta.url)));
}

/**
 * SSE bytes of a fixture: `.sse` files are raw bodies; `.chunks.txt` files hold one JSON payload
 * per line and become `data: <line>\n\n` events (no `[DONE]`: the recording stripped it);
 * `.yaml` VCR cassettes yield the body of their first interaction.
 */
export function fixtureSSE(name: string): Uint8Array {
  if (name.endsWith('.sse')) return fixtureBytes(name);
  const text = readFileSync(new URL(name, import.meta.url), 'utf8');
  if (name.endsWith('.chunks.txt')) {
    return encoder.encode(
      text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => `data: ${line}\n\n`)
        .join(''),
    );
  }
  const cassette = parseYaml(text) as { interactions: { response: { body: { string: string } } }[] };
  return encoder.encode(cassette.interactions[0]!.response.body.string);
}

/** The bytes cut at the given offsets (sorted, within bounds). */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    if (cut <= start || cut >= bytes.length) continue;
    pieces.push(bytes.subarray(start, cut));
    start = cut;
  }
  pieces.push(bytes.subarray(start));
  return pieces;
}

/** A byte stream that delivers the pieces one `read()` at a time. */
export function streamOf(pieces: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const piece = pieces[index++];
      if (piece) controller.enqueue(piece);
      else controller.close();
    },
  });
}

/** Collects every value of an async iterable or a stream. */
export async function collect<T>(source: AsyncIterable<T> | ReadableStream<T>): Promise<T[]> {
  const values: T[] = [];
  if ('getReader' in source) {
    const reader = source.getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) values.push(next.value);
    return values;
  }
  for await (const value of source) values.push(value);
  return values;
}
