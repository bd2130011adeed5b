import { request } from 'node:http';

/** An answer read whole. */
export interface Answer {
  readonly status: number;
  readonly body: string;
}

/**
 * One request on a connection of its own (no keep-alive pool): behind `--workers N`, node:cluster
 * hands each new connection to the next worker, so consecutive calls reach the workers in turn.
 * Resolves with status 0 when the connection is refused.
 */
export function onNewConnection(
  url: string,
  path: string,
  options: { key?: string; method?: string; body?: unknown } = {},
): Promise<Answer> {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise<Answer>((resolve) => {
    const req = request(
      `${url}${path}`,
      {
        agent: false,
        method: options.method ?? (body ? 'POST' : 'GET'),
        headers: {
          ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', () => resolve({ status: 0, body: text }));
      },
    );
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.end(body);
  });
}
