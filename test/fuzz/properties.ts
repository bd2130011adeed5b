import { decodeSSE, encodeChunk, ProtocolError, SSE_DONE } from '@switchyard/protocol';
import fc from 'fast-check';

/**
 * Fuzz properties shared by the CI tests (a few hundred cases) and `run-long.ts` (as many as
 * you like). Each throws (fast-check's report, with the shrunk counterexample) when violated.
 */

/** Longest a single request may take before it counts as a hang. */
const REQUEST_TIMEOUT_MS = 10_000;

const FIELDS = [
  'model',
  'messages',
  'stream',
  'stream_options',
  'temperature',
  'top_p',
  'max_tokens',
  'max_completion_tokens',
  'n',
  'stop',
  'seed',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
  'thinking',
  'reasoning_effort',
  'logprobs',
  'top_logprobs',
  'logit_bias',
  'frequency_penalty',
  'presence_penalty',
  'metadata',
  'user',
] as const;

const anyJson = fc.jsonValue({ maxDepth: 4 });
const role = fc.constantFrom('system', 'developer', 'user', 'assistant', 'tool', 'function', 'robot', '');

/** Messages that are often almost right: known roles, odd contents and extra fields. */
const message = fc.record(
  {
    role,
    content: fc.oneof(
      fc.string(),
      anyJson,
      fc.array(fc.record({ type: fc.constantFrom('text', 'image_url', 'x'), text: fc.string() })),
    ),
    name: fc.string(),
    tool_call_id: fc.string(),
    tool_calls: anyJson,
  },
  { requiredKeys: ['role'] },
);

/** A valid request with some fields replaced by arbitrary (or plausible) values. */
const mutatedRequest = fc
  .record({
    overrides: fc.dictionary(
      fc.constantFrom(...FIELDS),
      fc.oneof(anyJson, fc.array(message, { maxLength: 4 })),
    ),
    messages: fc.array(message, { maxLength: 6 }),
    useMessages: fc.boolean(),
  })
  .map(({ overrides, messages, useMessages }) => ({
    model: 'simulator/echo',
    messages: useMessages ? messages : [{ role: 'user', content: 'hi' }],
    ...overrides,
  }));

/** What the fuzzer posts: raw bytes, arbitrary JSON, or a near-valid request. */
export const requestBody: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 512 }),
  fc.string({ unit: 'binary', maxLength: 256 }).map((s) => new TextEncoder().encode(s)),
  anyJson.map((value) => new TextEncoder().encode(JSON.stringify(value) ?? 'null')),
  mutatedRequest.map((value) => new TextEncoder().encode(JSON.stringify(value))),
  mutatedRequest.map((value) => new TextEncoder().encode(JSON.stringify({ ...value, stream: true }))),
);

interface Envelope {
  error?: { message?: unknown; type?: unknown; param?: unknown; code?: unknown };
}

/**
 * Posts one body and checks the answer: never a 5xx, always within the timeout, and every
 * refusal is the protocol's error envelope with a message, a type, and `param` and `code` keys.
 */
export async function checkRequest(url: string, key: string, body: Uint8Array): Promise<void> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: Buffer.from(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  if (response.status >= 500) throw new Error(`${response.status} for ${preview(body)}: ${text}`);
  if (response.status === 200) return;
  const envelope = JSON.parse(text) as Envelope;
  const error = envelope.error;
  if (
    !error ||
    typeof error.message !== 'string' ||
    error.message === '' ||
    typeof error.type !== 'string' ||
    !('param' in error) ||
    !('code' in error)
  ) {
    throw new Error(`not an error envelope (${response.status}) for ${preview(body)}: ${text}`);
  }
}

function preview(body: Uint8Array): string {
  const text = new TextDecoder().decode(body);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** The request-schema property over real HTTP against a running gateway (or server-kit server). */
export async function fuzzRequests(url: string, key: string, numRuns: number, seed?: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(requestBody, (body) => checkRequest(url, key, body)),
    { numRuns, ...(seed === undefined ? {} : { seed }) },
  );
}

const validChunk = fc
  .record({ id: fc.string({ minLength: 1, maxLength: 12 }), content: fc.string({ maxLength: 40 }) })
  .map(({ id, content }) =>
    encodeChunk({
      id,
      object: 'chat.completion.chunk',
      created: 1,
      model: 'm',
      choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }],
    }),
  );

/** SSE-ish fragments: valid frames, the terminator, comments, line ends, field names and junk. */
const fragment = fc.oneof(
  validChunk,
  fc.constant(SSE_DONE),
  fc.constantFrom(
    ': keep-alive\n\n',
    'event: error\n',
    'data: ',
    'data:{',
    '\n',
    '\r\n',
    '\r',
    '\n\n',
    'id: 1\n',
    'retry: x\n',
  ),
  fc.constant(
    'data: {"error":{"message":"upstream failed","type":"server_error","code":"server_error"}}\n\n',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

/** Bytes and the offsets where the network splits them. */
const splitBody = fc
  .tuple(
    fc.array(
      fc.oneof(
        fragment.map((s) => new TextEncoder().encode(s)),
        fc.uint8Array({ maxLength: 24 }),
      ),
      {
        maxLength: 30,
      },
    ),
    fc.array(fc.nat(), { maxLength: 12 }),
  )
  .map(([parts, cuts]) => {
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
    let offset = 0;
    for (const part of parts) {
      bytes.set(part, offset);
      offset += part.byteLength;
    }
    const points = [...new Set(cuts.map((c) => (bytes.length === 0 ? 0 : c % bytes.length)))].sort(
      (a, b) => a - b,
    );
    const pieces: Uint8Array[] = [];
    let start = 0;
    for (const point of [...points, bytes.length]) {
      pieces.push(bytes.subarray(start, point));
      start = point;
    }
    return pieces;
  });

async function* piecesOf(pieces: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const piece of pieces) yield piece;
}

/** Decodes one split body: only known event types, errors only as ProtocolError events. */
export async function checkDecode(pieces: readonly Uint8Array[]): Promise<void> {
  let events = 0;
  for await (const event of decodeSSE(piecesOf(pieces))) {
    events += 1;
    if (events > 100_000) throw new Error('decodeSSE does not end');
    switch (event.type) {
      case 'chunk':
        if (event.chunk.object !== 'chat.completion.chunk') throw new Error('a chunk that is not a chunk');
        break;
      case 'error':
        if (!ProtocolError.isInstance(event.error)) throw new Error('an error event without a ProtocolError');
        break;
      case 'done':
      case 'comment':
        break;
      default:
        throw new Error(`unknown event ${JSON.stringify(event)}`);
    }
  }
}

/** The SSE decoder property: arbitrary bytes, arbitrary splits; it never throws and always ends. */
export async function fuzzDecoder(numRuns: number, seed?: number): Promise<void> {
  await fc.assert(fc.asyncProperty(splitBody, checkDecode), {
    numRuns,
    ...(seed === undefined ? {} : { seed }),
  });
}

/** Valid frames split anywhere decode to exactly the chunks that were encoded. */
export async function fuzzRoundTrip(numRuns: number, seed?: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(
      fc.array(validChunk, { maxLength: 20 }),
      fc.array(fc.nat(), { maxLength: 10 }),
      async (frames, cuts) => {
        const bytes = new TextEncoder().encode(frames.join('') + SSE_DONE);
        const points = [...new Set(cuts.map((c) => c % bytes.length))].sort((a, b) => a - b);
        const pieces: Uint8Array[] = [];
        let start = 0;
        for (const point of [...points, bytes.length]) {
          pieces.push(bytes.subarray(start, point));
          start = point;
        }
        const decoded: string[] = [];
        let done = false;
        for await (const event of decodeSSE(piecesOf(pieces))) {
          if (event.type === 'chunk') decoded.push(encodeChunk(event.chunk));
          else if (event.type === 'done') done = true;
          else throw new Error(`unexpected ${event.type} event`);
        }
        if (!done || decoded.join('') !== frames.join('')) throw new Error('round trip changed the stream');
      },
    ),
    { numRuns, ...(seed === undefined ? {} : { seed }) },
  );
}

const segment = fc.oneof(
  fc.string({ maxLength: 24 }).map(encodeURIComponent),
  fc.constantFrom('..', '%2e%2e', '%00', '%ff', '%', '//', 'key_x', 'simulator', 'echo'),
);
const query = fc
  .dictionary(
    fc.constantFrom('from', 'to', 'group_by', 'bucket', 'model', 'key_id', 'x'),
    fc.string({ maxLength: 20 }),
  )
  .map((entries) => new URLSearchParams(entries).toString());

/** Paths under every route family, with odd segments and queries. */
const routePath = fc
  .tuple(
    fc.constantFrom(
      '/v1/models/',
      '/v1/chat/completions/',
      '/v1/responses',
      '/v1/responses/',
      '/v1/embeddings',
      '/v1/usage',
      '/admin/keys/',
      '/admin/usage',
      '/admin/',
      '/',
    ),
    fc.array(segment, { maxLength: 3 }),
    query,
  )
  .map(([base, segments, q]) => `${base}${segments.join('/')}${q ? `?${q}` : ''}`);

/**
 * Every route, any method, path and JSON body, with an admin key: never a 5xx, never a hang.
 * (The admin key reaches the admin handlers; fuzzing may create keys, which is harmless.)
 */
export async function fuzzRoutes(url: string, key: string, numRuns: number, seed?: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'),
      routePath,
      anyJson,
      async (method, path, json) => {
        const response = await fetch(`${url}${path}`, {
          method,
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          ...(method === 'GET' || method === 'HEAD' ? {} : { body: JSON.stringify(json) ?? 'null' }),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const text = await response.text();
        if (response.status >= 500) throw new Error(`${response.status} for ${method} ${path}: ${text}`);
      },
    ),
    { numRuns, ...(seed === undefined ? {} : { seed }) },
  );
}

/** Made-up model names: short, odd, passthrough-shaped (`simulator/…`) and huge (up to 1 MiB). */
const modelName = fc.oneof(
  { arbitrary: fc.string({ maxLength: 300 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 300 }).map((s) => `simulator/${s}`), weight: 4 },
  { arbitrary: fc.integer({ min: 250, max: 1 << 20 }).map((n) => `simulator/${'x'.repeat(n)}`), weight: 1 },
);

/** What the gateway exposes per model name: the `/metrics` text and the `/readyz` deployments. */
async function perNameState(url: string): Promise<{ metricsBytes: number; deployments: string[] }> {
  const [metrics, ready] = await Promise.all([
    fetch(`${url}/metrics`).then((r) => r.text()),
    fetch(`${url}/readyz`).then((r) => r.json() as Promise<{ deployments: { deployment: string }[] }>),
  ]);
  return { metricsBytes: metrics.length, deployments: ready.deployments.map((d) => d.deployment) };
}

/**
 * Made-up model names leave nothing behind: every answer is a 4xx envelope or a 200 (never a 5xx,
 * never a hang), and afterwards `/metrics` has grown by at most `maxMetricsGrowth` bytes and
 * `/readyz` lists no deployment that was not there before. For a gateway whose upstreams refuse
 * unknown models (the simulator does), so that no made-up name proves real.
 */
export async function fuzzModelNames(
  url: string,
  key: string,
  numRuns: number,
  seed?: number,
  maxMetricsGrowth = 32 * 1024,
): Promise<void> {
  const before = await perNameState(url);
  await fc.assert(
    fc.asyncProperty(modelName, fc.boolean(), (model, stream) =>
      checkRequest(
        url,
        key,
        new TextEncoder().encode(
          JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hi' }] }),
        ),
      ),
    ),
    { numRuns, ...(seed === undefined ? {} : { seed }) },
  );
  const after = await perNameState(url);
  const growth = after.metricsBytes - before.metricsBytes;
  if (growth > maxMetricsGrowth)
    throw new Error(`/metrics grew by ${growth} bytes over ${numRuns} made-up model names`);
  const added = after.deployments.filter((d) => !before.deployments.includes(d));
  if (added.length > 0)
    throw new Error(`/readyz gained ${added.length} deployments: ${added.slice(0, 3).join(', ')}`);
}

/**
 * Longest `/healthz` may take while a heavy request runs: it took 25 s (and over 10 min for 4 MB)
 * before the fix; unloaded it now takes well under 100 ms, and a busy 2-core CI box running the
 * rest of the suite beside it stretches that to about 2 s (seen once), hence the margin.
 */
export const HEALTHZ_CEILING_MS = 5_000;
/** The most a simulator answer may weigh: 16,384 tokens in all, whatever `n` and the prompt. */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/**
 * Valid but heavy requests: the prompt is one unit (a character, a few) repeated up to ~3.9 MB
 * (under the 4 MiB body limit), with `n` up to 128, on every simulator model. Described, not
 * built, so that a failure report stays readable.
 */
const heavyRequest = fc.record({
  unit: fc.oneof(
    fc.constantFrom('a', ' ', '!', '1', 'é', '日', '😀', '\n', 'ab', 'a ', 'A'),
    fc.string({ minLength: 1, maxLength: 3 }),
  ),
  bytes: fc.integer({ min: 1_000, max: 3_900_000 }),
  n: fc.integer({ min: 1, max: 128 }),
  stream: fc.boolean(),
  model: fc.constantFrom('simulator/echo', 'simulator/thinker', 'simulator/babble'),
});

/**
 * Posts one heavy request and polls `/healthz` while it runs: the request answers 200 with a
 * bounded answer, and `/healthz` answers within the ceiling the whole time.
 */
export async function checkHeavyRequest(
  url: string,
  key: string,
  { unit, bytes, ...request }: typeof heavyRequest extends fc.Arbitrary<infer T> ? T : never,
): Promise<void> {
  const unitBytes = Buffer.byteLength(JSON.stringify(unit)) - 2;
  const content = unit.repeat(Math.max(1, Math.floor(bytes / unitBytes)));
  let settled = false;
  const answer = fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...request, messages: [{ role: 'user', content }] }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS * 3),
  }).then(async (response) => ({
    status: response.status,
    bytes: (await response.arrayBuffer()).byteLength,
  }));
  answer.finally(() => {
    settled = true;
  });
  let slowest = 0;
  while (!settled) {
    const started = performance.now();
    const health = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS * 3) });
    await health.arrayBuffer();
    if (!settled) slowest = Math.max(slowest, performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const answered = await answer;
  const what = `${JSON.stringify(unit)} × ${content.length} ${JSON.stringify(request)}`;
  if (answered.status !== 200) throw new Error(`${answered.status} for ${what}`);
  if (answered.bytes > MAX_ANSWER_BYTES) throw new Error(`${answered.bytes} bytes answered for ${what}`);
  if (slowest > HEALTHZ_CEILING_MS) throw new Error(`/healthz took ${Math.round(slowest)} ms during ${what}`);
}

/** The heavy-request property (issue 22: quadratic tokenizing, `n` amplification) over real HTTP. */
export async function fuzzHeavyRequests(
  url: string,
  key: string,
  numRuns: number,
  seed?: number,
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(heavyRequest, (request) => checkHeavyRequest(url, key, request)),
    { numRuns, ...(seed === undefined ? {} : { seed }) },
  );
}
