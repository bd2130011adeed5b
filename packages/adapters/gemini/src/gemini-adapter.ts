import { randomUUID } from 'node:crypto';
import {
  type AdapterContext,
  type ChatAdapter,
  createUpstreamClient,
  loadApiKey,
  lowerCaseHeaders,
  staticModels,
  type TimeoutSetting,
  type UpstreamRequest,
} from '@switchyard/adapter-kit';
import { type ChatCompletionRequest, type Model, ProtocolError } from '@switchyard/protocol';
import { buildGeminiRequest } from './build-gemini-request.js';
import { decodeGeminiSSE } from './decode-gemini-sse.js';
import type { GeminiGenerateContentResponse } from './gemini-api-types.js';
import { toChatCompletion, toChunk, usageChunk } from './gemini-chat-output.js';
import {
  buildBatchEmbedRequest,
  type GeminiBatchEmbedResponse,
  toEmbeddingResponse,
} from './gemini-embeddings.js';
import { errorFromGemini, invalidRequest } from './gemini-error.js';
import { GeminiResponseTranslator } from './gemini-response-translator.js';

/** Settings of {@link createGeminiAdapter}. */
export interface GeminiAdapterSettings {
  /** Default `https://generativelanguage.googleapis.com/v1beta`. */
  baseURL?: string;
  /** Sent as `x-goog-api-key`. Default: the `apiKeyEnv` variable, read at each request. */
  apiKey?: string;
  /** Environment variable holding the API key, read at each request. Default `GEMINI_API_KEY`. */
  apiKeyEnv?: string;
  /** Extra headers for every upstream request. */
  headers?: Record<string, string>;
  /** A `fetch` for upstream calls (proxies, tests). Default: undici with a keep-alive pool per adapter. */
  fetch?: typeof globalThis.fetch;
  /**
   * What `GET /v1/models` lists. Default: the models of the Gemini API that support
   * `generateContent`, fetched from `{baseURL}/models`.
   */
  models?: ReadonlyArray<string | Model>;
  /**
   * Milliseconds for the whole call (a stream included), or separate `{ total, headers, idle }`
   * limits (adapter-kit's `TimeoutSettings`). Default: 600000 total.
   */
  timeout?: TimeoutSetting;
  /**
   * Largest non-stream answer (or error body), and largest single stream event, read from
   * Gemini. Default 32 MiB; more is a 502 `bad_response` and the connection is released.
   */
  maxResponseBytes?: number;
  /** Provider name in logs and metrics. Default `gemini`. */
  provider?: string;
  /** Makes answer ids when Gemini sends no `responseId`. Default: a random UUID. */
  generateId?: () => string;
}

const DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com/v1beta';
const MODEL_PATH = /^(?:(?:models|tunedModels)\/)?[A-Za-z0-9][\w.-]*$/;

/**
 * A {@link ChatAdapter} for the Gemini API (`generateContent`, `streamGenerateContent?alt=sse`,
 * `batchEmbedContents` for embeddings).
 *
 * @example
 * ```ts
 * import { createGeminiAdapter } from '@switchyard/adapter-gemini';
 * const gemini = createGeminiAdapter({ models: ['gemini-2.5-flash', 'gemini-3-pro-preview'] });
 * // key from GEMINI_API_KEY; serve it with @switchyard/server-kit
 * ```
 */
export function createGeminiAdapter(settings: GeminiAdapterSettings = {}): ChatAdapter {
  const baseURL = (settings.baseURL ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  const generateId = settings.generateId ?? (() => randomUUID().replaceAll('-', ''));
  const provider = settings.provider ?? 'gemini';
  const http = createUpstreamClient({
    provider,
    baseURL,
    fetch: settings.fetch,
    timeout: settings.timeout,
    maxResponseBytes: settings.maxResponseBytes,
    toError: ({ status, body, requestId, retryAfterMs }) =>
      errorFromGemini({ provider, status, body, requestId, retryAfterMs }),
  });

  const requestBody = (chatRequest: ChatCompletionRequest): string =>
    JSON.stringify(buildGeminiRequest(chatRequest, { baseURL }));

  const request = (
    path: string,
    context: { signal: AbortSignal; deadline?: number | undefined; requestId?: string | undefined },
    body?: string,
  ): UpstreamRequest => ({
    path,
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      ...lowerCaseHeaders(settings.headers),
      'x-goog-api-key': loadApiKey({
        apiKey: settings.apiKey,
        apiKeyEnv: settings.apiKeyEnv,
        defaultApiKeyEnv: 'GEMINI_API_KEY',
        adapterName: 'Gemini',
      }),
      accept: path.endsWith('alt=sse') ? 'text/event-stream' : 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(context.requestId ? { 'x-request-id': context.requestId } : {}),
    },
    body,
    signal: context.signal,
    deadline: context.deadline,
    requestId: context.requestId,
  });

  const adapter: ChatAdapter = {
    specificationVersion: 'v1',
    provider,
    capabilities: { tools: true, jsonSchema: true, thinking: true, multipleChoices: true, stop: true },

    async listModels(context) {
      if (settings.models) return staticModels(settings.models, 'google');
      const models: Model[] = [];
      let pageToken: string | undefined;
      do {
        const query = `pageSize=1000${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`;
        const page = (await http.json(request(`/models?${query}`, context))) as GeminiModelPage;
        for (const model of page.models ?? []) {
          if (model.name && model.supportedGenerationMethods?.includes('generateContent')) {
            models.push(...staticModels([model.name.replace(/^models\//, '')], 'google'));
          }
        }
        pageToken = page.nextPageToken || undefined;
      } while (pageToken);
      return models;
    },

    async complete(chatRequest, context) {
      logRequest(context, chatRequest, false);
      const response = (await http.json(
        request(modelPath(chatRequest, 'generateContent'), context, requestBody(chatRequest)),
      )) as GeminiGenerateContentResponse;
      const translator = new GeminiResponseTranslator({ provider, model: chatRequest.model, generateId });
      try {
        const events = [...translator.translate(response), ...translator.end()];
        return toChatCompletion(translator, events);
      } catch (error) {
        throw withRequestId(error, context.requestId);
      }
    },

    async *stream(chatRequest, context) {
      logRequest(context, chatRequest, true);
      const upstream = await http.send(
        request(modelPath(chatRequest, 'streamGenerateContent?alt=sse'), context, requestBody(chatRequest)),
      );
      const events = decodeGeminiSSE(upstream.body(), { maxEventSize: http.maxResponseBytes });
      const translator = new GeminiResponseTranslator({ provider, model: chatRequest.model, generateId });
      let started = false;
      try {
        for await (const response of events) {
          for (const event of translator.translate(response)) {
            started = true;
            yield toChunk(translator, event);
          }
        }
        for (const event of translator.end()) yield toChunk(translator, event);
        const usage = usageChunk(translator);
        if (usage) yield usage;
      } catch (error) {
        throw streamError(error, context, started);
      } finally {
        upstream.close();
      }
    },

    async embed(embedRequest, context) {
      const body = JSON.stringify(buildBatchEmbedRequest(embedRequest, modelName(embedRequest)));
      const answer = (await http.json(
        request(modelPath(embedRequest, 'batchEmbedContents'), context, body),
      )) as GeminiBatchEmbedResponse;
      return toEmbeddingResponse(answer, embedRequest);
    },
  };
  return adapter;
}

interface GeminiModelPage {
  models?: Array<{ name?: string; supportedGenerationMethods?: string[] }>;
  nextPageToken?: string;
}

/** `models/x` (or `tunedModels/x`) for a request's model. */
function modelName(request: { readonly model: string }): string {
  if (!MODEL_PATH.test(request.model)) {
    throw invalidRequest(`model '${request.model}' is not a valid Gemini model name.`, 'model');
  }
  return request.model.includes('/') ? request.model : `models/${request.model}`;
}

function modelPath(request: { readonly model: string }, method: string): string {
  return `/${modelName(request)}:${method}`;
}

function logRequest(context: AdapterContext, request: ChatCompletionRequest, stream: boolean): void {
  context.logger.debug('gemini request', { model: request.model, stream, messages: request.messages.length });
}

function withRequestId<T>(error: T, requestId: string | undefined): T {
  if (ProtocolError.isInstance(error) && requestId && !error.requestId) error.requestId = requestId;
  return error;
}

/** After the first chunk, an error must say so: the server then ends the stream with an error event. */
function streamError(error: unknown, context: AdapterContext, started: boolean): unknown {
  const withId = withRequestId(error, context.requestId);
  return started && ProtocolError.isInstance(withId) && !withId.streamStarted
    ? withId.with({ streamStarted: true })
    : withId;
}
