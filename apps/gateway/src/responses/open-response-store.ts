import { openPostgresResponseStore } from './postgres-response-store.js';
import { type ClosableResponseStore, openSqliteResponseStore } from './sqlite-response-store.js';

/** Where the gateway keeps stored responses: its `storage`, with `responses.retentionSeconds`. */
export interface ResponseStoreConfig {
  /** The data directory's database file (SQLite), used without `storageUrl`. */
  readonly databasePath: string;
  /** `storage.url`: PostgreSQL shared by every instance. */
  readonly storageUrl: string | undefined;
  readonly retentionSeconds: number;
  readonly onError?: (error: unknown) => void;
}

/** The gateway's response store: PostgreSQL when `storage.url` is set, else its SQLite file. */
export function openResponseStore(
  config: ResponseStoreConfig,
): Promise<ClosableResponseStore> | ClosableResponseStore {
  const retentionMs = config.retentionSeconds * 1000;
  return config.storageUrl
    ? openPostgresResponseStore({
        url: config.storageUrl,
        retentionMs,
        ...(config.onError ? { onError: config.onError } : {}),
      })
    : openSqliteResponseStore({ path: config.databasePath, retentionMs });
}

/** Whose responses these are: the API key's id (`Principal.keyId`), or nobody's without a key. */
export function responseOwnerOf(principal: unknown): string {
  return typeof principal === 'object' &&
    principal !== null &&
    'keyId' in principal &&
    typeof principal.keyId === 'string'
    ? principal.keyId
    : '';
}
