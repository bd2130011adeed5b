import type { IncomingHttpHeaders } from 'node:http';
import { Agent, type Dispatcher } from 'undici';
import {
  readBodyText,
  type UpstreamCall,
  UpstreamCallGuard,
  type UpstreamHeaders,
  type UpstreamResponse,
  type UpstreamTransport,
} from './upstream-call.js';

/** Body bytes held for a slow reader before the upstream connection is paused. */
const PAUSE_AT_BYTES = 16 * 1024;

class ResponseHeaders implements UpstreamHeaders {
  readonly #raw: IncomingHttpHeaders;
  constructor(raw: IncomingHttpHeaders) {
    this.#raw = raw;
  }
  get(name: string): string | null {
    const value = this.#raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }
}

/**
 * The default transport: undici's dispatcher API over one keep-alive connection pool per adapter.
 * Several times cheaper per call than `node:http` and than `fetch` (no `ClientRequest`, no
 * streams, no web `Request`/`Response`), with the call's timeouts, aborts and error mapping. undici's
 * own header and body timeouts are off: {@link UpstreamCallGuard} enforces the configured ones.
 * A reader that falls behind by {@link PAUSE_AT_BYTES} pauses the connection (backpressure).
 */
export function createUndiciTransport(): UpstreamTransport {
  const agent = new Agent({ headersTimeout: 0, bodyTimeout: 0 });
  return (call) => dispatchUpstream(call, agent);
}

function dispatchUpstream(call: UpstreamCall, agent: Agent): Promise<UpstreamResponse> {
  return new Promise<UpstreamResponse>((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let cancelled: Error | undefined;
    let body: UpstreamBody | undefined;
    const guard = new UpstreamCallGuard(call, (reason) => {
      cancelled = reason instanceof Error ? reason : new Error(String(reason));
      if (controller) controller.abort(cancelled);
      else {
        // Not on a connection yet: fail now, abort as soon as undici hands over the request.
        guard.finish();
        reject(guard.toError(cancelled));
      }
    });
    guard.start();
    const url = new URL(call.url);
    agent.dispatch(
      {
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: call.method,
        headers: call.headers,
        body: call.body ?? null,
      },
      {
        onRequestStart(started) {
          controller = started;
          if (cancelled) started.abort(cancelled);
        },
        onResponseStart(started, status, headers) {
          if (status < 200) return; // 1xx informational answers come before the real one
          guard.answered();
          body = new UpstreamBody(started, guard);
          resolve({
            status,
            headers: new ResponseHeaders(headers),
            body: () => body!.read(),
            text: () => readBodyText(body!.read(), guard),
            close: () => guard.close(),
          });
        },
        onResponseData(_controller, bytes) {
          body?.push(bytes);
        },
        onResponseEnd() {
          body?.end();
        },
        onResponseError(_controller, error) {
          if (body) {
            body.fail(error);
            return;
          }
          guard.finish();
          reject(guard.toError(error));
        },
      },
    );
  });
}

/** The body bytes undici delivers, handed to one reader as an async generator. */
class UpstreamBody {
  readonly #controller: Dispatcher.DispatchController;
  readonly #guard: UpstreamCallGuard;
  readonly #queue: Buffer[] = [];
  #queuedBytes = 0;
  #ended = false;
  #failure: unknown;
  #wake: (() => void) | undefined;

  constructor(controller: Dispatcher.DispatchController, guard: UpstreamCallGuard) {
    this.#controller = controller;
    this.#guard = guard;
  }

  push(bytes: Buffer): void {
    this.#queue.push(bytes);
    this.#queuedBytes += bytes.length;
    if (this.#queuedBytes >= PAUSE_AT_BYTES && !this.#controller.paused) this.#controller.pause();
    this.#notify();
  }

  end(): void {
    this.#ended = true;
    this.#notify();
  }

  fail(error: unknown): void {
    this.#failure ??= error;
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async *read(): AsyncGenerator<Uint8Array> {
    const guard = this.#guard;
    let done = false;
    try {
      while (true) {
        const bytes = this.#queue.shift();
        if (bytes !== undefined) {
          this.#queuedBytes -= bytes.length;
          if (this.#controller.paused && this.#queuedBytes < PAUSE_AT_BYTES / 2) this.#controller.resume();
          yield bytes;
          continue;
        }
        if (this.#failure !== undefined) throw guard.toError(this.#failure);
        if (this.#ended) {
          done = true;
          return;
        }
        guard.reading(true);
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        guard.reading(false);
      }
    } finally {
      if (done) guard.finish();
      else guard.close();
    }
  }
}
