import { readFileSync } from 'node:fs';
import {
  CONTENT_TYPES,
  type Responder,
  startTestUpstream,
  type TestUpstream,
} from '@switchyard/adapter-kit/testing';
import { parse as parseYaml } from 'yaml';

/** adapter-kit's test upstream, its `baseURL` ending in `/v1` as OpenAI-compatible ones do. */
export function startLocalUpstream(responder?: Responder): Promise<TestUpstream> {
  return startTestUpstream(responder, { basePath: '/v1' });
}

/** Reads a fixture beside the tests, as bytes. */
export function fixture(name: string): Buffer {
  return readFileSync(new URL(`../../src/__fixtures__/${name}`, import.meta.url));
}

/** The SSE body for a vercel/ai `.chunks.txt` fixture: one `data:` event per line, then `[DONE]`. */
export function sseFromChunkLines(name: string): string {
  const lines = fixture(name)
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  return `${lines.map((line) => `data: ${line}\n\n`).join('')}data: [DONE]\n\n`;
}

/** The JSON payloads of a `.chunks.txt` fixture, parsed. */
export function chunkLines(name: string): Record<string, unknown>[] {
  return fixture(name)
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

interface CassetteInteraction {
  response: { body?: { string?: string }; parsed_body?: unknown; status: { code: number } };
}

/** The interactions of a pydantic-ai VCR cassette fixture. */
export function cassette(name: string): CassetteInteraction[] {
  return (parseYaml(fixture(name).toString('utf8')) as { interactions: CassetteInteraction[] }).interactions;
}

export const SSE = CONTENT_TYPES.sse;
export const JSON_TYPE = CONTENT_TYPES.json;
