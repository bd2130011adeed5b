import type { StoredResponse } from '@switchyard/server-kit';

/** What a stored response's `body` column holds (the rest are columns of their own). */
interface StoredBody {
  readonly response: StoredResponse['response'];
  readonly input: StoredResponse['input'];
}

/** The JSON of a stored response's `body` column. */
export function bodyOf(record: StoredResponse): string {
  const body: StoredBody = { response: record.response, input: record.input };
  return JSON.stringify(body);
}

/** A stored response from its row. */
export function fromRow(row: {
  id: string;
  owner: string;
  created_at: number | string;
  body: string | StoredBody;
}): StoredResponse {
  const body: StoredBody = typeof row.body === 'string' ? JSON.parse(row.body) : row.body;
  return {
    id: row.id,
    owner: row.owner,
    createdAt: Number(row.created_at),
    response: body.response,
    input: body.input,
  };
}

/** Expired rows are deleted at most this often (reads ignore them anyway). */
export const PURGE_INTERVAL_MS = 60_000;
