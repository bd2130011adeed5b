import {
  answerError,
  CONTENT_TYPES,
  linesBody,
  type Responder,
  serveBody,
  serveJson,
  startTestUpstream,
  type TestUpstream,
} from '@switchyard/adapter-kit/testing';
import type { LarchGenerateRequest, LarchStreamLine } from '../../src/larch-api-types.js';
import { LARCH_FAILURE_STATUS } from '../../src/map-larch-error.js';

/**
 * A MOCK Larch API built from the provider's documented examples (README of this folder), not a
 * recording: nobody here has a Larch account. Deterministic, and strict where the docs are:
 *
 * - `x-larch-key` must be `apiKey` (else 401 `unauthorized`); `GET /v2/models` lists `models`.
 * - `POST /v2/generate`: `Repeat exactly: X` → `X`; `Count from one to one hundred` → the numbers;
 *   a message with `essay` → 5000 words streamed slowly; anything else → a greeting quoting it.
 * - `limits.max_output_tokens` (one word = one token) ends with `limit`, `stop_words` with `stop_word`.
 * - `FAIL <kind>` → Larch's error body for that kind; `FAIL mid-stream` → a `failure` line mid-stream.
 */
export function startMockLarchUpstream(options: {
  apiKey: string;
  models: readonly string[];
}): Promise<TestUpstream> {
  return startTestUpstream((request, res) => {
    const respond = (responder: Responder) => responder(request, res);
    if (request.headers['x-larch-key'] !== options.apiKey)
      return respond(failure('unauthorized', 'Invalid key.'));
    if (request.method === 'GET' && request.path === '/v2/models') {
      return respond(serveJson({ models: options.models.map((name) => ({ name })) }));
    }
    const body = request.json as LarchGenerateRequest | undefined;
    if (request.path !== '/v2/generate' || !body) return respond(failure('bad_request', 'Unknown route.'));
    if (!options.models.includes(body.model))
      return respond(failure('bad_request', `No model ${body.model}.`));
    const said = body.turns.at(-1)?.text ?? '';
    const kind = /FAIL ([a-z_-]+)/.exec(said)?.[1];
    if (kind && (kind !== 'mid-stream' || !body.stream))
      return respond(failure(kind === 'mid-stream' ? 'overloaded' : kind, `Mock failure: ${kind}.`));
    const { output, end } = answer(body, said);
    const tokens = { input: words(body.turns.map((turn) => turn.text).join(' ')), output: words(output) };
    if (!body.stream) return respond(serveJson({ id: `gen_${tokens.input}`, output, end, tokens }));
    const lines: LarchStreamLine[] = [{ event: 'start', id: `gen_${tokens.input}` }];
    for (const [i, word] of output.split(' ').entries())
      lines.push({ event: 'text', text: i === 0 ? word : ` ${word}` });
    if (kind === 'mid-stream')
      lines.splice(3, Number.POSITIVE_INFINITY, {
        event: 'failure',
        failure: { kind: 'overloaded', detail: 'Mock failure mid-stream.' },
      });
    else lines.push({ event: 'end', end, tokens });
    return respond(
      serveBody(
        linesBody(lines),
        CONTENT_TYPES.ndjson,
        /essay/i.test(said) ? { pieceSize: 64, pieceDelayMs: 5 } : {},
      ),
    );
  });
}

function failure(kind: string, detail: string): Responder {
  return answerError(LARCH_FAILURE_STATUS[kind] ?? 500, { failure: { kind, detail } });
}

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

const NUMBERS = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

function answer(
  body: LarchGenerateRequest,
  said: string,
): { output: string; end: 'complete' | 'limit' | 'stop_word' } {
  let output = `Hello from the mock Larch upstream! You said: ${said}`;
  const repeat = /Repeat exactly: (.*)$/s.exec(said);
  if (repeat) output = repeat[1] as string;
  else if (/Count from one to one hundred/i.test(said))
    output = Array.from({ length: 100 }, (_, i) => NUMBERS[i] ?? `n${i + 1}`).join(' ');
  else if (/essay/i.test(said)) output = Array.from({ length: 5000 }, (_, i) => `railway${i}`).join(' ');
  let end: 'complete' | 'limit' | 'stop_word' = 'complete';
  for (const stop of body.stop_words ?? []) {
    const at = output.indexOf(stop);
    if (at !== -1) [output, end] = [output.slice(0, at), 'stop_word'];
  }
  const limit = body.limits?.max_output_tokens;
  if (limit !== undefined && words(output) > limit)
    [output, end] = [output.split(' ').slice(0, limit).join(' '), 'limit'];
  return { output, end };
}
