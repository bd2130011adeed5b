const SLOTS = 60;
const SLOT_MS = 1000;

/**
 * A count over the last 60 seconds, in one-second slots: exact at one-second granularity, a fixed
 * 60-slot array per key whatever the rate, and O(60) to read.
 */
export class SlidingWindow {
  readonly #counts = new Float64Array(SLOTS);
  readonly #slotOf = new Float64Array(SLOTS).fill(-1);

  total(now: number): number {
    const current = Math.floor(now / SLOT_MS);
    let sum = 0;
    for (let i = 0; i < SLOTS; i++) {
      if (current - (this.#slotOf[i] as number) < SLOTS) sum += this.#counts[i] as number;
    }
    return sum;
  }

  add(now: number, amount: number): void {
    const slot = Math.floor(now / SLOT_MS);
    const i = slot % SLOTS;
    if (this.#slotOf[i] !== slot) {
      this.#slotOf[i] = slot;
      this.#counts[i] = 0;
    }
    this.#counts[i] = (this.#counts[i] as number) + amount;
  }

  /** Milliseconds until at least `needed` of the window's capacity `limit` is free again. */
  msUntilFree(now: number, needed: number, limit: number): number {
    const current = Math.floor(now / SLOT_MS);
    let excess = this.total(now) + needed - limit;
    if (excess <= 0) return 0;
    for (let age = SLOTS - 1; age >= 0; age--) {
      const slot = current - age;
      const i = ((slot % SLOTS) + SLOTS) % SLOTS;
      if (this.#slotOf[i] !== slot) continue;
      excess -= this.#counts[i] as number;
      if (excess <= 0) return (slot + SLOTS) * SLOT_MS - now;
    }
    return SLOTS * SLOT_MS;
  }
}
