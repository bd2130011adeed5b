import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { BadRequestError, ErrorCode, type ProtocolError } from '@switchyard/protocol';

/** A web `Request` for a node request (the admin API and `/v1/usage` speak web Request/Response). */
export function toWebRequest(req: IncomingMessage, bodyLimit: number): Request {
  const host = req.headers.host ?? 'localhost';
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(`http://${host}${req.url ?? '/'}`, {
    method,
    headers,
    ...(hasBody
      ? {
          body: Readable.toWeb(Readable.from(limited(req, bodyLimit))) as ReadableStream<Uint8Array>,
          duplex: 'half',
        }
      : {}),
  } as RequestInit);
}

async function* limited(req: IncomingMessage, limit: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limit) throw new Error(`request body over ${limit} bytes`);
    yield chunk;
  }
}

/** Writes a web `Response` to a node response. */
export async function sendWebResponse(
  res: ServerResponse,
  response: Response,
  extraHeaders: Record<string, string> = {},
): Promise<void> {
  const headers: Record<string, string> = { ...extraHeaders };
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const body = Buffer.from(await response.arrayBuffer());
  headers['content-length'] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(body);
}

/** Sends a JSON body. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/**
 * Sends a protocol error with its status: in the chat completions envelope, or as `encoded` (a
 * front door's envelope, see `ChatServer.encodeError`).
 */
export function sendError(
  res: ServerResponse,
  error: ProtocolError,
  headers: Record<string, string> = {},
  encoded?: { readonly status: number; readonly body: unknown },
): void {
  const status = error.status >= 400 && error.status <= 599 ? error.status : 500;
  sendJson(res, encoded?.status ?? status, encoded ? encoded.body : error.toEnvelope(), headers);
}

/** A request's JSON body, or the 400/413 that says why it is not one. */
export async function readJson(request: Request): Promise<unknown> {
  let text: string;
  try {
    text = await request.text();
  } catch {
    return new BadRequestError({
      message: 'Request body is too large.',
      code: ErrorCode.bodyTooLarge,
      status: 413,
    });
  }
  try {
    return JSON.parse(text);
  } catch {
    return new BadRequestError({ message: 'Request body is not valid JSON.', code: ErrorCode.invalidJson });
  }
}
