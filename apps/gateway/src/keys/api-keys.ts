import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { BudgetPeriod, KeyRecord, Store } from '../ledger/store.js';
import { type KeyLookupResult, type UnknownKeyLimits, UnknownKeys } from './unknown-keys.js';

const SECRET_PREFIX = 'sk-sy-';

/** Matches a Switchyard key anywhere in a string: log scrubbers mask what it finds. */
export const SECRET_PATTERN = /sk-sy-[A-Za-z0-9_-]{8,}/g;

/** What a caller may set on a key when creating or updating it. */
export interface KeySettings {
  name: string;
  isAdmin?: boolean;
  allowedModels?: string[] | null;
  rpm?: number | null;
  tpm?: number | null;
  budgetUsd?: number | null;
  budgetPeriod?: BudgetPeriod;
  expiresAt?: number | null;
  metadata?: Record<string, string>;
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/** A new high-entropy secret: `sk-sy-` + 43 base64url characters (256 bits). */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64url');
}

/** The part of a secret that is safe to display and log. */
export function displayPrefix(secret: string): string {
  return `${secret.slice(0, SECRET_PREFIX.length + 4)}…`;
}

/** What a {@link KeyRing} needs besides its store. */
export interface KeyRingOptions extends UnknownKeyLimits {
  /** Told how each lookup of a key missing from memory was settled (for a metric). */
  onLookup?: (result: KeyLookupResult) => void;
}

/**
 * Every key, hashed, held in memory (the table is small) so that authenticating a request is a hash
 * and a map lookup. Writes go to the store first, then to the map, so revocation is immediate here.
 * Keys changed by another process are re-read once the store reports a change (`externalChanges`);
 * `verifyShared` also asks the store about a key missing here, so that a key another instance has
 * just created works before that report arrives.
 */
export class KeyRing {
  readonly #store: Store;
  readonly #byHash = new Map<string, KeyRecord>();
  readonly #unknown: UnknownKeys;
  readonly #onLookup: (result: KeyLookupResult) => void;
  #seenVersion: number;

  constructor(store: Store, options: KeyRingOptions = {}) {
    this.#store = store;
    this.#unknown = new UnknownKeys(options);
    this.#onLookup = options.onLookup ?? (() => {});
    this.#seenVersion = store.externalChanges();
    this.#reload();
  }

  /** The live record for a secret, or undefined if unknown here, revoked or expired. */
  verify(secret: string, now = Date.now()): KeyRecord | undefined {
    this.#sync();
    return this.#live(hashSecret(secret), now);
  }

  /**
   * `verify`, and for a secret unknown here, the store's answer: a key that exists in the shared
   * store is accepted from its first request on any instance. Lookups happen only for hashes this
   * process has no record of (a known key, revoked or not, is never re-read, so a lookup cannot undo
   * a revocation), at most `lookupsPerSecond`, and not again for `negativeTtlMs` after the store had
   * no such key unless keys changed since. Rejects when the store cannot be read.
   */
  async verifyShared(secret: string, now = Date.now()): Promise<KeyRecord | undefined> {
    this.#sync();
    const hash = hashSecret(secret);
    const hex = hash.toString('hex');
    if (this.#byHash.has(hex)) return this.#live(hash, now);
    const decision = this.#unknown.check(hex, now);
    if (decision !== 'lookup') {
      this.#onLookup(decision);
      return undefined;
    }
    const askedAt = this.#seenVersion;
    let found: KeyRecord | undefined;
    try {
      found = await this.#store.lookupKey(hash);
    } catch (error) {
      this.#onLookup('error');
      throw error;
    }
    this.#onLookup(found ? 'found' : 'not_found');
    // What changed while the lookup ran wins: a record loaded since is newer than this read, and
    // a miss read before a change was announced proves nothing about the keys after it.
    this.#sync();
    if (found) {
      if (!this.#byHash.has(hex)) this.#byHash.set(hex, found);
    } else if (this.#seenVersion === askedAt) this.#unknown.remember(hex, now);
    return this.#live(hash, now);
  }

  /** Re-reads every key once another process changed them; forgets the remembered misses. */
  #sync(): void {
    const version = this.#store.externalChanges();
    if (version === this.#seenVersion) return;
    this.#seenVersion = version;
    this.#reload();
  }

  #reload(): void {
    this.#byHash.clear();
    this.#unknown.clear();
    for (const key of this.#store.listKeys()) this.#byHash.set(key.hash.toString('hex'), key);
  }

  #live(hash: Buffer, now: number): KeyRecord | undefined {
    const record = this.#byHash.get(hash.toString('hex'));
    if (!record || !timingSafeEqual(record.hash, hash)) return undefined;
    if (record.revokedAt !== null) return undefined;
    if (record.expiresAt !== null && record.expiresAt <= now) return undefined;
    return record;
  }

  /** Creates a key and returns its secret: the only time the secret exists outside the caller. */
  create(settings: KeySettings, secret = generateSecret()): { record: KeyRecord; secret: string } {
    const record: KeyRecord = {
      id: `key_${randomUUID().replaceAll('-', '').slice(0, 20)}`,
      name: settings.name,
      hash: hashSecret(secret),
      prefix: displayPrefix(secret),
      isAdmin: settings.isAdmin ?? false,
      allowedModels: settings.allowedModels ?? null,
      rpm: settings.rpm ?? null,
      tpm: settings.tpm ?? null,
      budgetUsd: settings.budgetUsd ?? null,
      budgetPeriod: settings.budgetPeriod ?? 'month',
      expiresAt: settings.expiresAt ?? null,
      metadata: settings.metadata ?? {},
      createdAt: Date.now(),
      revokedAt: null,
    };
    this.#store.insertKey(record);
    this.#byHash.set(record.hash.toString('hex'), record);
    return { record, secret };
  }

  update(id: string, patch: Partial<KeySettings> & { revokedAt?: number | null }): KeyRecord | undefined {
    const updated = this.#store.updateKey(id, patch);
    if (updated) this.#byHash.set(updated.hash.toString('hex'), updated);
    return updated;
  }

  revoke(id: string, now = Date.now()): KeyRecord | undefined {
    return this.update(id, { revokedAt: now });
  }

  get(id: string): KeyRecord | undefined {
    return this.#store.getKey(id);
  }

  list(): KeyRecord[] {
    return [...this.#byHash.values()].sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Whether a key with this exact secret is already stored (revoked or not). */
  has(secret: string): boolean {
    return this.find(secret) !== undefined;
  }

  /** The record of this exact secret as this process knows it, revoked or expired included. */
  find(secret: string): KeyRecord | undefined {
    const hash = hashSecret(secret);
    const record = this.#byHash.get(hash.toString('hex'));
    return record && timingSafeEqual(record.hash, hash) ? record : undefined;
  }
}
