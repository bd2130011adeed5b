import {
  isPrimaryPacket,
  type PrimaryMessage,
  type Reply,
  type WorkerCall,
  type WorkerMessage,
  type WorkerTell,
} from './ipc-messages.js';
import { Outbox } from './outbox.js';

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
  readonly #outbox = new Outbox<WorkerMessage>((packet) => this.#write(packet));
  #next = 1;

  constructor(onNotice: (notice: Notice) => void, timeoutMs = CALL_TIMEOUT_MS) {
    this.#timeoutMs = timeoutMs;
    process.on('message', (packet: unknown) => {
      if (!isPrimaryPacket(packet)) return;
      for (const message of packet) {
        if (message.kind !== 'reply') {
          onNotice(message);
          continue;
        }
        const pending = this.#pending.get(message.id);
        if (!pending) continue;
        this.#pending.delete(message.id);
        pending.settle(message);
      }
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
      this.#outbox.push({ ...call, id });
    });
  }

  /** Sends a message that has no reply; lost (silently) if the primary is gone. */
  tell(message: WorkerTell): void {
    this.#outbox.push(message);
  }

  /** Fails every pending call and stops the deadline timer. */
  close(): void {
    clearInterval(this.#sweep);
    this.#expire(Number.POSITIVE_INFINITY);
  }

  // A packet that cannot be written means the channel is gone: no call will be answered.
  #write(packet: WorkerMessage[]): void {
    const fail = (error: Error) => this.#failAll(new PrimaryUnavailableError(error.message));
    if (!process.send || !process.connected) {
      fail(new Error('the cluster primary is gone'));
      return;
    }
    process.send(packet, undefined, {}, (error: Error | null) => {
      if (error) fail(new Error(`the cluster primary is unreachable: ${error.message}`));
    });
  }

  #failAll(error: PrimaryUnavailableError): void {
    for (const pending of this.#pending.values()) pending.fail(error);
    this.#pending.clear();
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
