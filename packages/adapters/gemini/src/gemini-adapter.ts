import { randomUUID } from 'node:crypto';
import {
  AbortError,
  type ChatCompletionRequest,
  ConnectionError,
  createProtocolError,
  ErrorCode,
  type Model,
  ProtocolError,
  ServerError,
  TimeoutError,
} from '@switchyard/protocol';
import {
  type AdapterContext,
  type ChatAdapter,
  DEFAULT_MAX_RESPONSE_BYTES,
  readLimitedText,
} from '@switchyard/server-kit';
import { buildGeminiRequest } from './build-gemini-request.js';
import { decodeGeminiSSE } from './decode-gemini-sse.js';
import type { GeminiGenerateContentResponse } from './gemini-api-types.js';
import { toChatCompletion, toChunk, usageChunk } from './gemini-chat-output.js';
import { errorFromGemini, invalidRequest } from './gemini-error.js';
import { GeminiResponseTranslator } from './gemini-response-translator.js';

/** Settings of {@link createGeminiAdapter}. */
export interface GeminiAdapterSettings {
  /** Default `https://generativelanguage.googleapis.com/v1beta`. */
  baseURL?: string;
  /** Sent as `x-goog-api-key`. Default: `GEMINI_API_KEY`, read at each request. */
  apiKey?: string;
  /** Extra headers for every upstream request. */
  headers?: Record<string, string>;
  /** A `fetch` implementation (proxies, tests). Default: the global `fetch`. */
  fetch?: typeof globalThis.fetch;
  /**
   * What `GET /v1/models` lists. Default: the models of the Gemini API that support
   * `generateContent`, fetched from `{baseURL}/models`.
   */
  models?: ReadonlyArray<string | Model>;
  /** Milliseconds to wait for Gemini to start answering (a whole non-stream answer). Default 600,000. */
  timeout?: number;
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
 * A {@link ChatAdapter} for the Gemini API (`generateContent`, `streamGenerateContent?alt=sse`).
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
  const timeout = settings.timeout ?? 600_000;
  const maxBytes = settings.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const generateId = settings.generateId ?? (() => randomUUID().replaceAll('-', ''));
  const fetchImpl = settings.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const provider = settings.provider ?? 'gemini';

  const headersFor = (requestId: string | undefined, accept: string): Headers => {
    const apiKey = settings.apiKey ?? process.env.GEMINI_API_KEY;
    if (!apiKey) {
      throw new ServerError({
        message: 'The Gemini adapter has no API key: set GEMINI_API_KEY or pass apiKey.',
        code: ErrorCode.serverError,
        retryable: false,
      });
    }
    const headers = new Headers(settings.headers);
    headers.set('x-goog-api-key', apiKey);
    headers.set('accept', accept);
    if (requestId) headers.set('x-request-id', requestId);
    return headers;
  };

  /**
   * Sends one request. The timeout covers the wait for the response head and whatever `read`
   * awaits (the whole body of a non-stream answer), not a stream being consumed afterwards.
   */
  const send = async <T>(
    url: string,
    init: { method: string; headers: Headers; body?: string },
    signal: AbortSignal,
    requestId: string | undefined,
    read: (response: Response) => Promise<T>,
  ): Promise<T> => {
    const timer = new AbortController();
    const handle = setTimeout(() => timer.abort(), timeout);
    const combined = AbortSignal.any([signal, timer.signal]);
    try {
      let response: Response;
      try {
        response = await fetchImpl(url, { ...init, signal: combined });
      } catch (error) {
        throw transportError(error, signal, timer.signal, requestId);
      }
      if (!response.ok) throw await upstreamError(response, provider, requestId, maxBytes);
      try {
        return await read(response);
      } catch (error) {
        throw transportError(error, signal, timer.signal, requestId);
      }
    } finally {
      clearTimeout(handle);
    }
  };

  const adapter: ChatAdapter = {
    specificationVersion: 'v1',
    provider,
    capabilities: { tools: true, jsonSchema: true, thinking: true, multipleChoices: true, stop: true },

    async listModels(context) {
      if (settings.models) return settings.models.map(toModel);
      const models: Model[] = [];
      let pageToken: string | undefined;
      do {
        const query = `pageSize=1000${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`;
        const page = await send(
          `${baseURL}/models?${query}`,
          { method: 'GET', headers: headersFor(context.requestId, 'application/json') },
          context.signal,
          context.requestId,
          (response) => readJson<GeminiModelPage>(response, maxBytes),
        );
        for (const model of page.models ?? []) {
          if (model.name && model.supportedGenerationMethods?.includes('generateContent')) {
            models.push(toModel(model.name.replace(/^models\//, '')));
          }
        }
        pageToken = page.nextPageToken || undefined;
      } while (pageToken);
      return models;
    },

    async complete(request, context) {
      const { url, body } = prepare(request, baseURL, 'generateContent');
      logRequest(context, request, false);
      const response = await send(
        url,
        { method: 'POST', headers: jsonHeaders(headersFor(context.requestId, 'application/json')), body },
        context.signal,
        context.requestId,
        (response) => readJson<GeminiGenerateContentResponse>(response, maxBytes),
      );
      const translator = new GeminiResponseTranslator({ provider, model: request.model, generateId });
      try {
        const events = [...translator.translate(response), ...translator.end()];
        return toChatCompletion(translator, events);
      } catch (error) {
        throw withRequestId(error, context.requestId);
      }
    },

    async *stream(request, context) {
      const { url, body } = prepare(request, baseURL, 'streamGenerateContent?alt=sse');
      logRequest(context, request, true);
      const events = await send(
        url,
        { method: 'POST', headers: jsonHeaders(headersFor(context.requestId, 'text/event-stream')), body },
        context.signal,
        context.requestId,
        async (response) => {
          if (!response.body)
            throw createProtocolError({ message: 'Gemini sent no body.', code: ErrorCode.badResponse });
          return decodeGeminiSSE(response.body, { maxEventSize: maxBytes });
        },
      );
      const translator = new GeminiResponseTranslator({ provider, model: request.model, generateId });
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
      }
    },
  };
  return adapter;
}

interface GeminiModelPage {
  models?: Array<{ name?: string; supportedGenerationMethods?: string[] }>;
  nextPageToken?: string;
}

function toModel(model: string | Model): Model {
  return typeof model === 'string' ? { id: model, object: 'model', created: 0, owned_by: 'google' } : model;
}

function prepare(
  request: ChatCompletionRequest,
  baseURL: string,
  method: string,
): { url: string; body: string } {
  if (!MODEL_PATH.test(request.model)) {
    throw invalidRequest(`model '${request.model}' is not a valid Gemini model name.`, 'model');
  }
  const path = request.model.includes('/') ? request.model : `models/${request.model}`;
  const body = JSON.stringify(buildGeminiRequest(request, { baseURL }));
  return { url: `${baseURL}/${path}:${method}`, body };
}

function jsonHeaders(headers: Headers): Headers {
  headers.set('content-type', 'application/json');
  return headers;
}

function logRequest(context: AdapterContext, request: ChatCompletionRequest, stream: boolean): void {
  context.logger.debug('gemini request', { model: request.model, stream, messages: request.messages.length });
}

async function readJson<T>(response: Response, maxBytes: number): Promise<T> {
  const text = await readLimitedText(response.body, { maxBytes, source: 'Gemini' });
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw createProtocolError({
      message: `Gemini answered with a body that is not JSON: ${text.slice(0, 120)}`,
      code: ErrorCode.badResponse,
      cause,
    });
  }
}

async function upstreamError(
  response: Response,
  provider: string,
  requestId: string | undefined,
  maxBytes: number,
): Promise<ProtocolError> {
  // An unreadable or oversized error body is dropped: the status alone still says what happened.
  const text = await readLimitedText(response.body, { maxBytes, source: 'Gemini' }).catch(() => '');
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's HTML page): the status alone decides.
  }
  return errorFromGemini({
    provider,
    status: response.status,
    body,
    requestId: requestId ?? null,
    retryAfter: response.headers.get('retry-after'),
  });
}

function transportError(
  error: unknown,
  signal: AbortSignal,
  timer: AbortSignal,
  requestId: string | undefined,
): ProtocolError {
  if (ProtocolError.isInstance(error)) return withRequestId(error, requestId);
  if (signal.aborted) {
    return new AbortError({
      message: 'The request was aborted.',
      code: ErrorCode.aborted,
      requestId,
      cause: error,
    });
  }
  if (timer.aborted) {
    return new TimeoutError({
      message: 'Gemini did not answer in time.',
      code: ErrorCode.timeout,
      requestId,
      cause: error,
    });
  }
  return new ConnectionError({
    message: 'Could not reach the Gemini API.',
    code: ErrorCode.connectionError,
    requestId,
    cause: error,
  });
}

function withRequestId<T>(error: T, requestId: string | undefined): T {
  if (ProtocolError.isInstance(error) && requestId && !error.requestId) error.requestId = requestId;
  return error;
}

/** After the first chunk, an error must say so: the server then ends the stream with an error event. */
function streamError(error: unknown, context: AdapterContext, started: boolean): unknown {
  let mapped: unknown = error;
  if (!ProtocolError.isInstance(error)) {
    if (context.signal.aborted) {
      mapped = new AbortError({ message: 'The request was aborted.', code: ErrorCode.aborted, cause: error });
    } else {
      mapped = new ConnectionError({
        message: 'The connection to the Gemini API broke during the stream.',
        code: ErrorCode.connectionError,
        cause: error,
      });
    }
  }
  const protocolError = mapped as ProtocolError;
  if (started && !protocolError.streamStarted) {
    return createProtocolError({
      message: protocolError.message,
      code: protocolError.code,
      status: protocolError.status,
      type: protocolError.type,
      param: protocolError.param,
      requestId: protocolError.requestId ?? context.requestId,
      retryable: protocolError.isRetryable,
      ...(protocolError.retryAfterMs === undefined ? {} : { retryAfterMs: protocolError.retryAfterMs }),
      streamStarted: true,
      cause: protocolError,
    });
  }
  return withRequestId(protocolError, context.requestId);
}
