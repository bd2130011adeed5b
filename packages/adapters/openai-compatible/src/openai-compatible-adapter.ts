import { randomUUID } from 'node:crypto';
import {
  type AdapterCapabilities,
  type AdapterContext,
  type ChatAdapter,
  createUpstreamClient,
  type FetchFunction,
  lazyStream,
  loadApiKey,
  lowerCaseHeaders,
  parseErrorBody,
  staticModels,
  type TimeoutSetting,
  type UpstreamResponse,
} from '@switchyard/adapter-kit';
import {
  accumulateChunks,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  completionToChunks,
  createProtocolError,
  type Model,
} from '@switchyard/protocol';
import { CachedModelList, DEFAULT_MODELS_TTL, readModelList } from './cached-model-list.js';
import { toUpstreamBody } from './convert-request.js';
import { normalizeCompletion } from './normalize-completion.js';
import { type OpenAICompatibleQuirks, resolveQuirks } from './openai-compatible-quirks.js';
import { readEmbeddings } from './read-embeddings.js';
import { repairStream } from './repair-stream.js';
import { errorFromUpstream } from './upstream-error.js';

/** Settings of {@link createOpenAICompatibleAdapter}. */
export interface OpenAICompatibleSettings {
  /** Short provider name for logs and metrics, e.g. `token360`. */
  name: string;
  /** Base URL up to the version segment, e.g. `https://api.token360.ai/v1` (no trailing `/chat/completions`). */
  baseURL: string;
  /** The API key. Prefer `apiKeyEnv` so the key is read at request time, not at startup. */
  apiKey?: string;
  /** Environment variable holding the API key, read on every request. */
  apiKeyEnv?: string;
  /**
   * Whether a request without a key fails (500, not retryable) instead of going out without
   * `Authorization`. Default: true when `apiKey` or `apiKeyEnv` is set.
   */
  apiKeyRequired?: boolean;
  /** Extra headers on every upstream request (they override the defaults). */
  headers?: Record<string, string>;
  /**
   * A `fetch` for upstream calls (proxies, custom dispatchers, tests). Default: undici with a
   * keep-alive connection pool per adapter, which costs a fraction of the global `fetch` per call.
   */
  fetch?: FetchFunction;
  /** A fixed model list for `GET /v1/models`; when absent the upstream's `/models` is used. */
  models?: ReadonlyArray<string | Model>;
  /** Whether to list the upstream's `/models` (default true without `models`), and for how long to cache it. */
  discoverModels?: boolean | { ttl?: number };
  /** Milliseconds for the whole call, or separate `{ total, headers, idle }` limits (adapter-kit's `TimeoutSettings`). */
  timeout?: TimeoutSetting;
  /**
   * Largest non-stream answer, and largest single stream event, read from the upstream (default
   * 32 MiB); more is a 502 `bad_response`.
   */
  maxResponseBytes?: number;
  /** Request-side differences from OpenAI's wire format. */
  quirks?: OpenAICompatibleQuirks;
  /** What the upstream can do (the conformance kit reads this). */
  capabilities?: AdapterCapabilities;
}

const NO_SIGNAL = new AbortController().signal;

/**
 * Creates a {@link ChatAdapter} for any OpenAI-compatible `POST /chat/completions` upstream.
 *
 * Requests are forwarded field for field (unknown fields included) with the configured quirks
 * applied; streams always ask the upstream for usage; answers are repaired into the protocol's
 * wire shape (see the README for the list). Upstream failures become protocol errors with the
 * right status and `isRetryable`.
 *
 * @example
 * ```ts
 * const adapter = createOpenAICompatibleAdapter({
 *   name: 'vllm',
 *   baseURL: 'http://127.0.0.1:8000/v1',
 *   quirks: { thinking: 'chat-template-kwargs' },
 * });
 * ```
 */
export function createOpenAICompatibleAdapter(settings: OpenAICompatibleSettings): ChatAdapter {
  const provider = settings.name;
  const quirks = resolveQuirks(settings.quirks);
  const keyRequired =
    settings.apiKeyRequired ?? (settings.apiKey !== undefined || settings.apiKeyEnv !== undefined);
  const apiKey = (required = keyRequired) =>
    loadApiKey({ apiKey: settings.apiKey, apiKeyEnv: settings.apiKeyEnv, adapterName: provider, required });
  const extraHeaders = lowerCaseHeaders(settings.headers);
  const http = createUpstreamClient({
    provider,
    baseURL: settings.baseURL,
    fetch: settings.fetch,
    timeout: settings.timeout,
    maxResponseBytes: settings.maxResponseBytes,
    toError: (answer) => {
      const key = apiKey(false);
      return errorFromUpstream({ ...answer, provider, redact: key === undefined ? [] : [key] });
    },
  });

  const send = async (
    method: 'GET' | 'POST',
    path: string,
    call: {
      body?: string;
      stream: boolean;
      signal: AbortSignal;
      deadline?: number | undefined;
      requestId?: string;
    },
  ): Promise<{ upstream: UpstreamResponse; key: string | undefined }> => {
    const key = apiKey();
    // Set one by one, not spread: on V8 every spread after the first defines its keys through the
    // runtime (~1 µs a key), and this runs for every upstream call.
    const headers: Record<string, string> = {
      accept: call.stream ? 'text/event-stream' : 'application/json',
    };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    if (key) headers.authorization = `Bearer ${key}`;
    if (call.requestId) headers['x-request-id'] = call.requestId;
    Object.assign(headers, extraHeaders);
    return { upstream: await http.send({ path, method, headers, ...call }), key };
  };

  const requestBody = (request: ChatCompletionRequest, stream: boolean, context: AdapterContext): string =>
    JSON.stringify(
      toUpstreamBody(request, {
        stream,
        quirks,
        warn: (message, fields) => context.logger.warn(message, { provider, ...fields }),
      }),
    );

  const postChat = (request: ChatCompletionRequest, stream: boolean, context: AdapterContext) => {
    context.logger.debug('upstream request', { provider, model: request.model, stream });
    return send('POST', '/chat/completions', {
      body: requestBody(request, stream, context),
      stream,
      signal: context.signal,
      deadline: context.deadline,
      requestId: context.requestId,
    });
  };

  const discovery = settings.discoverModels ?? true;
  const catalog =
    settings.models === undefined && discovery !== false
      ? new CachedModelList(
          async () => {
            const { upstream } = await send('GET', '/models', { stream: false, signal: NO_SIGNAL });
            const models = readModelList(parseErrorBody(await upstream.text()), provider);
            if (!models) {
              throw createProtocolError({
                message: `The ${provider} upstream answered GET /models with something other than a model list.`,
                code: 'bad_response',
              });
            }
            return models;
          },
          typeof discovery === 'object' ? (discovery.ttl ?? DEFAULT_MODELS_TTL) : DEFAULT_MODELS_TTL,
        )
      : undefined;
  const fixedModels = staticModels(settings.models ?? [], provider);

  return {
    specificationVersion: 'v1',
    provider,
    capabilities: settings.capabilities ?? {
      tools: true,
      jsonSchema: true,
      thinking: quirks.thinking !== 'unsupported',
      multipleChoices: true,
      stop: true,
    },

    async listModels(context) {
      return catalog ? catalog.list(context.signal) : fixedModels;
    },

    async complete(request, context): Promise<ChatCompletion> {
      const { upstream, key } = await postChat(request, false, context);
      try {
        if ((upstream.headers.get('content-type') ?? '').includes('text/event-stream')) {
          // An upstream that streams whatever was asked.
          return await accumulateChunks(
            repairStream(upstream.body(), {
              requestId: context.requestId,
              model: request.model,
              generateId,
              maxEventSize: http.maxResponseBytes,
            }),
          );
        }
        const text = await upstream.text();
        return normalizeCompletion(text, {
          provider,
          requestId: context.requestId,
          model: request.model,
          headers: upstream.headers,
          redact: key ? [key] : [],
          generateId,
        });
      } finally {
        upstream.close();
      }
    },

    stream(request, context) {
      return lazyStream(async () => {
        const { upstream, key } = await postChat(request, true, context);
        const close = () => upstream.close();
        if (!(upstream.headers.get('content-type') ?? '').includes('application/json')) {
          // Reading the body to its end, or stopping early, also ends the upstream call.
          const items = repairStream(upstream.body(), {
            requestId: context.requestId,
            model: request.model,
            generateId,
            maxEventSize: http.maxResponseBytes,
          });
          return { items, close };
        }
        // An upstream that ignores `stream: true` answers with a whole completion.
        try {
          const completion = normalizeCompletion(await upstream.text(), {
            provider,
            requestId: context.requestId,
            model: request.model,
            headers: upstream.headers,
            redact: key ? [key] : [],
            generateId,
          });
          return { items: chunksOf(completion), close };
        } finally {
          close();
        }
      });
    },

    // Passed through as it came: the upstream's own model decides what it embeds.
    async embed(request, context) {
      const { upstream } = await send('POST', '/embeddings', {
        body: JSON.stringify(request),
        stream: false,
        signal: context.signal,
        deadline: context.deadline,
        requestId: context.requestId,
      });
      try {
        return readEmbeddings(await upstream.text(), provider, context.requestId);
      } finally {
        upstream.close();
      }
    },
  };
}

async function* chunksOf(completion: ChatCompletion): AsyncGenerator<ChatCompletionChunk> {
  for (const chunk of completionToChunks(completion, { includeUsage: true })) {
    if (chunk.usage === null) delete chunk.usage;
    yield chunk;
  }
}

function generateId(): string {
  return randomUUID().replaceAll('-', '').slice(0, 24);
}
