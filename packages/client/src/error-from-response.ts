import {
  clip,
  errorFromEnvelope,
  type ProtocolError,
  retryAfterMsFromHeaders,
  shouldRetryFromHeaders,
} from '@switchyard/protocol';

const MAX_MESSAGE_LENGTH = 1000;

/** The request id a server reports for a response, if any. */
export function requestIdOf(headers: Headers): string | null {
  return headers.get('x-request-id') ?? headers.get('request-id');
}

/**
 * Reads a failed response into the typed error for its status and body (`{"error":{…}}`, vLLM's
 * shape, plain text or an HTML error page), carrying the request id, `x-should-retry` and the
 * server's `retry-after` hint. A body that cannot be read leaves the status to speak alone.
 */
export async function errorFromResponse(
  response: Response,
  requestId: string | null,
): Promise<ProtocolError> {
  let text = '';
  try {
    text = await response.text();
  } catch {}
  let body: unknown = clip(text, MAX_MESSAGE_LENGTH) || undefined;
  try {
    body = JSON.parse(text);
  } catch {}
  const retryable = shouldRetryFromHeaders(response.headers);
  const hint = retryAfterMsFromHeaders(response.headers);
  return errorFromEnvelope(body, {
    status: response.status,
    requestId,
    ...(retryable === undefined ? {} : { retryable }),
    ...(hint === undefined ? {} : { retryAfterMs: hint }),
  });
}
