import {
  type AdapterCapabilities,
  type ChatAdapter,
  createUpstreamClient,
  loadApiKey,
  MESSAGES_DOOR,
  type MessagesDoorNative,
  messagesDoorNative,
  type NativeSSEFrame,
  readJson,
  staticModels,
  type TimeoutSetting,
  type UpstreamResponse,
  withNativeBody,
  withNativeFrames,
} from '@switchyard/adapter-kit';
import {
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  createProtocolError,
  ErrorCode,
  type Model,
  ProtocolError,
  readSSEMessages,
} from '@switchyard/protocol';
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

/** Settings of {@link createAnthropicAdapter}; every field is optional. */
export interface AnthropicAdapterSettings {
  /** Messages API base URL. Default `https://api.anthropic.com/v1`. */
  baseURL?: string;
  /** API key sent as `x-api-key`. Default: the `apiKeyEnv` variable, read at each request. */
  apiKey?: string;
  /** Environment variable holding the API key, read at each request. Default `ANTHROPIC_API_KEY`. */
  apiKeyEnv?: string;
  /** Extra headers for every upstream request (e.g. `anthropic-beta`). */
  headers?: Record<string, string>;
  /** A `fetch` for upstream calls (proxies, tests). Default: undici with a keep-alive pool per adapter. */
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
   * Milliseconds for the whole call (a stream included), or separate `{ total, headers, idle }`
   * limits (adapter-kit's `TimeoutSettings`). Default: 600000 total. For a long stream that must
   * only not go silent, use `{ total: <long>, idle: <gap> }`.
   */
  timeout?: TimeoutSetting;
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
  nativeDoors: [MESSAGES_DOOR],
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
  const requestOptions = {
    defaultMaxTokens: settings.defaultMaxTokens ?? DEFAULT_MAX_TOKENS,
    defaultThinkingBudget: settings.defaultThinkingBudget ?? DEFAULT_THINKING_BUDGET,
    structuredOutputs: settings.structuredOutputs ?? 'auto',
  };
  const provider = settings.provider ?? 'anthropic';
  const http = createUpstreamClient({
    provider,
    baseURL: settings.baseURL ?? DEFAULT_BASE_URL,
    fetch: settings.fetch,
    timeout: settings.timeout,
    maxResponseBytes: settings.maxResponseBytes,
    toError: (answer) =>
      anthropicErrorFromResponse(answer.text, {
        provider,
        status: answer.status,
        headers: answer.headers,
        requestId: answer.headers.get('request-id'),
      }),
  });

  const headers = (requestId: string | undefined, beta?: string): Record<string, string> => ({
    accept: 'application/json',
    'content-type': 'application/json',
    'anthropic-version': settings.anthropicVersion ?? DEFAULT_VERSION,
    ...settings.headers,
    ...anthropicBeta(settings.headers, beta),
    ...(requestId ? { 'x-request-id': requestId } : {}),
    'x-api-key': loadApiKey({
      apiKey: settings.apiKey,
      apiKeyEnv: settings.apiKeyEnv,
      defaultApiKeyEnv: 'ANTHROPIC_API_KEY',
      adapterName: 'Anthropic',
    }),
  });

  const postMessages = (
    body: AnthropicMessagesRequest | MessagesDoorNative['body'],
    context: { signal: AbortSignal; deadline: number | undefined; requestId: string },
    beta?: string,
  ): Promise<UpstreamResponse> =>
    http.send({
      path: '/messages',
      method: 'POST',
      headers: headers(context.requestId, beta),
      body: JSON.stringify(body),
      signal: context.signal,
      deadline: context.deadline,
      requestId: context.requestId,
    });

  const convert = (request: ChatCompletionRequest) => convertToAnthropicRequest(request, requestOptions);

  return {
    specificationVersion: 'v1',
    provider,
    capabilities: CAPABILITIES,

    async listModels(context): Promise<Model[]> {
      if (settings.models) return staticModels(settings.models, provider);
      const upstream = await http.send({
        path: '/models?limit=1000',
        method: 'GET',
        headers: headers(context.requestId),
        signal: context.signal,
        requestId: context.requestId,
      });
      const requestId = upstream.headers.get('request-id');
      const page = ModelsPageSchema.safeParse(await readJson(upstream, { source: http.source, requestId }));
      if (!page.success)
        throw badResponse('Anthropic sent a model list this adapter cannot read.', requestId);
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
    },

    async complete(request, context): Promise<ChatCompletion> {
      const native = messagesDoorNative(context);
      const converted = native ? undefined : convert(request);
      context.logger.debug('anthropic request', { model: request.model, stream: false, native: !!native });
      const upstream = native
        ? await postMessages(passthroughBody(native, request.model, false), context, native.anthropicBeta)
        : await postMessages((converted as ConvertedRequest).body, context);
      const requestId = upstream.headers.get('request-id');
      const raw = await readJson(upstream, { source: http.source, requestId });
      const parsed = AnthropicResponseSchema.safeParse(raw);
      if (!parsed.success) throw badResponse('Anthropic sent a message this adapter cannot read.', requestId);
      context.logger.debug('anthropic response', { upstreamRequestId: requestId });
      const completion = convertAnthropicResponse(parsed.data, {
        jsonTool: converted?.jsonTool ?? false,
        created: nowSeconds(),
      });
      return native ? withNativeBody(completion, MESSAGES_DOOR, raw) : completion;
    },

    async countTokens(request, context): Promise<number> {
      const native = messagesDoorNative(context);
      const body = countTokensBody(native ? { ...native.body, model: request.model } : convert(request).body);
      const upstream = await http.send({
        path: '/messages/count_tokens',
        method: 'POST',
        headers: headers(context.requestId, native?.anthropicBeta),
        body: JSON.stringify(body),
        signal: context.signal,
        deadline: context.deadline,
        requestId: context.requestId,
      });
      const requestId = upstream.headers.get('request-id');
      const counted = CountTokensSchema.safeParse(
        await readJson(upstream, { source: http.source, requestId }),
      );
      if (!counted.success)
        throw badResponse('Anthropic sent a token count this adapter cannot read.', requestId);
      return counted.data.input_tokens;
    },

    async *stream(request, context): AsyncGenerator<ChatCompletionChunk, void, undefined> {
      const native = messagesDoorNative(context);
      const converted = native ? undefined : convert(request);
      context.logger.debug('anthropic request', { model: request.model, stream: true, native: !!native });
      const upstream = native
        ? await postMessages(passthroughBody(native, request.model, true), context, native.anthropicBeta)
        : await postMessages({ ...(converted as ConvertedRequest).body, stream: true }, context);
      const requestId = upstream.headers.get('request-id');
      const converter = new AnthropicStreamConverter({
        model: request.model,
        created: nowSeconds(),
        jsonTool: converted?.jsonTool ?? false,
        requestId,
      });
      // Passthrough: every upstream frame rides, in order, on the next chunk yielded.
      let frames: NativeSSEFrame[] = [];
      const carry = (chunks: ChatCompletionChunk[]): ChatCompletionChunk[] => {
        const first = chunks[0];
        if (!native || !first || frames.length === 0) return chunks;
        withNativeFrames(first, MESSAGES_DOOR, frames);
        frames = [];
        return chunks;
      };
      try {
        for await (const { event, data } of readSSEMessages(upstream.body(), {
          maxEventSize: http.maxResponseBytes,
        })) {
          if (native) frames.push({ event, data });
          yield* carry(converter.pushData(data));
        }
      } catch (error) {
        throw withStreamStarted(error, converter.hasStarted);
      } finally {
        upstream.close();
      }
      yield* carry(converter.end());
      context.logger.debug('anthropic stream finished', { upstreamRequestId: requestId });
    },
  };
}

const CountTokensSchema = z.looseObject({ input_tokens: z.number() });

/** Fields of a Messages request that `count_tokens` refuses (they do not change the input). */
const NOT_COUNTED = [
  'max_tokens',
  'stream',
  'temperature',
  'top_p',
  'top_k',
  'stop_sequences',
  'metadata',
  'service_tier',
];

function countTokensBody(body: object): Record<string, unknown> {
  const counted: Record<string, unknown> = { ...body };
  for (const field of NOT_COUNTED) delete counted[field];
  return counted;
}

type ConvertedRequest = ReturnType<typeof convertToAnthropicRequest>;

/**
 * The client's own Messages body for a native passthrough: every block, `cache_control` and
 * signature as sent; only the model (the deployment's) and `stream` (the call's mode) are ours.
 */
function passthroughBody(
  native: MessagesDoorNative,
  model: string,
  stream: boolean,
): MessagesDoorNative['body'] {
  const { stream: _, ...body } = native.body;
  return stream ? { ...body, model, stream: true } : { ...body, model };
}

/** The client's `anthropic-beta` added to the configured one (both are comma-separated lists). */
function anthropicBeta(
  configured: Record<string, string> | undefined,
  beta: string | undefined,
): Record<string, string> {
  if (!beta) return {};
  const own = Object.entries(configured ?? {}).find(([name]) => name.toLowerCase() === 'anthropic-beta')?.[1];
  const names = new Set(
    [...(own ?? '').split(','), ...beta.split(',')].map((name) => name.trim()).filter(Boolean),
  );
  return { 'anthropic-beta': [...names].join(',') };
}

function withStreamStarted(error: unknown, streamStarted: boolean): unknown {
  return streamStarted && ProtocolError.isInstance(error) && !error.streamStarted
    ? error.with({ streamStarted })
    : error;
}

function badResponse(message: string, requestId: string | null): ProtocolError {
  return createProtocolError({ message, code: ErrorCode.badResponse, requestId });
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
