import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { BudgetPeriod, KeyRecord, Store } from './store.js';

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

/**
 * Every key, hashed, held in memory (the table is small) so that authenticating a request is a hash
 * and a map lookup. Writes go to the store first, then to the map, so revocation is immediate here.
 */
export class KeyRing {
  readonly #store: Store;
  readonly #byHash = new Map<string, KeyRecord>();

  constructor(store: Store) {
    this.#store = store;
    this.reload();
  }

  /** Re-reads every key from the store (for keys changed by another instance). */
  reload(): void {
    this.#byHash.clear();
    for (const key of this.#store.listKeys()) this.#byHash.set(key.hash.toString('hex'), key);
  }

  /** The live record for a secret, or undefined if unknown, revoked or expired. */
  verify(secret: string, now = Date.now()): KeyRecord | undefined {
    const hash = hashSecret(secret);
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
    return this.#byHash.has(hashSecret(secret).toString('hex'));
  }
}
