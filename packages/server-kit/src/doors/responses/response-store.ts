import type { ResponseInputItem, ResponseObject } from '@switchyard/protocol';

/** One stored response: what `GET /v1/responses/{id}` returns and what continues it. */
export interface StoredResponse {
  readonly id: string;
  /** Who created it (see `ResponsesDoorOptions.ownerOf`): nobody else reads, lists or deletes it. */
  readonly owner: string;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly response: ResponseObject;
  /**
   * Every input item the model saw, with ids: the conversation continued from
   * `previous_response_id` first, then this request's own input. `GET …/input_items` lists them.
   */
  readonly input: readonly ResponseInputItem[];
}

/**
 * Where the responses door keeps responses created with `store` (the default) and reads them back
 * for `previous_response_id`, `GET`, `DELETE` and `input_items`. Every read and delete is scoped to
 * the owner: another owner's id is answered as unknown. Expired responses (past the store's
 * retention) are unknown too.
 */
export interface ResponseStore {
  put(record: StoredResponse): Promise<void>;
  get(owner: string, id: string): Promise<StoredResponse | undefined>;
  /** True when a response was deleted. */
  delete(owner: string, id: string): Promise<boolean>;
}

/** Options of {@link createMemoryResponseStore}. */
export interface MemoryResponseStoreOptions {
  /** How long a response is kept, in milliseconds (default 30 days, as OpenAI keeps them). */
  readonly retentionMs?: number;
  /** Most responses kept; the oldest go first (default 10,000). */
  readonly maxResponses?: number;
  readonly now?: () => number;
}

/** OpenAI keeps stored responses for 30 days. */
export const DEFAULT_RESPONSE_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * A {@link ResponseStore} in this process's memory: for tests and single-process servers that
 * can lose their responses on restart.
 */
export function createMemoryResponseStore(options: MemoryResponseStoreOptions = {}): ResponseStore {
  const retentionMs = options.retentionMs ?? DEFAULT_RESPONSE_RETENTION_MS;
  const maxResponses = options.maxResponses ?? 10_000;
  const now = options.now ?? Date.now;
  const records = new Map<string, StoredResponse>();
  const live = (owner: string, id: string) => {
    const record = records.get(id);
    if (!record || record.owner !== owner) return undefined;
    if (now() - record.createdAt >= retentionMs) {
      records.delete(id);
      return undefined;
    }
    return record;
  };
  return {
    async put(record) {
      records.set(record.id, record);
      for (const id of records.keys()) {
        if (records.size <= maxResponses) break;
        records.delete(id);
      }
    },
    async get(owner, id) {
      return live(owner, id);
    },
    async delete(owner, id) {
      return live(owner, id) !== undefined && records.delete(id);
    },
  };
}
