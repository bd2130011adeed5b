import { readLimitedBytes } from '@switchyard/adapter-kit';
import { BadRequestError, clip, ErrorCode } from '@switchyard/protocol';

/** Default largest request body: 4 MiB. */
export const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;

/**
 * Rejects bodies that cannot be JSON text. Accepted: no `content-type`, `application/json`,
 * `application/*+json`, and `text/plain` (what `fetch` sends for a string body when the caller
 * sets no header); the charset, when given, must be UTF-8. A form-encoded body (curl `-d`
 * without `-H`) or multipart gets a clear 415 instead of a JSON parse error.
 */
export function checkContentType(contentType: string | undefined): void {
  if (contentType === undefined || contentType.trim() === '') return;
  const [mediaType = '', ...params] = contentType.split(';');
  const type = mediaType.trim().toLowerCase();
  const isJson =
    type === 'application/json' ||
    type === 'text/plain' ||
    (type.startsWith('application/') && type.endsWith('+json'));
  if (!isJson) {
    throw new BadRequestError({
      message: `Unsupported content-type '${clip(type, 120)}': send the body as application/json`,
      code: ErrorCode.unsupportedMediaType,
    });
  }
  for (const param of params) {
    const [key = '', value = ''] = param.split('=');
    if (key.trim().toLowerCase() !== 'charset') continue;
    const charset = value.trim().replaceAll('"', '').toLowerCase();
    if (charset !== 'utf-8' && charset !== 'utf8') {
      throw new BadRequestError({
        message: `Unsupported charset '${clip(charset, 120)}': send the body as UTF-8 JSON`,
        code: ErrorCode.unsupportedMediaType,
      });
    }
  }
}

function tooLarge(limit: number): BadRequestError {
  return new BadRequestError({
    message: `Request body is larger than the limit of ${limit} bytes`,
    code: ErrorCode.bodyTooLarge,
  });
}

/**
 * Reads a body up to `limit` bytes and stops reading (and returns 413, or throws `tooLargeError`)
 * as soon as it is over, so an oversized body is never buffered; leaving the loop stops the
 * source (a fetch body is cancelled, its connection released). A declared `content-length` over
 * the limit fails before reading anything.
 */
export async function readBodyBytes(
  body: AsyncIterable<Uint8Array> | null,
  limit: number,
  contentLength: string | null | undefined,
  tooLargeError: (limit: number) => Error = tooLarge,
): Promise<Uint8Array> {
  if (contentLength !== undefined && contentLength !== null) {
    const declared = Number(contentLength);
    if (Number.isFinite(declared) && declared > limit) throw tooLargeError(limit);
  }
  return readLimitedBytes(body, limit, tooLargeError);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8 (rejecting invalid sequences) and parses JSON; both failures are 400 `invalid_json`. */
export function parseJsonBody(bytes: Uint8Array | string): unknown {
  let text: string;
  if (typeof bytes === 'string') {
    text = bytes;
  } else {
    try {
      text = utf8.decode(bytes);
    } catch {
      throw new BadRequestError({ message: 'Request body is not valid UTF-8', code: ErrorCode.invalidJson });
    }
  }
  if (text.trim() === '') {
    throw new BadRequestError({
      message: 'Request body is empty: send a JSON object with model and messages',
      code: ErrorCode.invalidJson,
    });
  }
  if (nestingDepth(text) > MAX_NESTING) {
    throw new BadRequestError({
      message: `Request body is nested more than ${MAX_NESTING} levels deep`,
      code: ErrorCode.invalidJson,
    });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    const detail = cause instanceof SyntaxError ? `: ${clip(cause.message, 120)}` : '';
    throw new BadRequestError({
      message: `Request body is not valid JSON${detail}`,
      code: ErrorCode.invalidJson,
    });
  }
}

/** Deeper JSON is refused before parsing: a 2 MB body of nested brackets costs seconds to parse. */
const MAX_NESTING = 256;

/** The deepest bracket nesting of JSON text, ignoring brackets inside strings. Stops early past the limit. */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \\ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) {
      inString = true;
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > MAX_NESTING) return deepest;
      }
    } else if (c === 93 /* ] */ || c === 125 /* } */) {
      depth--;
    }
  }
  return deepest;
}
