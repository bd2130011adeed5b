import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What an upstream does with its next requests. */
export type Behaviour =
  | 'ok'
  /** 503 with an OpenAI-style error body. */
  | 'unavailable'
  /** Destroys the connection before sending anything. */
  | 'reset'
  /** Accepts the request and never answers. */
  | 'hang'
  /** Streams two chunks, then destroys the connection (non-stream: half a body, then destroys). */
  | 'break'
  /** Answers only the models it lists (`listModels`); 404 `model_not_found` for any other. */
  | 'strict'
  /** Streams two chunks, then sends nothing more (the connection stays open). */
  | 'stall'
  /** Streams the answer to its `finish_reason`, then holds the usage chunk until `release(name)`. */
  | 'late-usage'
  /** Streams the answer to its `finish_reason`, then sends nothing more (no usage, no end). */
  | 'no-usage';

interface UpstreamState {
  behaviour: Behaviour;
  hits: number;
  /** Streams being answered right now (their connection still open). */
  streaming: number;
  /** Ends of `late-usage` streams waiting for `release`. */
  held: (() => void)[];
  /** What `GET /v1/models` lists. */
  models: string[];
  /** The last request body and authorization header it received. */
  lastBody?: Record<string, unknown>;
  lastAuthorization?: string | undefined;
  /** The W3C `traceparent` header of the last request, if it had one. */
  lastTraceparent?: string | undefined;
}

/**
 * A local OpenAI-compatible upstream for routing tests: every path prefix `/<name>/v1` is its own
 * upstream, with a behaviour the test switches and a hit count the test reads.
 */
export class MockUpstream {
  readonly #server: Server;
  readonly #state = new Map<string, UpstreamState>();
  readonly #sockets = new Set<import('node:net').Socket>();
  url = '';

  constructor() {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  async start(): Promise<this> {
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  /** The base URL of the upstream named `name` (for a provider's `baseURL`). */
  baseURL(name: string): string {
    return `${this.url}/${name}/v1`;
  }

  behave(name: string, behaviour: Behaviour): void {
    this.#of(name).behaviour = behaviour;
  }

  listModels(name: string, ids: string[]): void {
    this.#of(name).models = ids;
  }

  /** Sends the usage chunk (and the end) of every `late-usage` stream waiting for it. */
  release(name: string): void {
    for (const end of this.#of(name).held.splice(0)) end();
  }

  /** The `traceparent` header of the last chat request `name` received. */
  lastTraceparent(name: string): string | undefined {
    return this.#of(name).lastTraceparent;
  }

  hits(name: string): number {
    return this.#of(name).hits;
  }

  last(name: string): UpstreamState {
    return this.#of(name);
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  #of(name: string): UpstreamState {
    let state = this.#state.get(name);
    if (!state) {
      state = { behaviour: 'ok', hits: 0, streaming: 0, held: [], models: ['m'] };
      this.#state.set(name, state);
    }
    return state;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const [, name = '', ...rest] = (req.url ?? '').split('/');
    const path = `/${rest.join('/')}`;
    const state = this.#of(name);
    let text = '';
    for await (const chunk of req) text += chunk;
    if (path === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      const data = state.models.map((id) => ({ id, object: 'model', created: 1, owned_by: name }));
      res.end(JSON.stringify({ object: 'list', data }));
      return;
    }
    state.hits += 1;
    state.lastAuthorization = req.headers.authorization;
    state.lastTraceparent = req.headers.traceparent as string | undefined;
    const body = JSON.parse(text) as Record<string, unknown>;
    state.lastBody = body;
    const model = String(body.model);
    if (state.behaviour === 'strict' && !state.models.includes(model)) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: {
            message: `The model '${model}' does not exist`,
            type: 'invalid_request_error',
            param: 'model',
            code: 'model_not_found',
          },
        }),
      );
      return;
    }
    switch (state.behaviour) {
      case 'unavailable':
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: { message: `${name} is overloaded`, type: 'server_error', param: null, code: null },
          }),
        );
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'hang':
        return;
      default:
        break;
    }
    const id = `chatcmpl-${name}`;
    const text1 = `answer from ${name}`;
    const usage = { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 };
    if (body.stream !== true) {
      const completion = JSON.stringify({
        id,
        object: 'chat.completion',
        created: 1,
        model,
        choices: [
          { index: 0, message: { role: 'assistant', content: text1 }, logprobs: null, finish_reason: 'stop' },
        ],
        usage,
      });
      if (state.behaviour === 'break') {
        res.writeHead(200, {
          'content-type': 'application/json',
          'content-length': String(completion.length),
        });
        res.write(completion.slice(0, 40));
        setTimeout(() => req.socket.destroy(), 20);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(completion);
      return;
    }
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    state.streaming += 1;
    res.on('close', () => {
      state.streaming -= 1;
    });
    res.write(chunk({ role: 'assistant', content: '' }));
    res.write(chunk({ content: 'answer' }));
    if (state.behaviour === 'break') {
      setTimeout(() => req.socket.destroy(), 50);
      return;
    }
    if (state.behaviour === 'stall') return;
    res.write(chunk({ content: ` from ${name}` }));
    res.write(chunk({}, 'stop'));
    if (state.behaviour === 'no-usage') return;
    const end = () => {
      res.write(
        `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 1, model, choices: [], usage })}\n\n`,
      );
      res.end('data: [DONE]\n\n');
    };
    if (state.behaviour === 'late-usage') state.held.push(end);
    else end();
  }
}
