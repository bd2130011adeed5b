// The node:http client used by the sanity checks, the time-to-first-byte probe and the soak:
// one request, timed, with its answer checked against what the mock upstream wrote.
import { type Agent, type IncomingHttpHeaders, request } from 'node:http';
import { COMPLETION_TEXT, streamText } from './fixtures.js';

/**
 * Checks a streamed answer as it arrives, without keeping it: the content deltas must spell the
 * mock upstream's text exactly, then a `finish_reason`, a usage chunk and `[DONE]` last.
 */
export class StreamChecker {
  readonly #expected: string;
  #pending = '';
  #position = 0;
  #finished = false;
  #usage = false;
  #done = false;
  #problem: string | undefined;
  /** `data:` events seen, `[DONE]` included. */
  events = 0;

  constructor(chunks: number) {
    this.#expected = streamText(chunks);
  }

  push(text: string): void {
    if (this.#problem) return;
    this.#pending += text;
    let end = this.#pending.indexOf('\n\n');
    while (end !== -1) {
      this.#event(this.#pending.slice(0, end));
      this.#pending = this.#pending.slice(end + 2);
      end = this.#pending.indexOf('\n\n');
    }
  }

  #event(block: string): void {
    for (const line of block.split('\n')) {
      if (!line.startsWith('data:')) continue;
      const data = line.slice(5).trim();
      this.events++;
      if (this.#done) {
        this.#fail('an event after [DONE]');
        return;
      }
      if (data === '[DONE]') {
        this.#done = true;
        continue;
      }
      let chunk: {
        error?: unknown;
        usage?: unknown;
        choices?: { delta?: { content?: unknown }; finish_reason?: unknown }[];
      };
      try {
        chunk = JSON.parse(data);
      } catch {
        this.#fail(`malformed JSON in event ${this.events}`);
        return;
      }
      if (chunk.error) {
        this.#fail(`error event: ${JSON.stringify(chunk.error).slice(0, 200)}`);
        return;
      }
      if (chunk.usage) this.#usage = true;
      for (const choice of chunk.choices ?? []) {
        const content = choice.delta?.content;
        if (typeof content === 'string' && content.length > 0) {
          if (!this.#expected.startsWith(content, this.#position)) {
            this.#fail(`unexpected content at offset ${this.#position}`);
            return;
          }
          this.#position += content.length;
        }
        if (choice.finish_reason) this.#finished = true;
      }
    }
  }

  #fail(problem: string): void {
    this.#problem ??= problem;
  }

  /** Why the stream is not complete and correct, or `undefined` if it is. */
  verdict(): string | undefined {
    if (this.#problem) return this.#problem;
    if (this.#position !== this.#expected.length)
      return `truncated: ${this.#position} of ${this.#expected.length} content characters`;
    if (!this.#finished) return 'no finish_reason';
    if (!this.#usage) return 'no usage chunk';
    if (!this.#done) return 'no [DONE]';
    return undefined;
  }
}

/** Checks a non-stream answer: the mock upstream's message content, intact. */
export function checkCompletion(body: string): string | undefined {
  try {
    const completion = JSON.parse(body) as { choices?: { message?: { content?: unknown } }[] };
    return completion.choices?.[0]?.message?.content === COMPLETION_TEXT
      ? undefined
      : 'unexpected completion content';
  } catch {
    return `not JSON: ${body.slice(0, 200)}`;
  }
}

export interface CallOptions {
  readonly url: string;
  readonly body: string;
  readonly apiKey?: string | undefined;
  /** Extra request headers (a target's routing headers). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly agent: Agent;
  /** Receives the body text as it arrives. */
  readonly onText?: (text: string) => void;
  /** Destroys the request after this much body (to simulate a client that goes away). */
  readonly abortAfterBytes?: number;
  readonly timeoutMs?: number;
}

export interface CallResult {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** From sending the request to the response headers, to the first body byte, to the end. */
  readonly headersMs: number;
  readonly firstByteMs: number;
  readonly totalMs: number;
  readonly bytes: number;
  /** Set when the request failed at the socket level, timed out or was aborted on purpose. */
  readonly error?: string;
}

/** One POST, timed with `performance.now()`. Never rejects: failures come back in `error`. */
export function call(options: CallOptions): Promise<CallResult> {
  return new Promise((resolve) => {
    const url = new URL(options.url);
    const start = performance.now();
    let headersMs = Number.NaN;
    let firstByteMs = Number.NaN;
    let bytes = 0;
    let status = 0;
    let headers: IncomingHttpHeaders = {};
    let settled = false;
    const settle = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({
        status,
        headers,
        headersMs,
        firstByteMs,
        totalMs: performance.now() - start,
        bytes,
        ...(error ? { error } : {}),
      });
    };
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent: options.agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(options.body),
          ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
          ...options.headers,
        },
      },
      (res) => {
        headersMs = performance.now() - start;
        status = res.statusCode ?? 0;
        headers = res.headers;
        res.setEncoding('utf8');
        res.on('data', (text: string) => {
          if (bytes === 0) firstByteMs = performance.now() - start;
          bytes += Buffer.byteLength(text);
          options.onText?.(text);
          if (options.abortAfterBytes !== undefined && bytes >= options.abortAfterBytes) {
            req.destroy();
            settle('aborted by the client');
          }
        });
        res.on('end', () => settle());
        res.on('error', (error) => settle(error.message));
        res.on('close', () => settle(res.complete ? undefined : 'response closed before its end'));
      },
    );
    const timeoutMs = options.timeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      req.destroy();
      settle(`timed out after ${timeoutMs} ms`);
    }, timeoutMs);
    req.on('error', (error) => settle(error.message));
    req.end(options.body);
  });
}

/** The `p`-th percentile (0–100) of numbers, nearest-rank on a sorted copy. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** The median of numbers (NaN for none). */
export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const mid = finite.length >> 1;
  return finite.length % 2 === 1 ? finite[mid]! : (finite[mid - 1]! + finite[mid]!) / 2;
}
