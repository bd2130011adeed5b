import {
  AbortError,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  ConnectionError,
  createProtocolError,
  ErrorCode,
  type Model,
  ProtocolError,
  readSSEMessages,
  ServerError,
  TimeoutError,
} from '@switchyard/protocol';
import {
  type AdapterCapabilities,
  type ChatAdapter,
  DEFAULT_MAX_RESPONSE_BYTES,
  type Logger,
  readLimitedText,
} from '@switchyard/server-kit';
import { z } from 'zod';
import { type AnthropicMessagesRequest, AnthropicResponseSchema } from './anthropic-api-types.js';
import { anthropicErrorFromResponse } from './anthropic-error.js';
import type { StructuredOutputMode } from './anthropic-model-capabilities.js';
import { AnthropicStreamConverter } from './anthropic-stream-converter.js';
import { convertAnthropicResponse } from './convert-anthropic-response.js';
import { convertToAnthropicRequest } from './convert-to-anthropic-request.js';

const DEFAULT_BASE_URL = 'https://api.anthropic.com/v1';
const DEFAULT_VERSION = '2023-06-01';
const DEFAULT_MAX_TOKENS = 4096;
const DEFAULT_THINKING_BUDGET = 4096;
const DEFAULT_TIMEOUT = 600_000;

/** Settings of {@link createAnthropicAdapter}; every field is optional. */
export interface AnthropicAdapterSettings {
  /** Messages API base URL. Default `https://api.anthropic.com/v1`. */
  baseURL?: string;
  /** API key sent as `x-api-key`. Default: `ANTHROPIC_API_KEY`, read at each request. */
  apiKey?: string;
  /** Extra headers for every upstream request (e.g. `anthropic-beta`). */
  headers?: Record<string, string>;
  /** The fetch implementation. Default: the global `fetch`. */
  fetch?: typeof globalThis.fetch;
  /** The `anthropic-version` header. Default `2023-06-01`. */
  anthropicVersion?: string;
  /**
   * The models `listModels` reports. Default: fetched from `GET {baseURL}/models` at each call.
   */
  models?: readonly (string | Model)[];
  /** `max_tokens` when a request sets no limit (Anthropic requires one). Default 4096. */
  defaultMaxTokens?: number;
  /** Thinking budget when thinking is on without a budget or `reasoning_effort`. Default 4096. */
  defaultThinkingBudget?: number;
  /**
   * Milliseconds to wait for the response headers and, without streaming, the body; while
   * streaming, the longest silence between two events. Default 600000.
   */
  timeout?: number;
  /**
   * Largest non-stream answer (or error body), and largest single stream event, read from
   * Anthropic. Default 32 MiB; more is a 502 `bad_response` and the connection is released.
   */
  maxResponseBytes?: number;
  /**
   * How `response_format: json_schema` is delivered: `native` (`output_config.format`), `tool`
   * (a forced tool named `json`), or `auto` (native for Claude Opus ≥ 4.1, Sonnet ≥ 4.5,
   * Haiku ≥ 4.5 and later generations). Default `auto`.
   */
  structuredOutputs?: 'auto' | StructuredOutputMode;
  /** The provider name used in logs and metrics. Default `anthropic`. */
  provider?: string;
}

const CAPABILITIES: AdapterCapabilities = {
  tools: true,
  jsonSchema: true,
  thinking: true,
  multipleChoices: false,
  stop: true,
  deterministic: false,
};

const ModelsPageSchema = z.looseObject({
  data: z.array(z.looseObject({ id: z.string(), created_at: z.string().nullish() })),
});

/**
 * Creates a {@link ChatAdapter} for the Anthropic Messages API (or any server that speaks it).
 * Requests are translated to `POST {baseURL}/messages`; answers, streams, usage and errors are
 * translated back to the chat-completions protocol.
 *
 * @example
 * ```ts
 * import { createAnthropicAdapter } from '@switchyard/adapter-anthropic';
 *
 * const adapter = createAnthropicAdapter({ defaultMaxTokens: 8192 });
 * // uses ANTHROPIC_API_KEY; pass the adapter to a server-kit chat server or the gateway
 * ```
 */
export function createAnthropicAdapter(settings: AnthropicAdapterSettings = {}): ChatAdapter {
  const baseURL = (settings.baseURL ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  const timeout = settings.timeout ?? DEFAULT_TIMEOUT;
  const maxBytes = settings.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const requestOptions = {
    defaultMaxTokens: settings.defaultMaxTokens ?? DEFAULT_MAX_TOKENS,
    defaultThinkingBudget: settings.defaultThinkingBudget ?? DEFAULT_THINKING_BUDGET,
    structuredOutputs: settings.structuredOutputs ?? 'auto',
  };
  const provider = settings.provider ?? 'anthropic';

  const headers = (requestId: string | undefined): Record<string, string> => {
    const apiKey = settings.apiKey ?? process.env.ANTHROPIC_API_KEY;
    if (!apiKey) {
      throw new ServerError({
        message: 'The Anthropic adapter has no API key: set ANTHROPIC_API_KEY or pass apiKey.',
        code: ErrorCode.serverError,
        retryable: false,
      });
    }
    return {
      accept: 'application/json',
      'content-type': 'application/json',
      'anthropic-version': settings.anthropicVersion ?? DEFAULT_VERSION,
      ...settings.headers,
      ...(requestId ? { 'x-request-id': requestId } : {}),
      'x-api-key': apiKey,
    };
  };

  /** Sends one request; resolves with a 2xx response, throws a protocol error otherwise. */
  const send = async (
    path: string,
    init: { method: 'GET' | 'POST'; body?: AnthropicMessagesRequest },
    call: UpstreamCall,
  ): Promise<Response> => {
    const fetchImpl = settings.fetch ?? globalThis.fetch;
    let response: Response;
    try {
      response = await fetchImpl(`${baseURL}${path}`, {
        method: init.method,
        headers: headers(call.requestId),
        ...(init.body ? { body: JSON.stringify(init.body) } : {}),
        signal: call.signal,
      });
    } catch (error) {
      throw call.failure(error, false);
    }
    call.upstreamRequestId = response.headers.get('request-id');
    if (response.ok) return response;
    // An oversized error body is dropped: the status alone still says what happened.
    const text = await readLimitedText(response.body, { maxBytes, source: 'Anthropic' }).catch(
      (error: unknown) => {
        if (ProtocolError.isInstance(error)) return '';
        throw call.failure(error, false);
      },
    );
    const error = anthropicErrorFromResponse(text, {
      provider,
      status: response.status,
      headers: response.headers,
      requestId: call.upstreamRequestId,
    });
    call.logger?.warn('anthropic error response', {
      status: response.status,
      code: error.code,
      upstreamRequestId: call.upstreamRequestId,
    });
    throw error;
  };

  const convert = (request: ChatCompletionRequest) => convertToAnthropicRequest(request, requestOptions);

  return {
    specificationVersion: 'v1',
    provider,
    capabilities: CAPABILITIES,

    async listModels(context): Promise<Model[]> {
      if (settings.models) {
        return settings.models.map((model) =>
          typeof model === 'string' ? { id: model, object: 'model', created: 0, owned_by: provider } : model,
        );
      }
      const call = new UpstreamCall(context.signal, timeout, context.requestId);
      try {
        const response = await send('/models?limit=1000', { method: 'GET' }, call);
        const page = ModelsPageSchema.safeParse(await readJson(response, call, maxBytes));
        if (!page.success) throw badResponse('Anthropic sent a model list this adapter cannot read.', call);
        const models: Model[] = [];
        const seen = new Set<string>();
        for (const model of page.data.data) {
          const created = model.created_at ? Math.floor(Date.parse(model.created_at) / 1000) || 0 : 0;
          // Anthropic lists dated ids only; requests usually name the alias (`claude-sonnet-4-5`).
          for (const id of [model.id, modelAlias(model.id)]) {
            if (id === undefined || seen.has(id)) continue;
            seen.add(id);
            models.push({ id, object: 'model', created, owned_by: provider });
          }
        }
        return models;
      } finally {
        call.dispose();
      }
    },

    async complete(request, context): Promise<ChatCompletion> {
      const converted = convert(request);
      const call = new UpstreamCall(context.signal, timeout, context.requestId, context.logger);
      try {
        context.logger.debug('anthropic request', { model: request.model, stream: false });
        const response = await send('/messages', { method: 'POST', body: converted.body }, call);
        const parsed = AnthropicResponseSchema.safeParse(await readJson(response, call, maxBytes));
        if (!parsed.success) throw badResponse('Anthropic sent a message this adapter cannot read.', call);
        context.logger.debug('anthropic response', { upstreamRequestId: call.upstreamRequestId });
        return convertAnthropicResponse(parsed.data, { jsonTool: converted.jsonTool, created: nowSeconds() });
      } finally {
        call.dispose();
      }
    },

    async *stream(request, context): AsyncGenerator<ChatCompletionChunk, void, undefined> {
      const converted = convert(request);
      const call = new UpstreamCall(context.signal, timeout, context.requestId, context.logger);
      try {
        context.logger.debug('anthropic request', { model: request.model, stream: true });
        const response = await send(
          '/messages',
          { method: 'POST', body: { ...converted.body, stream: true } },
          call,
        );
        if (!response.body) throw badResponse('Anthropic sent a stream response without a body.', call);
        const converter = new AnthropicStreamConverter({
          model: request.model,
          created: nowSeconds(),
          jsonTool: converted.jsonTool,
          requestId: call.upstreamRequestId,
        });
        call.restartTimer();
        try {
          for await (const { data } of readSSEMessages(response.body, { maxEventSize: maxBytes })) {
            call.restartTimer();
            for (const chunk of converter.pushData(data)) yield chunk;
          }
        } catch (error) {
          throw call.failure(error, converter.hasStarted);
        }
        for (const chunk of converter.end()) yield chunk;
        context.logger.debug('anthropic stream finished', { upstreamRequestId: call.upstreamRequestId });
      } finally {
        call.dispose();
      }
    },
  };
}

/**
 * The signal, timer and upstream request id of one upstream call. The timer aborts the call when
 * the upstream stays silent for `timeout` ms; `failure` says whether that, the caller's signal or
 * the network ended it.
 */
class UpstreamCall {
  readonly signal: AbortSignal;
  upstreamRequestId: string | null = null;
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timedOut = false;

  constructor(
    private readonly callerSignal: AbortSignal,
    private readonly timeout: number,
    readonly requestId: string | undefined,
    readonly logger?: Logger,
  ) {
    this.signal = AbortSignal.any([callerSignal, this.controller.signal]);
    this.restartTimer();
  }

  restartTimer(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort();
    }, this.timeout);
  }

  dispose(): void {
    clearTimeout(this.timer);
    // Releases the upstream connection if the consumer stopped early.
    this.controller.abort();
  }

  failure(error: unknown, streamStarted: boolean): ProtocolError {
    if (ProtocolError.isInstance(error)) {
      return streamStarted && !error.streamStarted ? error.with({ streamStarted }) : error;
    }
    const requestId = this.upstreamRequestId;
    if (this.callerSignal.aborted) {
      return new AbortError({
        message: 'The request was aborted.',
        code: ErrorCode.aborted,
        requestId,
        streamStarted,
      });
    }
    if (this.timedOut) {
      return new TimeoutError({
        message: `Anthropic sent nothing for ${this.timeout} ms.`,
        code: ErrorCode.timeout,
        requestId,
        streamStarted,
      });
    }
    const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
    const detail = cause?.code ?? cause?.message ?? (error as Error | undefined)?.message ?? 'unknown error';
    return new ConnectionError({
      message: `The connection to Anthropic failed: ${String(detail)}.`,
      code: ErrorCode.connectionError,
      requestId,
      streamStarted,
      cause: error,
    });
  }
}

async function readJson(response: Response, call: UpstreamCall, maxBytes: number): Promise<unknown> {
  let text: string;
  try {
    text = await readLimitedText(response.body, {
      maxBytes,
      source: 'Anthropic',
      requestId: call.upstreamRequestId,
    });
  } catch (error) {
    throw call.failure(error, false);
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw badResponse(`Anthropic sent a body that is not JSON: ${text.slice(0, 120)}`, call, cause);
  }
}

function badResponse(message: string, call: UpstreamCall, cause?: unknown): ProtocolError {
  return createProtocolError({
    message,
    code: ErrorCode.badResponse,
    requestId: call.upstreamRequestId,
    cause,
  });
}

/** The alias of a dated model id: `claude-sonnet-4-5-20250929` → `claude-sonnet-4-5`, 3.x → `-latest`. */
function modelAlias(id: string): string | undefined {
  const match = /^(.*)-\d{8}$/.exec(id);
  if (!match) return undefined;
  const base = match[1] as string;
  return base.startsWith('claude-3') ? `${base}-latest` : base;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
