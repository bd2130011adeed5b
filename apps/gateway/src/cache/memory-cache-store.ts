import type { CacheStore } from './cache-store.js';

interface Entry {
  readonly value: string;
  readonly bytes: number;
  readonly expiresAt: number;
}

export interface MemoryCacheStoreOptions {
  readonly maxEntries: number;
  /** Total size of the stored values (UTF-8 bytes); the least recently used go first. */
  readonly maxBytes: number;
  readonly now?: () => number;
}

/**
 * An in-process LRU with a time-to-live per entry, bounded by entry count and total bytes. A `Map`
 * keeps insertion order, so re-inserting on every read makes its first key the least recently used.
 */
export class MemoryCacheStore implements CacheStore {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #now: () => number;
  #bytes = 0;

  constructor(options: MemoryCacheStoreOptions) {
    this.#maxEntries = options.maxEntries;
    this.#maxBytes = options.maxBytes;
    this.#now = options.now ?? Date.now;
  }

  /** Entries held right now (expired ones included until they are read or evicted). */
  get size(): number {
    return this.#entries.size;
  }

  /** Bytes held right now. */
  get bytes(): number {
    return this.#bytes;
  }

  async get(key: string): Promise<string | undefined> {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAt <= this.#now()) {
      this.#bytes -= entry.bytes;
      return undefined;
    }
    this.#entries.set(key, entry);
    return entry.value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    const bytes = Buffer.byteLength(value);
    this.#delete(key);
    if (bytes > this.#maxBytes) return;
    this.#entries.set(key, { value, bytes, expiresAt: this.#now() + ttlMs });
    this.#bytes += bytes;
    while (this.#entries.size > this.#maxEntries || this.#bytes > this.#maxBytes) {
      const oldest = this.#entries.keys().next().value as string;
      this.#delete(oldest);
    }
  }

  async close(): Promise<void> {
    this.#entries.clear();
    this.#bytes = 0;
  }

  #delete(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }
}
