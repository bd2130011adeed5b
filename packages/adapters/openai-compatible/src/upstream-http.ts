import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import {
  readBodyText,
  type UpstreamCall,
  UpstreamCallGuard,
  type UpstreamHeaders,
  type UpstreamResponse,
  type UpstreamTransport,
} from './upstream-call.js';

class NodeHeaders implements UpstreamHeaders {
  readonly #raw: IncomingMessage['headers'];
  constructor(raw: IncomingMessage['headers']) {
    this.#raw = raw;
  }
  get(name: string): string | null {
    const value = this.#raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }
}

/** The body ended before its last byte (the upstream closed or reset the connection). */
function prematureClose(): Error {
  return Object.assign(new Error('the upstream closed the connection before the answer ended'), {
    code: 'ECONNRESET',
  });
}

/**
 * The default transport: `node:http`/`node:https` over keep-alive agents owned by one adapter.
 * Several times cheaper per call than the global `fetch` (no web streams, no `Request`/`Response`
 * objects, no `AbortSignal` per call), with the same timeouts, aborts and error mapping. Bodies are
 * read with `read()`, so a slow consumer leaves bytes in the socket (backpressure to the upstream).
 */
export function createNodeTransport(): UpstreamTransport {
  // LIFO keeps a few sockets warm instead of cycling through all of them, so idle ones time out.
  const agents = {
    http: new HttpAgent({ keepAlive: true, scheduling: 'lifo', noDelay: true }),
    https: new HttpsAgent({ keepAlive: true, scheduling: 'lifo', noDelay: true }),
  };
  return (call) => requestUpstream(call, agents);
}

function requestUpstream(
  call: UpstreamCall,
  agents: { http: HttpAgent; https: HttpsAgent },
): Promise<UpstreamResponse> {
  const secure = call.url.startsWith('https:');
  const headers: Record<string, string | number> = { ...call.headers };
  if (call.body !== undefined) headers['content-length'] = Buffer.byteLength(call.body);
  return new Promise<UpstreamResponse>((resolve, reject) => {
    let res: IncomingMessage | undefined;
    let req: ReturnType<typeof httpRequest> | undefined;
    const guard = new UpstreamCallGuard(call, (reason) => {
      const error = reason instanceof Error ? reason : new Error(String(reason));
      if (res) res.destroy(error);
      req?.destroy(error);
    });
    guard.start();
    req = (secure ? httpsRequest : httpRequest)(call.url, {
      method: call.method,
      headers,
      agent: secure ? agents.https : agents.http,
    });
    req.on('error', (error) => {
      if (res) return; // the body reader sees it on the response
      guard.finish();
      reject(guard.toError(error));
    });
    req.on('response', (response) => {
      res = response;
      guard.answered();
      resolve(nodeResponse(response, guard));
    });
    req.end(call.body);
  });
}

function nodeResponse(res: IncomingMessage, guard: UpstreamCallGuard): UpstreamResponse {
  let ended = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = () => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  res.on('readable', notify);
  res.on('end', () => {
    ended = true;
    notify();
  });
  res.on('error', (error) => {
    failure ??= error;
    notify();
  });
  res.on('close', () => {
    if (!ended) failure ??= prematureClose();
    notify();
  });

  async function* body(): AsyncGenerator<Uint8Array> {
    let done = false;
    try {
      while (true) {
        const bytes = res.read() as Buffer | null;
        if (bytes !== null) {
          yield bytes;
          continue;
        }
        if (failure !== undefined) throw guard.toError(failure);
        if (ended) {
          done = true;
          return;
        }
        guard.reading(true);
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        guard.reading(false);
      }
    } finally {
      if (done) guard.finish();
      else guard.close();
    }
  }

  return {
    status: res.statusCode ?? 0,
    headers: new NodeHeaders(res.headers),
    body,
    text: () => readBodyText(body(), guard),
    close: () => guard.close(),
  };
}
