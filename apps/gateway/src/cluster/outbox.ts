/**
 * Messages for one end of the cluster's IPC channel, sent together: everything pushed during one
 * event-loop turn leaves as one packet (an array) right after the turn's I/O, so that a busy
 * worker pays one channel write (and the primary one wake-up) for many requests' checks.
 */
export class Outbox<M> {
  readonly #send: (packet: M[]) => void;
  #packet: M[] | undefined;

  /** `send` writes one packet to the channel. */
  constructor(send: (packet: M[]) => void) {
    this.#send = send;
  }

  push(message: M): void {
    if (this.#packet) {
      this.#packet.push(message);
      return;
    }
    this.#packet = [message];
    setImmediate(() => this.flush());
  }

  /** Sends what is waiting now. */
  flush(): void {
    const packet = this.#packet;
    this.#packet = undefined;
    if (packet) this.#send(packet);
  }
}
