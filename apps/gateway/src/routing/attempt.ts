import { ErrorCode, type ProtocolError, TimeoutError, toProtocolError } from '@switchyard/protocol';
import type { AdapterContext } from '@switchyard/server-kit';
import type { Deployment } from './deployment.js';

/** Why a finished attempt's signal fires (a plain `abort()` would build a DOMException each time). */
const DISPOSED = new Error('The attempt is over.');

/**
 * One try of one deployment: its own abort signal (the client's, plus this attempt's timeout) and
 * a guard that stops waiting on the adapter the moment that signal fires, even when the adapter is
 * slow to honour it. Only this class fires the signal, so the guard needs no listener of its own:
 * one listener (on the client's signal) per attempt and one promise per awaited step.
 */
export class Attempt {
  readonly deployment: Deployment;
  readonly context: AdapterContext;
  readonly startedAt = performance.now();
  readonly #controller = new AbortController();
  readonly #client: AbortSignal;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #limitMs = 0;
  #message = '';
  #waitStart = 0;
  #isWaiting = false;
  #reject: ((reason: unknown) => void) | undefined;
  // Cheaper than `AbortSignal.any` (no weak references to track per attempt).
  readonly #onClientAbort = () => this.#abort(this.#client.reason);

  constructor(deployment: Deployment, context: AdapterContext, timeoutMs: number) {
    this.deployment = deployment;
    this.#client = context.signal;
    this.context = { ...context, signal: this.#controller.signal };
    if (context.signal.aborted) this.#onClientAbort();
    else context.signal.addEventListener('abort', this.#onClientAbort, { once: true });
    this.arm(timeoutMs, `${deployment.id} did not answer within ${timeoutMs} ms.`);
  }

  get signal(): AbortSignal {
    return this.context.signal;
  }

  /** True when the client (or the request deadline) ended the request, not this attempt. */
  get clientAborted(): boolean {
    return this.#client.aborted;
  }

  /**
   * Sets this attempt's time limit: the answer, the first chunk, or (once a stream runs) each next
   * chunk must come within `ms` of the moment the router starts waiting for it.
   */
  arm(ms: number, message: string): void {
    this.#limitMs = ms;
    this.#message = message;
    this.waiting();
    clearTimeout(this.#timer);
    this.#timer = setTimeout(this.#check, ms);
  }

  /**
   * From now on the client's going away no longer stops the upstream: the router reads on (for
   * a stream's usage) and stops it itself. The attempt's own time limit still applies.
   */
  outliveClient(): void {
    this.#client.removeEventListener('abort', this.#onClientAbort);
  }

  /** The router starts waiting on the upstream (cheap: once per stream chunk). */
  waiting(): void {
    this.#waitStart = performance.now();
    this.#isWaiting = true;
  }

  /** The router is handing a chunk to the client: a slow reader is not an upstream stall. */
  idle(): void {
    this.#isWaiting = false;
  }

  // One timer per attempt that re-schedules itself, instead of one per chunk.
  readonly #check = () => {
    const elapsed = this.#isWaiting ? performance.now() - this.#waitStart : 0;
    if (elapsed >= this.#limitMs) {
      this.#abort(new TimeoutError({ message: this.#message, code: ErrorCode.timeout, retryable: true }));
      return;
    }
    this.#timer = setTimeout(this.#check, this.#limitMs - elapsed);
  };

  /** Fires the attempt's signal; a pending {@link guard} rejects with the same reason. */
  #abort(reason: unknown): void {
    if (this.#controller.signal.aborted) return;
    this.#controller.abort(reason);
    this.#reject?.(reason);
  }

  /** Resolves like `pending`, or rejects as soon as the attempt's signal fires. */
  guard<T>(pending: Promise<T>): Promise<T> {
    if (this.signal.aborted) {
      pending.catch(() => {});
      return Promise.reject(this.signal.reason);
    }
    return new Promise<T>((resolve, reject) => {
      this.#reject = reject;
      pending.then(resolve, reject);
    });
  }

  /** What went wrong, as a protocol error: this attempt's timeout, the client's abort, or the adapter's error. */
  errorOf(thrown: unknown): ProtocolError {
    if (this.#client.aborted) return toProtocolError(this.#client.reason, this.context.requestId);
    if (this.#controller.signal.aborted)
      return toProtocolError(this.#controller.signal.reason, this.context.requestId);
    return toProtocolError(thrown, this.context.requestId);
  }

  /** Stops the timer and aborts whatever upstream work is left. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#reject = undefined;
    this.#client.removeEventListener('abort', this.#onClientAbort);
    if (!this.#controller.signal.aborted) this.#controller.abort(DISPOSED);
  }
}
