import { AbortError, ConnectionError, type ProtocolError, TimeoutError } from '@switchyard/protocol';

type StopReason = 'abort' | 'timeout' | 'idle';

/**
 * One HTTP attempt: owns the `AbortController` handed to `fetch`, the total timer, the idle
 * timer of a stream body, and the link to the caller's signal. Whatever stops it records why,
 * so the resulting network error can be reported as an abort, a timeout or a connection error.
 */
export class Attempt {
  readonly controller = new AbortController();
  #reason: StopReason | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #idleMs = 0;
  /** When the pending body read started; -1 while no read is pending (the consumer is busy). */
  #readStartedAt = -1;
  readonly #signal: AbortSignal | undefined;
  readonly #timeoutMs: number;

  constructor(signal: AbortSignal | undefined, timeoutMs: number) {
    this.#signal = signal;
    this.#timeoutMs = timeoutMs;
    if (signal?.aborted) this.stop('abort');
    else {
      signal?.addEventListener('abort', this.#onAbort);
      if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
        this.#timer = unref(setTimeout(() => this.stop('timeout'), timeoutMs));
      }
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  readonly #onAbort = (): void => this.stop('abort');

  /** Aborts the network transfer; the first reason wins. */
  stop(reason: StopReason): void {
    if (this.#reason) return;
    this.#reason = reason;
    this.controller.abort();
  }

  /**
   * Arms the idle timer of a stream body. It measures only time spent waiting for the network
   * (between {@link readStarted} and {@link readEnded}), so a slow consumer never trips it.
   */
  watchIdle(idleMs: number): void {
    if (!(idleMs > 0 && Number.isFinite(idleMs)) || this.#reason) return;
    this.#idleMs = idleMs;
    this.#armIdle(idleMs);
  }

  readStarted(): void {
    this.#readStartedAt = performance.now();
  }

  readEnded(): void {
    this.#readStartedAt = -1;
  }

  #armIdle(ms: number): void {
    this.#idleTimer = unref(setTimeout(this.#checkIdle, ms));
  }

  // One timer per idle period instead of one per read: each firing re-arms for what is left.
  readonly #checkIdle = (): void => {
    const waited = this.#readStartedAt < 0 ? 0 : performance.now() - this.#readStartedAt;
    if (waited >= this.#idleMs) this.stop('idle');
    else this.#armIdle(Math.max(1, this.#idleMs - waited));
  };

  /** Clears the timers and unlinks the caller's signal; call once the attempt is over. */
  dispose(): void {
    clearTimeout(this.#timer);
    clearTimeout(this.#idleTimer);
    this.#signal?.removeEventListener('abort', this.#onAbort);
  }

  /** Turns what `fetch` or a body read threw into the typed error this attempt's stop implies. */
  errorFor(cause: unknown, requestId: string | null, streamStarted = false): ProtocolError {
    const base = { requestId, streamStarted, cause };
    switch (this.#reason) {
      case 'abort':
        return new AbortError({ ...base, message: 'The request was aborted.', code: 'aborted' });
      case 'timeout':
        return new TimeoutError({
          ...base,
          message: `The request timed out after ${this.#timeoutMs} ms.`,
          code: 'timeout',
        });
      case 'idle':
        return new TimeoutError({
          ...base,
          message: `The stream stalled: no data for ${this.#idleMs} ms.`,
          code: 'timeout',
        });
      default:
        return new ConnectionError({
          ...base,
          message: `Connection error: ${describe(cause)}`,
          code: 'connection_error',
        });
    }
  }
}

function describe(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  // undici reports "fetch failed" and keeps the useful part (ECONNREFUSED, …) in `cause`.
  const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : '';
  return cause.message + inner;
}

function unref(timer: ReturnType<typeof setTimeout>): ReturnType<typeof setTimeout> {
  (timer as { unref?: () => void }).unref?.();
  return timer;
}
