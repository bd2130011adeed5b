import pino, { type DestinationStream } from 'pino';

/**
 * The gateway's log destination: stdout, written asynchronously (pino's sonic-boom), with ends
 * that never block. Left to itself, pino writes what is still buffered synchronously when the
 * process exits and retries while the destination answers `EAGAIN`: on a pipe nobody reads (full,
 * non-blocking) that is forever, a gateway that closed its port and never exits.
 */
export class StdoutDestination {
  readonly #stream = pino.destination({ sync: false, retryEAGAIN: () => !this.#abandoned });
  #ending = false;
  #abandoned = false;
  #closed = false;

  constructor() {
    this.#stream.once('close', () => {
      this.#closed = true;
    });
  }

  /** The stream to give the logger. */
  get stream(): DestinationStream {
    return this.#stream;
  }

  /** False once closed or abandoned: a line written then would throw. */
  get writable(): boolean {
    return !this.#closed;
  }

  /**
   * Writes what is buffered while the event loop runs, for at most `withinMs`, then
   * {@link abandon}s the rest.
   */
  close(withinMs: number): Promise<void> {
    if (!this.#ending && !this.#closed) {
      this.#ending = true;
      this.#stream.end();
    }
    return new Promise((resolve) => {
      if (this.#closed) return resolve();
      const timer = setTimeout(() => {
        this.abandon();
        resolve();
      }, withinMs);
      this.#stream.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * Synchronously writes what is buffered as far as the destination takes it without waiting (one
   * attempt: `EAGAIN` is not retried), and drops the rest, so that pino's exit hook finds nothing
   * left to write.
   */
  abandon(): void {
    if (this.#closed) return;
    this.#abandoned = true;
    this.#closed = true;
    // A write still in flight may now fail with EAGAIN; nothing is waiting for it any more.
    this.#stream.on('error', () => undefined);
    try {
      this.#stream.flushSync();
    } catch {
      // the destination is full or gone: what it did not take is lost
    }
    this.#stream.destroy();
  }
}
