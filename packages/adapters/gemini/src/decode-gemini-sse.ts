import { createProtocolError, ErrorCode } from '@switchyard/protocol';
import { createParser } from 'eventsource-parser';
import type { GeminiGenerateContentResponse } from './gemini-api-types.js';

/**
 * Reads a `streamGenerateContent?alt=sse` body: one complete `GenerateContentResponse` per `data:`
 * event, CRLF framing, no `[DONE]`. Lines and UTF-8 characters split across network pieces are
 * reassembled. A payload that is not a JSON object throws a `bad_response` error. Stopping early
 * cancels the body.
 */
export async function* decodeGeminiSSE(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<GeminiGenerateContentResponse, void, undefined> {
  const pending: GeminiGenerateContentResponse[] = [];
  const parser = createParser({
    onEvent(message) {
      const data = message.data.trim();
      if (data === '' || data === '[DONE]') return;
      pending.push(parsePayload(data));
    },
  });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let finished = false;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
      while (pending.length > 0) yield pending.shift() as GeminiGenerateContentResponse;
    }
    finished = true;
    // A last event without its blank line still counts: flush it with a synthetic terminator.
    parser.feed(`${decoder.decode()}\n\n`);
    while (pending.length > 0) yield pending.shift() as GeminiGenerateContentResponse;
  } finally {
    if (!finished) reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

function parsePayload(data: string): GeminiGenerateContentResponse {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch (cause) {
    throw badResponse(`Gemini sent a stream event that is not JSON: ${snippet(data)}`, cause);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badResponse(`Gemini sent a stream event that is not a JSON object: ${snippet(data)}`);
  }
  return value as GeminiGenerateContentResponse;
}

function badResponse(message: string, cause?: unknown) {
  return createProtocolError({ message, code: ErrorCode.badResponse, cause });
}

function snippet(data: string): string {
  return data.length > 120 ? `${data.slice(0, 120)}…` : data;
}
