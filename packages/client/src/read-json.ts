import { clip, createProtocolError, errorFromEnvelope } from '@switchyard/protocol';
import { identify, type RequestIdentified } from './api-promise.js';
import type { Attempt } from './attempt.js';

const SNIPPET_LENGTH = 200;

/**
 * Reads a successful JSON response. A body that is not a JSON object is a `bad_response`
 * error; a 200 that carries an error envelope (some proxies do this) is that error.
 */
export async function readJSON<T extends object>(
  response: Response,
  attempt: Attempt,
  requestId: string | null,
): Promise<T & RequestIdentified> {
  let text: string;
  try {
    text = await response.text();
  } finally {
    attempt.dispose();
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {}
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw createProtocolError({
      message: `Expected a JSON object in the response, got: ${clip(text, SNIPPET_LENGTH)}`,
      code: 'bad_response',
      requestId,
    });
  }
  const { error, choices, data } = body as { error?: unknown; choices?: unknown; data?: unknown };
  if (error && choices === undefined && data === undefined) throw errorFromEnvelope(body, { requestId });
  return identify(body as T, requestId);
}
