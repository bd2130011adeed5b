import type { ChatCompletion, ChatCompletionRequest, ModelList } from '@switchyard/protocol';
import { APIPromise, type RequestIdentified } from './api-promise.js';
import { ChatCompletionStream } from './chat-completion-stream.js';
import { readJSON } from './read-json.js';
import { type ClientConfig, chatRequest, type RequestOptions, sendRequest } from './send-request.js';

/** Settings of {@link createClient}. */
export interface ClientOptions {
  /** The API root, e.g. `https://api.openai.com/v1` or `http://localhost:8787/v1`. */
  baseURL: string;
  /** Sent as `Authorization: Bearer <apiKey>`; omit for servers without auth. */
  apiKey?: string | null;
  /** Headers sent with every request. */
  headers?: Record<string, string | null | undefined>;
  /** The `fetch` to use (default: the global one, looked up at call time). */
  fetch?: typeof fetch;
  /** Milliseconds one attempt may take, streamed body included (default 600,000). */
  timeout?: number;
  /**
   * Milliseconds a streamed body may stay silent (default 120,000). Raise it for models that
   * think for minutes without sending anything; servers that send keep-alive comments reset it.
   */
  idleTimeout?: number;
  /** Retries of a retryable failure (default 2). */
  maxRetries?: number;
}

/** A chat completion request (the wire body of `POST /chat/completions`). */
export type ChatCompletionCreateParams = ChatCompletionRequest;
/** A request with `stream: true`: `create()` resolves to a {@link ChatCompletionStream}. */
export type ChatCompletionCreateParamsStreaming = ChatCompletionRequest & { stream: true };
/** A request without streaming: `create()` resolves to a {@link ChatCompletion}. */
export type ChatCompletionCreateParamsNonStreaming = ChatCompletionRequest & { stream?: false | null };

/** `client.chat.completions`. */
export interface ChatCompletions {
  /**
   * Creates a chat completion. With `stream: true` it resolves (once the response headers are
   * in) to a {@link ChatCompletionStream}; otherwise to the completion.
   */
  create(
    params: ChatCompletionCreateParamsStreaming,
    options?: RequestOptions,
  ): APIPromise<ChatCompletionStream>;
  create(
    params: ChatCompletionCreateParamsNonStreaming,
    options?: RequestOptions,
  ): APIPromise<ChatCompletion & RequestIdentified>;
  create(
    params: ChatCompletionCreateParams,
    options?: RequestOptions,
  ): APIPromise<ChatCompletionStream | (ChatCompletion & RequestIdentified)>;
}

/** `client.models`. */
export interface Models {
  /** Lists the models the server offers (`GET /models`). */
  list(options?: RequestOptions): APIPromise<ModelList & RequestIdentified>;
}

/** A client of a chat-completions server. */
export interface Client {
  readonly chat: { readonly completions: ChatCompletions };
  readonly models: Models;
}

/**
 * Creates a client of a chat-completions server (Switchyard, Token360, OpenAI, or any
 * compatible one). It uses only `fetch`, so it runs in browsers, Node ≥ 20, Deno and Bun.
 *
 * @example
 * ```ts
 * const client = createClient({ baseURL: 'http://localhost:8787/v1', apiKey: process.env.API_KEY });
 * const completion = await client.chat.completions.create({
 *   model: 'glm-5.1',
 *   messages: [{ role: 'user', content: 'Hello' }],
 * });
 * console.log(completion.choices[0]?.message.content, completion._requestId);
 * ```
 */
export function createClient(options: ClientOptions): Client {
  const config: ClientConfig = {
    baseURL: options.baseURL,
    apiKey: options.apiKey ?? null,
    headers: options.headers ?? {},
    fetch: options.fetch,
    timeout: options.timeout ?? 600_000,
    idleTimeout: options.idleTimeout ?? 120_000,
    maxRetries: options.maxRetries ?? 2,
  };
  const create = (params: ChatCompletionCreateParams, callOptions: RequestOptions = {}) => {
    if (params.stream !== true) {
      return new APIPromise(sendRequest(config, chatRequest(params), callOptions, readJSON));
    }
    const idleTimeout = callOptions.idleTimeout ?? config.idleTimeout;
    return new APIPromise(
      sendRequest(
        config,
        // Usage is asked for unless the caller set `stream_options` (null included).
        chatRequest({ stream_options: { include_usage: true }, ...params }, true),
        callOptions,
        (response, attempt, requestId) => new ChatCompletionStream(response, attempt, requestId, idleTimeout),
      ),
    );
  };

  return {
    chat: { completions: { create: create as ChatCompletions['create'] } },
    models: {
      list: (callOptions = {}) =>
        new APIPromise(
          sendRequest(config, { method: 'GET', path: '/models' }, callOptions, readJSON<ModelList>),
        ),
    },
  };
}
