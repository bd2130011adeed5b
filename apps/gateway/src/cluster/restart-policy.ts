/** A worker that lived this long was healthy: the next crash starts the delays over. */
const HEALTHY_MS = 30_000;
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 30_000;

/**
 * How long to wait before replacing a worker that died: 0.5 s after a healthy life, doubling
 * (up to 30 s) while replacements keep dying young, so that a worker that cannot start is not
 * forked in a tight loop.
 */
export class RestartPolicy {
  #youngDeaths = 0;

  /** The delay before replacing a worker that lived `livedMs`. */
  delayAfter(livedMs: number): number {
    this.#youngDeaths = livedMs >= HEALTHY_MS ? 0 : this.#youngDeaths + 1;
    return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, this.#youngDeaths - 1));
  }
}
