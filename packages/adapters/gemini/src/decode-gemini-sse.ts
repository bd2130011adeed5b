import {
  clip,
  createProtocolError,
  ErrorCode,
  type ReadSSEMessagesOptions,
  readSSEMessages,
} from '@switchyard/protocol';
import type { GeminiGenerateContentResponse } from './gemini-api-types.js';

/**
 * Reads a `streamGenerateContent?alt=sse` body: one complete `GenerateContentResponse` per `data:`
 * event, CRLF framing, no `[DONE]`. Lines and UTF-8 characters split across network pieces are
 * reassembled. A payload that is not a JSON object, or an event over `maxEventSize`, throws a
 * `bad_response` error. Stopping early cancels the body.
 */
export async function* decodeGeminiSSE(
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  options?: ReadSSEMessagesOptions,
): AsyncGenerator<GeminiGenerateContentResponse, void, undefined> {
  for await (const message of readSSEMessages(body, options)) {
    const data = message.data.trim();
    if (data !== '' && data !== '[DONE]') yield parsePayload(data);
  }
}

function parsePayload(data: string): GeminiGenerateContentResponse {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch (cause) {
    throw badResponse(`Gemini sent a stream event that is not JSON: ${clip(data, 120)}`, cause);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badResponse(`Gemini sent a stream event that is not a JSON object: ${clip(data, 120)}`);
  }
  return value as GeminiGenerateContentResponse;
}

function badResponse(message: string, cause?: unknown) {
  return createProtocolError({ message, code: ErrorCode.badResponse, cause });
}
