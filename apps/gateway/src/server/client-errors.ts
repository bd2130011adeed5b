import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { BadRequestError } from '@switchyard/protocol';
import type { GatewayMetrics } from '../metrics/gateway-metrics.js';

/** Why Node refused a connection before the gateway saw a request: the `reason` label. */
export type ClientErrorReason =
  | 'request_timeout'
  | 'bad_request'
  | 'headers_too_large'
  | 'chunk_extensions_too_large';

interface Refusal {
  readonly reason: ClientErrorReason;
  /** The whole HTTP answer, built once. */
  readonly answer: Buffer;
}

function refusal(reason: ClientErrorReason, status: number, code: string, message: string): Refusal {
  const body = JSON.stringify(new BadRequestError({ message, code, status }).toEnvelope());
  const head =
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
    'connection: close\r\n' +
    'content-type: application/json\r\n' +
    `content-length: ${Buffer.byteLength(body)}\r\n\r\n`;
  return { reason, answer: Buffer.from(head + body, 'utf8') };
}

const TIMEOUT = refusal(
  'request_timeout',
  408,
  'request_timeout',
  'The request was not received in time (server.headersTimeoutMs / server.requestTimeoutMs).',
);
const HEADERS_TOO_LARGE = refusal(
  'headers_too_large',
  431,
  'headers_too_large',
  'The request headers are too large.',
);
const CHUNK_EXTENSIONS_TOO_LARGE = refusal(
  'chunk_extensions_too_large',
  413,
  'body_too_large',
  'The chunk extensions of the request body are too large.',
);
const BAD_REQUEST = refusal('bad_request', 400, 'invalid_request', 'The request is not valid HTTP/1.1.');

function refusalFor(code: unknown): Refusal | undefined {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return TIMEOUT;
  if (typeof code !== 'string' || !code.startsWith('HPE_')) return undefined;
  if (code === 'HPE_HEADER_OVERFLOW') return HEADERS_TOO_LARGE;
  if (code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW') return CHUNK_EXTENSIONS_TOO_LARGE;
  return BAD_REQUEST;
}

/** Bounds how long a refused connection waits for its answer to reach the kernel. */
const FLUSH_GRACE_MS = 2_000;

/**
 * The server's `clientError` listener. Node answers header/request timeouts (slowloris) and
 * unparsable requests itself and nothing is counted; with this listener the gateway answers the
 * same statuses (408, 400, 431, 413) with a protocol error body, closes the connection, and counts
 * each one in `switchyard_client_errors_total{reason}`. Socket errors without an HTTP meaning
 * (a reset) close the connection uncounted: the request they cut, if any, has its own 499 row.
 */
export function clientErrorListener(metrics: GatewayMetrics): (error: Error, socket: Duplex) => void {
  // Node may report the same broken connection again while its answer is flushing.
  const refused = new WeakSet<Duplex>();
  return (error, socket) => {
    if (refused.has(socket)) return;
    const found = refusalFor((error as { code?: unknown }).code);
    if (!found) {
      socket.destroy();
      return;
    }
    refused.add(socket);
    metrics.clientErrors.inc([found.reason]);
    // An answer already under way on this connection cannot be followed by another one.
    const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (!socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const grace = setTimeout(() => socket.destroy(), FLUSH_GRACE_MS).unref();
    socket.end(found.answer, () => {
      clearTimeout(grace);
      socket.destroy();
    });
  };
}
