import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How one Token360-shaped mock upstream answers. */
export type Token360Behaviour =
  /** Answers like Token360, with its billed `usage.cost` and `cost_details`. */
  | 'billed'
  /** Answers with token counts and a `cost_details` but no `cost` (the gateway must price it). */
  | 'unbilled'
  /** 401: the key the gateway sends is refused. */
  | 'bad-key'
  /** 402 with `x-should-retry: false`: the account has no balance. */
  | 'no-balance';

/** The cost Token360 reports for every billed answer (the price table would say otherwise). */
export const TOKEN360_COST = 0.000123;
export const TOKEN360_COST_DETAILS = { upstream_inference_cost: TOKEN360_COST };
/** The usage of every answer (the reference's example). */
export const TOKEN360_TOKENS = { prompt_tokens: 57, completion_tokens: 7, total_tokens: 64 };
/** The usage of a billed answer, as Token360 sends it. */
export const TOKEN360_BILLED_USAGE = {
  ...TOKEN360_TOKENS,
  cost: TOKEN360_COST,
  cost_details: TOKEN360_COST_DETAILS,
};

/**
 * A local **mock upstream** speaking Token360's chat-completions shapes
 * (`../shared/token360-chat-completions.txt`: `POST /v1/chat/completions`, bearer key, usage with
 * cost). Every path prefix `/<name>/v1` is its own upstream with its own behaviour; it records what
 * each received.
 */
export class MockToken360Upstream {
  readonly #server: Server;
  readonly #behaviour = new Map<string, Token360Behaviour>();
  readonly #received = new Map<string, Record<string, unknown>[]>();
  url = '';

  constructor() {
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  async start(): Promise<this> {
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  /** The base URL of the upstream named `name`, answering as `behaviour`. */
  baseURL(name: string, behaviour: Token360Behaviour): string {
    this.#behaviour.set(name, behaviour);
    return `${this.url}/${name}/v1`;
  }

  /** The chat bodies the upstream named `name` received, oldest first. */
  received(name: string): Record<string, unknown>[] {
    return this.#received.get(name) ?? [];
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const [, name = ''] = (req.url ?? '').split('/');
    let text = '';
    for await (const chunk of req) text += chunk;
    const body = JSON.parse(text) as Record<string, unknown>;
    this.#received.set(name, [...this.received(name), body]);
    const behaviour = this.#behaviour.get(name) ?? 'billed';
    if (behaviour === 'bad-key') {
      const key = req.headers.authorization?.replace('Bearer ', '') ?? '';
      return json(res, 401, {
        error: {
          message: `Incorrect API key provided: ${key}`,
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      });
    }
    if (behaviour === 'no-balance') {
      res.setHeader('x-should-retry', 'false');
      return json(res, 402, {
        error: {
          message: 'Insufficient account balance',
          type: 'insufficient_quota',
          code: 'insufficient_balance',
        },
      });
    }
    const usage =
      behaviour === 'billed'
        ? TOKEN360_BILLED_USAGE
        : { ...TOKEN360_TOKENS, cost_details: TOKEN360_COST_DETAILS };
    const base = { id: 'your-chat-completion-id', created: 1776351874, model: body.model };
    if (body.stream !== true) {
      return json(res, 200, {
        ...base,
        object: 'chat.completion',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'Hello from Token360.' },
            finish_reason: 'stop',
          },
        ],
        usage,
      });
    }
    const event = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
      event({
        ...base,
        object: 'chat.completion.chunk',
        choices: [{ index: 0, delta, finish_reason: finish }],
      });
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(chunk({ role: 'assistant', content: 'Hello from ' }));
    res.write(chunk({ content: 'Token360.' }));
    res.write(chunk({}, 'stop'));
    res.write(event({ ...base, object: 'chat.completion.chunk', choices: [], usage }));
    res.end('data: [DONE]\n\n');
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
