import {
  type AdapterContext,
  type ChatAdapter,
  createUpstreamClient,
  type FetchFunction,
  loadApiKey,
  lowerCaseHeaders,
  readJson,
  staticModels,
  type TimeoutSetting,
} from '@switchyard/adapter-kit';
import {
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type FinishReason,
  type Model,
  ProtocolError,
  readNDJSON,
  type Usage,
} from '@switchyard/protocol';
import { convertToLarchRequest } from './convert-to-larch-request.js';
import type { LarchEnd, LarchGeneration, LarchStreamLine, LarchTokens } from './larch-api-types.js';
import { LARCH_FAILURE_STATUS, mapLarchError } from './map-larch-error.js';

/** Settings of {@link createLarchAdapter}. */
export interface LarchAdapterSettings {
  /** Default `https://api.larch.example/v2`. */
  baseURL?: string;
  /** Sent as `x-larch-key`. Default: the `apiKeyEnv` variable, read at each request. */
  apiKey?: string;
  /** Default `LARCH_API_KEY`. */
  apiKeyEnv?: string;
  headers?: Record<string, string>;
  /** What `GET /v1/models` lists; default: Larch's `GET /models`. */
  models?: readonly (string | Model)[];
  /** adapter-kit's timeout model: a number (total ms) or `{ total, headers, idle }`. */
  timeout?: TimeoutSetting;
  fetch?: FetchFunction;
  /** The provider name in logs, metrics and messages. Default `larch`. */
  provider?: string;
}

const FINISH: Record<LarchEnd, FinishReason> = { complete: 'stop', stop_word: 'stop', limit: 'length' };

function usageOf(tokens: LarchTokens | undefined): Usage | undefined {
  if (tokens?.input === undefined || tokens.output === undefined) return undefined;
  return {
    prompt_tokens: tokens.input,
    completion_tokens: tokens.output,
    total_tokens: tokens.input + tokens.output,
  };
}

/**
 * An adapter for Larch's Generate API: its own request shape, NDJSON streaming and
 * `{ failure: { kind, detail } }` error bodies. A worked example of CONTRIBUTING.md.
 */
export function createLarchAdapter(settings: LarchAdapterSettings = {}): ChatAdapter {
  const provider = settings.provider ?? 'larch';
  const http = createUpstreamClient({
    provider,
    baseURL: settings.baseURL ?? 'https://api.larch.example/v2',
    fetch: settings.fetch,
    timeout: settings.timeout,
    toError: (answer) => mapLarchError(provider, answer),
  });
  const send = (
    path: string,
    context: Pick<AdapterContext, 'signal'> & Partial<AdapterContext>,
    body?: unknown,
  ) =>
    http.send({
      path,
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        ...lowerCaseHeaders(settings.headers),
        'x-larch-key': loadApiKey({
          apiKey: settings.apiKey,
          apiKeyEnv: settings.apiKeyEnv,
          defaultApiKeyEnv: 'LARCH_API_KEY',
          adapterName: 'Larch',
        }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: context.signal,
      deadline: context.deadline,
      requestId: context.requestId,
    });

  return {
    specificationVersion: 'v1',
    provider,
    capabilities: { stop: true },

    async listModels(context) {
      if (settings.models) return staticModels(settings.models, provider);
      const page = (await readJson(await send('/models', context), { source: http.source })) as {
        models?: { name: string }[];
      };
      return staticModels(
        (page.models ?? []).map((model) => model.name),
        provider,
      );
    },

    async complete(request: ChatCompletionRequest, context): Promise<ChatCompletion> {
      const body = convertToLarchRequest(request, false);
      const answer = (await readJson(await send('/generate', context, body), {
        source: http.source,
      })) as LarchGeneration;
      const usage = usageOf(answer.tokens);
      return {
        id: `chatcmpl-${answer.id ?? context.requestId}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: request.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: answer.output ?? '' },
            logprobs: null,
            finish_reason: FINISH[answer.end ?? 'complete'] ?? 'stop',
          },
        ],
        ...(usage ? { usage } : {}),
      };
    },

    async *stream(request: ChatCompletionRequest, context): AsyncGenerator<ChatCompletionChunk> {
      const body = convertToLarchRequest(request, true);
      const upstream = await send('/generate', context, body);
      let id = `chatcmpl-${context.requestId}`;
      const created = Math.floor(Date.now() / 1000);
      const chunk = (choices: ChatCompletionChunk['choices'], usage?: Usage): ChatCompletionChunk => ({
        id,
        object: 'chat.completion.chunk',
        created,
        model: request.model,
        choices,
        ...(usage ? { usage } : {}),
      });
      let started = false;
      // The first delta of the answer carries the role.
      const delta = (content?: string) => {
        const first = !started;
        started = true;
        return {
          ...(first ? { role: 'assistant' as const } : {}),
          ...(content === undefined ? {} : { content }),
        };
      };
      try {
        for await (const value of readNDJSON(upstream.body(), { source: http.source })) {
          const line = value as LarchStreamLine;
          if (line.event === 'start' && line.id) id = `chatcmpl-${line.id}`;
          else if (line.event === 'text') {
            yield chunk([{ index: 0, delta: delta(line.text ?? ''), logprobs: null, finish_reason: null }]);
          } else if (line.event === 'end') {
            const finish = FINISH[line.end ?? 'complete'] ?? 'stop';
            yield chunk([{ index: 0, delta: delta(), logprobs: null, finish_reason: finish }]);
            const usage = usageOf(line.tokens);
            if (usage) yield chunk([], usage);
          } else if (line.event === 'failure') {
            const status = LARCH_FAILURE_STATUS[line.failure?.kind ?? ''] ?? 500;
            throw mapLarchError(provider, { status, body: line, requestId: context.requestId });
          }
        }
      } catch (error) {
        // After the first chunk the server can only end the stream with an error event: say so.
        throw started && ProtocolError.isInstance(error) ? error.with({ streamStarted: true }) : error;
      } finally {
        upstream.close();
      }
    },
  };
}
