import { ProtocolError } from '../errors/index.js';
import type { ChatCompletionChunk } from '../schemas/index.js';

/**
 * Response headers of a chat-completions stream. `x-accel-buffering: no` stops nginx from
 * buffering the stream; drop `connection` when answering over HTTP/2, which forbids it.
 */
export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
});

/** The event that ends every chat-completions stream. */
export const SSE_DONE = 'data: [DONE]\n\n';

/** Returns the object it is given, so that a subclass can stamp private fields onto any object. */
class Stampable {
  constructor(target: object) {
    // biome-ignore lint/correctness/noConstructorReturn: the point of this class
    return target as Stampable;
  }
}

/**
 * The JSON a chunk was parsed from, kept in a private field stamped onto the chunk itself: cheaper
 * than a WeakMap entry per chunk, invisible to spreads, `JSON.stringify` and `structuredClone`.
 */
class SourceJson extends Stampable {
  #json: string;

  private constructor(chunk: object, json: string) {
    super(chunk);
    this.#json = json;
  }

  static record(chunk: object, json: string): void {
    if (#json in chunk) (chunk as SourceJson).#json = json;
    else if (Object.isExtensible(chunk)) new SourceJson(chunk, json);
  }

  static of(chunk: object): string | undefined {
    return #json in chunk ? (chunk as SourceJson).#json : undefined;
  }
}

/**
 * Records that `chunk` is exactly what `json` parses to, so that {@link encodeChunk} relays `json`
 * instead of serialising the object again (a proxy passing upstream chunks through unchanged).
 * The caller promises not to change `chunk` afterwards: copy it to change it. JSON spanning
 * several lines is not recorded. Returns `chunk`.
 */
export function withSourceJson<T extends ChatCompletionChunk>(chunk: T, json: string): T {
  if (json.indexOf('\n') === -1) SourceJson.record(chunk, json);
  return chunk;
}

/**
 * One chunk as an SSE event: `data: <one-line JSON>\n\n`. No `event:` line, since older openai
 * clients misread named events. `JSON.stringify` escapes CR and LF, so the JSON stays one line.
 * A chunk recorded with {@link withSourceJson} is sent as that JSON.
 */
export function encodeChunk(chunk: ChatCompletionChunk): string {
  return `data: ${SourceJson.of(chunk) ?? JSON.stringify(chunk)}\n\n`;
}

/**
 * An SSE comment (`: text`), e.g. a keep-alive ping. Clients ignore comments. Line breaks in
 * `text` start new comment lines, so the text cannot inject an event.
 */
export function encodeComment(text: string): string {
  let out = '';
  for (const line of text.split(LINE_BREAK)) out += line === '' ? ':\n' : `: ${line}\n`;
  return `${out}\n`;
}

const LINE_BREAK = /\r\n|\r|\n/;

/**
 * A named SSE event: `event: <name>\ndata: <data>\n\n`, for protocols that name their events
 * (Anthropic Messages, OpenAI Responses). Line breaks are removed from `name`, so it cannot inject
 * a field; each line of `data` becomes its own `data:` line, which clients join back with `\n`.
 */
export function encodeEvent(name: string, data: string): string {
  let out = `event: ${name.replace(/[\r\n]/g, '')}\n`;
  for (const line of data.split(LINE_BREAK)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/**
 * A stream error as the event openai-compatible clients expect after the 200 status:
 * `data: {"error":{message,type,param,code}}\n\n`, without an `event:` line. Send it last,
 * without `[DONE]`, then close.
 */
export function encodeErrorEvent(error: ProtocolError): string {
  return `data: ${JSON.stringify(error.toEnvelope())}\n\n`;
}

/**
 * A transform from chunks to SSE bytes for a streaming response body, ending with `[DONE]`.
 * Writing a {@link ProtocolError} emits the error event; later writes are dropped and the stream
 * ends without `[DONE]`.
 *
 * @example
 * ```ts
 * const body = ReadableStream.from(chunks).pipeThrough(createSSEEncoderStream());
 * return new Response(body, { headers: SSE_HEADERS });
 * ```
 */
export function createSSEEncoderStream(): TransformStream<ChatCompletionChunk | ProtocolError, Uint8Array> {
  const encoder = new TextEncoder();
  let failed = false;
  return new TransformStream({
    transform(item, controller) {
      if (failed) return;
      if (ProtocolError.isInstance(item)) {
        failed = true;
        controller.enqueue(encoder.encode(encodeErrorEvent(item)));
        return;
      }
      controller.enqueue(encoder.encode(encodeChunk(item)));
    },
    flush(controller) {
      if (!failed) controller.enqueue(encoder.encode(SSE_DONE));
    },
  });
}
