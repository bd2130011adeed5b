import type { Logger } from '@switchyard/adapter-kit';
import {
  type EmbeddingRequest,
  type EmbeddingResponse,
  ProtocolError,
  parseEmbeddingRequest,
  toProtocolError,
  type Usage,
} from '@switchyard/protocol';
import { retryHeaders } from '@switchyard/server-kit';
import type { Accounting, Admission, Principal } from '../accounting/index.js';
import { DEPLOYMENT_HEADER, routeForKey } from '../pipeline/gateway-hooks.js';
import type { ModelCatalog } from '../routing/model-catalog.js';
import type { Router, RouteTrace } from '../routing/router.js';

/** What serving embeddings needs from the gateway. */
export interface EmbeddingsDeps {
  readonly accounting: Accounting;
  readonly catalog: ModelCatalog;
  readonly router: Router;
  readonly logger: Logger;
}

/** One authenticated `POST /v1/embeddings` call. */
export interface EmbeddingsCall {
  readonly principal: Principal;
  readonly requestId: string;
  /** The parsed JSON body. */
  readonly body: unknown;
  /** Fires when the client leaves. */
  readonly signal: AbortSignal;
}

/** The answer: status, JSON body (the embeddings or the error envelope) and headers. */
export interface EmbeddingsAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

/** The `route` of embeddings requests in logs and ledger rows. */
export const EMBEDDINGS_ROUTE = 'embeddings';

/** Characters per token when the upstream reports no usage (Gemini): the ledger marks it estimated. */
const CHARS_PER_TOKEN = 4;

function estimateTokens(input: EmbeddingRequest['input']): number {
  if (typeof input === 'string') return Math.ceil(input.length / CHARS_PER_TOKEN);
  let tokens = 0;
  for (const item of input) {
    if (typeof item === 'number') tokens += 1;
    else if (typeof item === 'string') tokens += Math.ceil(item.length / CHARS_PER_TOKEN);
    else tokens += item.length;
  }
  return tokens;
}

function usageOf(answer: EmbeddingResponse): Usage | undefined {
  const usage = answer.usage;
  if (!usage) return undefined;
  return { prompt_tokens: usage.prompt_tokens, completion_tokens: 0, total_tokens: usage.total_tokens };
}

/**
 * `POST /v1/embeddings` for an authenticated caller, through the same gates as a completion: the
 * key's model scope (a model it may not use is a 404, like one that does not exist), RPM/TPM and
 * budget admission, the router (fallback, retries, breakers), one ledger row with usage and cost,
 * and the metrics `finish` records. A chat model asked for embeddings is a 400.
 */
export async function serveEmbeddings(deps: EmbeddingsDeps, call: EmbeddingsCall): Promise<EmbeddingsAnswer> {
  const { accounting, catalog, router } = deps;
  const { principal, requestId } = call;
  const startedAt = performance.now();
  const headers: Record<string, string> = {};
  let admission: Admission | undefined;
  const trace: RouteTrace = { attempts: [] };
  let estimatedUsage: Usage | undefined;
  const settle = (status: number, error: ProtocolError | null, usage: Usage | undefined) => {
    if (!admission) return Promise.resolve();
    const deployment = trace.deployment;
    return accounting.finish(admission, {
      requestId,
      model: admission.model,
      upstreamModel: deployment?.model ?? null,
      upstreamProvider: deployment?.provider ?? null,
      deployment: deployment?.id ?? trace.attempts.at(-1)?.deployment ?? null,
      status,
      errorCode: error?.code ?? null,
      usage: usage ?? (error ? undefined : estimatedUsage),
      usageEstimated: !error && usage === undefined,
      route: EMBEDDINGS_ROUTE,
      latencyMs: performance.now() - startedAt,
      streamed: false,
    }).committed;
  };
  try {
    const request = parseEmbeddingRequest(call.body);
    const route = await routeForKey(catalog, request.model, principal, requestId);
    const prompt = estimateTokens(request.input);
    estimatedUsage = { prompt_tokens: prompt, completion_tokens: 0, total_tokens: prompt };
    try {
      admission = await accounting.admitAsync(principal, {
        model: request.model,
        modelNames: catalog.namesOf(route),
        requestId,
        estimatedPromptTokens: prompt,
        maxOutputTokens: 0,
        upstreamModels: route.deployments.map((d) => ({ model: d.model, provider: d.provider })),
        stream: false,
      });
    } catch (error) {
      const refusal = (error as { headers?: Record<string, string> }).headers;
      if (refusal) Object.assign(headers, refusal);
      throw error;
    }
    Object.assign(headers, admission.headers);
    const answer = await router.embed(
      request,
      { requestId, signal: call.signal, deadline: undefined, logger: deps.logger, locals: {} },
      { route, trace },
    );
    if (trace.deployment) headers[DEPLOYMENT_HEADER] = catalog.deploymentLabel(trace.deployment.id);
    // The client sees its own model name, as with completions.
    const body: EmbeddingResponse = { ...answer, model: request.model };
    await settle(200, null, usageOf(answer));
    return { status: 200, body, headers };
  } catch (thrown) {
    const error = (ProtocolError.isInstance(thrown) ? thrown : toProtocolError(thrown)).with({ requestId });
    await settle(call.signal.aborted ? 499 : error.status, error, undefined);
    retryHeaders(error, headers);
    return { status: error.status, body: error.toEnvelope(), headers };
  }
}
