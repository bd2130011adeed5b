import type { IncomingMessage, ServerResponse } from 'node:http';
import { type EventLoopUtilization, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { ErrorCode, type ProtocolError, ServerError } from '@switchyard/protocol';
import type { AdmissionConfig } from '../config/config-schema.js';
import { sendError } from './node-web-bridge.js';

/** Why a request was refused: too many in flight, the event loop lags, or it is busy nearly all the time. */
export type OverloadCause = 'in_flight' | 'event_loop_delay' | 'event_loop_utilization';

/** Options of {@link LoadShedder}. */
export interface LoadShedderOptions
  extends Pick<AdmissionConfig, 'maxInFlight' | 'maxEventLoopDelayMs' | 'maxEventLoopUtilization'> {
  /** Counts each refusal (the gateway's `/metrics`). */
  readonly onRefused?: (cause: OverloadCause) => void;
  /** The refusal in the envelope of the request's front door (default: the chat completions one). */
  readonly encodeError?: (
    url: string,
    error: ProtocolError,
  ) => { readonly status: number; readonly body: unknown };
  /** How often the event loop is sampled (its mean delay and its utilization over the window); default 500 ms. */
  readonly sampleMs?: number;
}

/** What a refusal says, by its cause. */
const REFUSALS: Readonly<Record<OverloadCause, string>> = {
  in_flight: 'The gateway is at its limit of requests in flight: retry after a second.',
  event_loop_delay: 'The gateway is overloaded (its event loop lags): retry after a second.',
  event_loop_utilization:
    'The gateway is overloaded (its event loop is busy nearly all the time): retry after a second.',
};

/** Clients are told to come back after this long. */
const RETRY_AFTER_S = 1;

/**
 * Admission control over what one gateway process can carry: model API requests (`/v1/*`) are
 * admitted while fewer than `maxInFlight` are in flight, the event loop's mean delay over the last
 * sample stayed under `maxEventLoopDelayMs` and its utilization (the share of the sample it spent
 * working rather than waiting for I/O) under `maxEventLoopUtilization`; the rest are answered at once with 503
 * `overloaded` and `retry-after`, before their body is read and before any upstream call, so
 * that what was admitted keeps its pace and completes. Health, metrics and admin routes are
 * never refused.
 *
 * Utilization is what keeps a refusal fast: a process busy all of the time reads new connections
 * only between the work it already holds, so a refusal waits as long as everything else. Refusing
 * before the loop saturates leaves the headroom to refuse at once, and admitted streams keep their
 * pace. It acts through an adaptive limit on what is in flight, not an on/off switch: a sample
 * over `maxEventLoopUtilization` cuts the limit to 90 % of what was in flight; each sample under it
 * raises the limit by 5 % (up to `maxInFlight`). A switch would let every waiting client in at
 * once the moment the loop idles for one sample, and streams admitted together stay together.
 *
 * The loop's signals refuse only while at least a tenth of `maxInFlight` is in flight: a loop that
 * lags with little in flight lags for another reason (a machine whose cores other processes hold, a
 * long GC), and refusing those few requests would not make it keep pace.
 */
export class LoadShedder {
  readonly #maxInFlight: number;
  readonly #maxDelayNs: number;
  readonly #maxUtilization: number;
  readonly #floor: number;
  readonly #onRefused: ((cause: OverloadCause) => void) | undefined;
  readonly #encodeError: LoadShedderOptions['encodeError'];
  readonly #delay = monitorEventLoopDelay({ resolution: 10 });
  readonly #sampler: ReturnType<typeof setInterval>;
  #utilizationMark: EventLoopUtilization = performance.eventLoopUtilization();
  #inFlight = 0;
  /** What the loop's utilization lets in (adaptive, between the floor and `maxInFlight`). */
  #limit: number;
  #lagging = false;
  readonly #release = () => {
    this.#inFlight--;
  };

  constructor(options: LoadShedderOptions) {
    this.#maxInFlight = options.maxInFlight;
    this.#maxDelayNs = options.maxEventLoopDelayMs * 1e6;
    this.#maxUtilization = options.maxEventLoopUtilization;
    this.#floor = Math.ceil(options.maxInFlight / 10);
    this.#limit = options.maxInFlight;
    this.#onRefused = options.onRefused;
    this.#encodeError = options.encodeError;
    this.#delay.enable();
    this.#sampler = setInterval(() => this.#sample(), options.sampleMs ?? 500);
    this.#sampler.unref();
  }

  /** Model API requests admitted and not yet answered. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** How many may be in flight now: `maxInFlight`, or less while the event loop is busy. */
  get limit(): number {
    return this.#limit;
  }

  /** Why a request arriving now would be refused, if it would. */
  overloaded(): OverloadCause | undefined {
    if (this.#inFlight >= this.#maxInFlight) return 'in_flight';
    if (this.#lagging && this.#inFlight >= this.#floor) return 'event_loop_delay';
    if (this.#inFlight >= this.#limit) return 'event_loop_utilization';
    return undefined;
  }

  /**
   * Admits `req` (counted in flight until its response closes) or answers it 503 and returns
   * false. Requests outside `/v1/` are always admitted, uncounted.
   */
  admit(req: IncomingMessage, res: ServerResponse): boolean {
    if (!req.url?.startsWith('/v1/')) return true;
    const cause = this.overloaded();
    if (cause === undefined) {
      this.#inFlight++;
      res.once('close', this.#release);
      return true;
    }
    this.#onRefused?.(cause);
    // The connection stays open: node reads and drops the unread body before the next request.
    const refusal = new ServerError({
      message: REFUSALS[cause],
      code: ErrorCode.overloaded,
      status: 503,
      retryAfterMs: RETRY_AFTER_S * 1_000,
    });
    sendError(
      res,
      refusal,
      { 'retry-after': String(RETRY_AFTER_S) },
      this.#encodeError?.(req.url ?? '/', refusal),
    );
    return false;
  }

  /** Stops sampling the event loop. */
  close(): void {
    clearInterval(this.#sampler);
    this.#delay.disable();
  }

  #sample(): void {
    const mark = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(mark, this.#utilizationMark);
    this.#utilizationMark = mark;
    this.#lagging = this.#delay.mean > this.#maxDelayNs;
    this.#delay.reset();
    // A loop busy with little in flight is busy for another reason (start-up, a long GC, other
    // processes): that says nothing about how much this process can carry.
    if (utilization <= this.#maxUtilization)
      this.#limit = Math.min(this.#maxInFlight, this.#limit + Math.ceil(this.#limit * 0.05));
    else if (this.#inFlight >= this.#floor)
      this.#limit = Math.max(this.#floor, Math.floor(Math.min(this.#limit, this.#inFlight) * 0.9));
  }
}
