import { retryAfterMsFromHeaders, shouldRetryFromHeaders } from '@switchyard/protocol';
import type { UpstreamHeaders } from './upstream-call.js';

/** What an upstream's answer headers say about retrying. */
export interface RetryHints {
  /** From `retry-after-ms` or `retry-after` (seconds or an HTTP date), when sent. */
  readonly retryAfterMs?: number;
  /** From `x-should-retry: true|false`, when sent: overrides what the status suggests. */
  readonly retryable?: boolean;
}

/** Reads the retry hints of an upstream answer's headers. */
export function retryHints(headers: UpstreamHeaders): RetryHints {
  const retryAfterMs = retryAfterMsFromHeaders(headers);
  const retryable = shouldRetryFromHeaders(headers);
  return {
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(retryable === undefined ? {} : { retryable }),
  };
}

/**
 * Parses an error body that may be JSON, JSON after blank lines, or plain text (a proxy's HTML
 * page): the JSON value, else the trimmed text; `undefined` for an empty body.
 */
export function parseErrorBody(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    return trimmed;
  }
}
