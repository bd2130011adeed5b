import {
  isPrimaryMessage,
  type PrimaryMessage,
  type Reply,
  type WorkerCall,
  type WorkerTell,
} from './ipc-messages.js';

/** A call without its id (the link numbers it). */
export type Call = WorkerCall extends infer C ? (C extends WorkerCall ? Omit<C, 'id'> : never) : never;

/** What the primary sends besides replies. */
export type Notice = Exclude<PrimaryMessage, Reply>;

/** The primary did not answer in time, or the channel to it is closed. */
export class PrimaryUnavailableError extends Error {
  override readonly name = 'PrimaryUnavailableError';
}

interface Pending {
  readonly deadline: number;
  readonly settle: (reply: Reply) => void;
  readonly fail: (error: Error) => void;
}

/** How long a worker waits for the primary's reply before the request fails (503). */
export const CALL_TIMEOUT_MS = 2_000;

/**
 * A worker's side of the cluster's IPC channel: numbered calls to the primary whose replies are
 * matched by id, each bounded by a deadline (checked by one timer for all, so a call costs no timer
 * of its own); tells without a reply; and the primary's notices, handed to `onNotice`.
 */
export class PrimaryLink {
  readonly #pending = new Map<number, Pending>();
  readonly #timeoutMs: number;
  readonly #sweep: ReturnType<typeof setInterval>;
  #next = 1;

  constructor(onNotice: (notice: Notice) => void, timeoutMs = CALL_TIMEOUT_MS) {
    this.#timeoutMs = timeoutMs;
    process.on('message', (message: unknown) => {
      if (!isPrimaryMessage(message)) return;
      if (message.kind !== 'reply') return onNotice(message);
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      pending.settle(message);
    });
    this.#sweep = setInterval(() => this.#expire(Date.now()), Math.min(250, timeoutMs));
    this.#sweep.unref();
  }

  /**
   * Sends `call` and resolves with what `pick` takes from its reply (undefined: a reply of
   * another kind, a bug). Rejects with {@link PrimaryUnavailableError} after the deadline.
   */
  ask<T>(call: Call, pick: (reply: Reply) => T | undefined): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      const settle = (reply: Reply) => {
        const value = pick(reply);
        if (value === undefined)
          reject(new Error(`the primary answered a ${call.kind} call with ${reply.call}`));
        else resolve(value);
      };
      this.#pending.set(id, { deadline: Date.now() + this.#timeoutMs, settle, fail: reject });
      this.#send({ ...call, id }, (error) => {
        this.#pending.delete(id);
        reject(error);
      });
    });
  }

  /** Sends a message that has no reply; lost (silently) if the primary is gone. */
  tell(message: WorkerTell): void {
    this.#send(message, () => {});
  }

  /** Fails every pending call and stops the deadline timer. */
  close(): void {
    clearInterval(this.#sweep);
    this.#expire(Number.POSITIVE_INFINITY);
  }

  #send(message: WorkerCall | WorkerTell, onError: (error: Error) => void): void {
    if (!process.send || !process.connected) {
      onError(new PrimaryUnavailableError('the cluster primary is gone'));
      return;
    }
    process.send(message, undefined, {}, (error: Error | null) => {
      if (error) onError(new PrimaryUnavailableError(`the cluster primary is unreachable: ${error.message}`));
    });
  }

  #expire(now: number): void {
    // Every call has the same timeout: insertion order is deadline order.
    for (const [id, pending] of this.#pending) {
      if (pending.deadline > now) return;
      this.#pending.delete(id);
      pending.fail(
        new PrimaryUnavailableError(`the cluster primary did not answer within ${this.#timeoutMs} ms`),
      );
    }
  }
}
