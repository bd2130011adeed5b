// The soak's load: `--concurrency` loops, each sending one request after another until
// `--duration-s` has passed, checking every answer. A separate process, so that the harness that
// samples the gateway's memory stays responsive.
//
// Prints `{"event":"progress",...}` every second and `{"event":"done",...}` at the end.
import { Agent } from 'node:http';
import { parseArgs } from 'node:util';
import { type CallResult, call, checkCompletion, StreamChecker } from './client.js';
import { requestBody } from './fixtures.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    key: { type: 'string' },
    model: { type: 'string' },
    concurrency: { type: 'string', default: '2000' },
    'duration-s': { type: 'string', default: '60' },
    chunks: { type: 'string', default: '40' },
    'chunk-delay-ms': { type: 'string', default: '50' },
    'ramp-ms': { type: 'string', default: '2000' },
    mix: { type: 'string', default: 'stream' },
  },
});
if (!values.url || !values.key || !values.model) {
  process.stderr.write('soak-client: --url, --key and --model are required\n');
  process.exit(2);
}
const URL_ = values.url;
const KEY = values.key;
const MODEL = values.model;
const CONCURRENCY = Number(values.concurrency);
const DURATION_MS = Number(values['duration-s']) * 1000;
const CHUNKS = Number(values.chunks);
const RAMP_MS = Number(values['ramp-ms']);
const MIXED = values.mix === 'mixed';
// A stream takes CHUNKS × delay; allow three times that (a saturated machine) plus a margin.
const REQUEST_TIMEOUT_MS = CHUNKS * Number(values['chunk-delay-ms']) * 3 + 30_000;

type Kind = 'stream' | 'stream-abort' | 'json' | 'bad-request' | 'bad-key';

/** The mixed soak's share of each kind of request (the plain soak sends only full streams). */
const MIX: readonly [Kind, number][] = [
  ['stream', 0.5],
  ['stream-abort', 0.15],
  ['json', 0.25],
  ['bad-request', 0.05],
  ['bad-key', 0.05],
];

function pickKind(): Kind {
  if (!MIXED) return 'stream';
  let r = Math.random();
  for (const [kind, share] of MIX) {
    r -= share;
    if (r < 0) return kind;
  }
  return 'stream';
}

const STREAM_BODY = requestBody(MODEL, true);
const JSON_BODY = requestBody(MODEL, false);
const BAD_BODY = JSON.stringify({ model: MODEL, messages: 'not a list' });
const agent = new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: CONCURRENCY });

/** `refused`: answered 503 with `retry-after` (the gateway's admission control), not a failure. */
const counts = { started: 0, completed: 0, failed: 0, refused: 0, active: 0 };
/** How long each refusal took to arrive. */
const refusalMs: number[] = [];
const byKind: Record<string, number> = {};
const problems: string[] = [];
/** Failures by kind and reason (the examples in `problems` are only the first few). */
const reasons: Record<string, number> = {};
const ttfb: number[] = [];
/** Whole-stream durations: the upstream's pace is CHUNKS × delay; more means the gateway lagged. */
const durations: number[] = [];

function fail(kind: Kind, result: CallResult, problem: string): void {
  counts.failed++;
  const reason = `${kind}: ${problem} (status ${result.status}${result.error ? `, ${result.error}` : ''})`;
  reasons[reason] = (reasons[reason] ?? 0) + 1;
  if (problems.length < 5) problems.push(reason);
}

/**
 * A 503 with `retry-after` is a refusal: counted, timed, and the loop waits as told (with jitter,
 * so that refused clients do not all return at once) before its next request.
 */
function refusal(result: CallResult): number | undefined {
  const retryAfter = Number(result.headers['retry-after']);
  if (result.status !== 503 || !(retryAfter >= 0)) return undefined;
  counts.refused++;
  if (refusalMs.length < 100_000) refusalMs.push(result.totalMs);
  return retryAfter * 1000 * (0.5 + Math.random());
}

/** One request of `kind`; resolves with how long to wait before the next (a refusal's retry-after). */
async function one(kind: Kind): Promise<number> {
  counts.started++;
  counts.active++;
  byKind[kind] = (byKind[kind] ?? 0) + 1;
  try {
    if (kind === 'stream' || kind === 'stream-abort') {
      const checker = new StreamChecker(CHUNKS);
      const result = await call({
        url: URL_,
        body: STREAM_BODY,
        apiKey: KEY,
        agent,
        timeoutMs: REQUEST_TIMEOUT_MS,
        onText: (text) => checker.push(text),
        // Somewhere in the middle of the stream.
        ...(kind === 'stream-abort'
          ? { abortAfterBytes: 1_000 + Math.floor(Math.random() * 20 * CHUNKS) }
          : {}),
      });
      const wait = refusal(result);
      if (wait !== undefined) return wait;
      if (kind === 'stream-abort') {
        if (result.status === 200 && result.error === 'aborted by the client') counts.completed++;
        else fail(kind, result, 'expected a stream cut by the client');
        return 0;
      }
      const verdict = result.status === 200 && !result.error ? checker.verdict() : 'not a 200 answer';
      if (verdict) fail(kind, result, verdict);
      else {
        counts.completed++;
        if (ttfb.length < 100_000) {
          ttfb.push(result.firstByteMs);
          durations.push(result.totalMs);
        }
      }
      return 0;
    }
    let text = '';
    const onText = (piece: string) => {
      text += piece;
    };
    if (kind === 'json') {
      const result = await call({ url: URL_, body: JSON_BODY, apiKey: KEY, agent, onText });
      const wait = refusal(result);
      if (wait !== undefined) return wait;
      const problem = result.status === 200 && !result.error ? checkCompletion(text) : 'not a 200 answer';
      if (problem) fail(kind, result, problem);
      else counts.completed++;
      return 0;
    }
    const result = await call({
      url: URL_,
      body: kind === 'bad-request' ? BAD_BODY : JSON_BODY,
      apiKey: kind === 'bad-key' ? 'sk-sy-this-key-does-not-exist-000000' : KEY,
      agent,
      onText,
    });
    const wait = refusal(result);
    if (wait !== undefined) return wait;
    const expected = kind === 'bad-request' ? 400 : 401;
    if (result.status === expected && text.includes('"error"')) counts.completed++;
    else fail(kind, result, `expected ${expected} with an error envelope`);
    return 0;
  } finally {
    counts.active--;
  }
}

const start = performance.now();
const deadline = start + DURATION_MS;

async function loop(index: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, (index / CONCURRENCY) * RAMP_MS));
  while (performance.now() < deadline) {
    const wait = await one(pickKind());
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

const progress = setInterval(() => {
  process.stdout.write(
    `${JSON.stringify({ event: 'progress', t: Math.round((performance.now() - start) / 1000), ...counts })}\n`,
  );
}, 1000);

process.stdout.write(`${JSON.stringify({ event: 'started', concurrency: CONCURRENCY })}\n`);
await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => loop(i)));
clearInterval(progress);
const at = (values: number[], p: number) => {
  values.sort((a, b) => a - b);
  return values[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] ?? null;
};
process.stdout.write(
  `${JSON.stringify({
    event: 'done',
    ...counts,
    byKind,
    problems,
    reasons,
    seconds: (performance.now() - start) / 1000,
    ttfbMs: { p50: at(ttfb, 50), p99: at(ttfb, 99) },
    streamMs: { p50: at(durations, 50), p99: at(durations, 99) },
    refusalMs: { p50: at(refusalMs, 50), p99: at(refusalMs, 99), max: at(refusalMs, 100) },
  })}\n`,
);
agent.destroy();
process.exit(0);
