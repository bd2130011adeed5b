import { uuidV7 } from './uuid-v7.js';

const SANE_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * The id of a request: the caller's `x-request-id` when it is 1–128 characters of
 * `A-Z a-z 0-9 . _ -` (safe to echo in headers and log lines), otherwise a fresh, time-ordered `req_…` id.
 */
export function resolveRequestId(header: string | undefined): string {
  if (header !== undefined && SANE_REQUEST_ID.test(header)) return header;
  return `req_${uuidV7().replaceAll('-', '')}`;
}
