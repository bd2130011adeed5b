import {
  BadRequestError,
  type ChatCompletionRequest,
  ErrorCode,
  type Model,
  type Usage,
} from '@switchyard/protocol';
import { type ChatServerOptions, modelNotFoundError } from '@switchyard/server-kit';
import type { Accounting, Principal } from '../accounting/index.js';
import { CACHE_HEADER, type CacheStage, parseCacheDirective } from '../cache/index.js';
import type { Route } from '../routing/deployment.js';
import type { ModelCatalog } from '../routing/model-catalog.js';
import type { UsageWait } from '../routing/routed-stream.js';
import type { FullAdapter, Router } from '../routing/router.js';
import { closestNames } from '../text/closest-names.js';
import { type BilledUsage, usageOfCutStream } from './cut-stream-usage.js';
import { estimatePromptTokens } from './estimate-prompt-tokens.js';
import { createGatewayVars, type GatewayContext, type GatewayVars } from './gateway-vars.js';
import { refuseVendorRoutingFields } from './vendor-routing-fields.js';

/** Refusals that `authenticate` and `admit` count themselves (401, 403, 429). */
const COUNTED_ELSEWHERE = new Set([401, 403, 429]);

export const DEPLOYMENT_HEADER = 'x-switchyard-deployment';
export const OVERHEAD_HEADER = 'x-switchyard-overhead-ms';

/** Longest model name accepted (400 beyond): it is quoted in errors, logs and the ledger. */
export const MAX_MODEL_NAME_LENGTH = 256;

/**
 * Whether a key may use a model, given every public name of its route (its configured name and
 * aliases, see {@link ModelCatalog.namesOf}): a key scoped to any of them may use all of them.
 * Admin keys and unscoped keys may use any.
 */
export function mayUse(principal: Principal | undefined, names: readonly string[]): boolean {
  if (!principal || principal.isAdmin) return true;
  const allowed = principal.key.allowedModels;
  return allowed === null || names.some((name) => allowed.includes(name));
}

/** The catalog's models that `principal` may use. */
function usableModels(catalog: ModelCatalog, principal: Principal | undefined): Model[] {
  const all = catalog.list();
  return principal && !principal.isAdmin && principal.key.allowedModels !== null
    ? all.filter((m) => {
        const route = catalog.resolve(m.id);
        return route !== undefined && mayUse(principal, catalog.namesOf(route));
      })
    : [...all];
}

function checkModelName(model: string): void {
  if (model.length > MAX_MODEL_NAME_LENGTH)
    throw new BadRequestError({
      message: `model is ${model.length} characters long; this gateway accepts model names of at most ${MAX_MODEL_NAME_LENGTH}.`,
      code: ErrorCode.invalidRequest,
      param: 'model',
    });
}

/**
 * The route of a model name, once per request. A model the key may not use is answered like one
 * that does not exist (404), so that a scoped key cannot probe which models exist.
 */
export async function routeForKey(
  catalog: ModelCatalog,
  model: string,
  principal: Principal | undefined,
  requestId: string,
): Promise<Route> {
  checkModelName(model);
  const route = catalog.resolve(model) ?? (await catalog.resolveFresh(model));
  if (route && mayUse(principal, catalog.namesOf(route))) return route;
  // The nearest names it may use: a typo is told the fix, and a scoped key learns nothing new.
  const usable = usableModels(catalog, principal).map((m) => m.id);
  throw modelNotFoundError(model, requestId, closestNames(model, usable));
}

interface HookDeps {
  readonly accounting: Accounting;
  readonly catalog: ModelCatalog;
  readonly router: Router;
  /**
   * Request shape limits, checked before admission (`limits.maxMessages`, `limits.maxTools`,
   * `limits.allowRoutingFields`).
   */
  readonly requestLimits?: {
    readonly maxMessages: number;
    readonly maxTools: number;
    readonly allowRoutingFields: boolean;
  };
  /** How long and how much to read on for the usage of a stream the client left (`limits.usageAfterCut*`). */
  readonly usageAfterCut?: UsageWait;
  /** The response cache's stage, when the cache is on. */
  readonly cache?: CacheStage;
}

function checkRequestLimits(request: ChatCompletionRequest, limits: HookDeps['requestLimits']): void {
  if (!limits) return;
  if (!limits.allowRoutingFields) refuseVendorRoutingFields(request);
  const over = (param: string, count: number, max: number) =>
    new BadRequestError({
      message: `${param} has ${count} items; this gateway accepts at most ${max}.`,
      code: 'invalid_request',
      param,
    });
  if (request.messages.length > limits.maxMessages)
    throw over('messages', request.messages.length, limits.maxMessages);
  const tools = request.tools?.length ?? 0;
  if (tools > limits.maxTools) throw over('tools', tools, limits.maxTools);
}

/** The gateway's server options: its pipeline, as server-kit hooks over typed per-request state. */
export type GatewayHooks = Required<
  Pick<
    ChatServerOptions<GatewayVars>,
    | 'createLocals'
    | 'authenticate'
    | 'listModels'
    | 'resolveAdapter'
    | 'onResponseHeaders'
    | 'transformUsage'
    | 'onFinish'
  >
> & {
  /** Admission, then the cache stage: resolves with the adapter that answers (the router, or the cache). */
  beforeCompletion(context: GatewayContext): Promise<FullAdapter>;
};

/**
 * The gateway's pipeline as server-kit hooks, the same for every front door: keys (authenticate),
 * the model's route resolved once and scoped to the key (resolveAdapter → the router), request
 * limits, rate limits and budgets (beforeCompletion → admit), then the response cache, the
 * `x-switchyard-*` headers, `usage.cost`, and one ledger row per admitted request (onFinish).
 */
export function createGatewayHooks({
  accounting,
  catalog,
  router,
  requestLimits,
  usageAfterCut = { ms: 2_000, maxBytes: 65_536 },
  cache,
}: HookDeps): GatewayHooks & {
  /** Admitted requests whose ledger row is not written yet (shutdown waits for them). */
  unfinished(): number;
} {
  const { metrics } = accounting;
  let unfinished = 0;

  const routeOf = (model: string, principal: Principal | undefined, requestId: string) =>
    routeForKey(catalog, model, principal, requestId);

  return {
    unfinished: () => unfinished,

    createLocals: createGatewayVars,

    async listModels(context, modelId) {
      const { principal } = context.locals;
      if (modelId === undefined) return usableModels(catalog, principal);
      await routeOf(modelId, principal, context.requestId);
      return usableModels(catalog, principal).filter((m) => m.id === modelId);
    },

    async authenticate(context) {
      const locals = context.locals;
      locals.t0 = context.receivedAt;
      locals.principal = await accounting.authenticateAsync(context.apiKey, context.header('authorization'));
      return locals.principal;
    },

    async resolveAdapter(model, context) {
      const locals = context.locals;
      const route = await routeOf(model, locals.principal, context.requestId);
      locals.route = route;
      const { span } = locals;
      locals.routed = router.adapterFor({
        route,
        trace: locals.trace,
        ...(span ? { attemptSpan: (deployment) => span.attempt(deployment) } : {}),
      });
      return locals.routed;
    },

    async beforeCompletion(context) {
      const locals = context.locals;
      const request = context.request!;
      const route = locals.route!;
      // Before admission: a malformed cache header is refused without using the caller's limits.
      const directive = cache ? parseCacheDirective(context.header(CACHE_HEADER)) : 'no-store';
      checkRequestLimits(request, requestLimits);
      try {
        const admission = await accounting.admitAsync(locals.principal!, {
          model: request.model,
          requestId: context.requestId,
          estimatedPromptTokens: estimatePromptTokens(request),
          maxOutputTokens: request.max_completion_tokens ?? request.max_tokens ?? null,
          modelNames: catalog.namesOf(route),
          n: request.n ?? null,
          upstreamModels: route.deployments.map((d) => ({ model: d.model, provider: d.provider })),
          stream: request.stream === true,
        });
        locals.admission = admission;
        unfinished += 1;
        for (const name in admission.headers) context.setHeader(name, admission.headers[name]!);
      } catch (error) {
        const headers = (error as { headers?: Record<string, string> }).headers;
        if (headers) for (const name in headers) context.setHeader(name, headers[name]!);
        throw error;
      }
      if (!cache) return locals.routed!;
      const step = await cache({
        request,
        directive,
        keyId: locals.principal!.keyId,
        route,
        adapter: locals.routed!,
        setHeader: (name, value) => context.setHeader(name, value),
      });
      locals.cached = step.hit;
      return step.adapter;
    },

    onResponseHeaders(context, response) {
      const locals = context.locals;
      if (locals.t0 === undefined) return;
      const { trace } = locals;
      if (trace.deployment)
        context.setHeader(DEPLOYMENT_HEADER, catalog.deploymentLabel(trace.deployment.id));
      const now = performance.now();
      const upstream = trace.startedAt === undefined ? 0 : (trace.answeredAt ?? now) - trace.startedAt;
      const overhead = Math.max(0, now - locals.t0 - upstream);
      locals.overheadMs = overhead;
      context.setHeader(OVERHEAD_HEADER, overhead.toFixed(2));
      if (response.status === 200 && context.request?.stream === true) {
        locals.streamOpen = true;
        metrics.streamStarted();
      }
    },

    transformUsage(usage, context): Usage {
      const locals = context.locals;
      if (locals.cached) {
        // The stored answer's `cost_details` were billed once, for the miss.
        const { cost_details: _billedOnce, ...rest } = usage;
        return { ...rest, cost: 0 };
      }
      const deployment = locals.trace.deployment;
      const cost = accounting.costOf(
        deployment?.model ?? context.request?.model ?? '',
        usage,
        deployment?.provider,
      );
      locals.cost = cost;
      // The upstream's own bill goes out as it came, with its `cost_details`.
      if (cost.source === 'upstream') return usage;
      // Priced here: an upstream `cost_details` (without a `cost` of its own) would disagree.
      const { cost_details: _upstreamDetails, ...rest } = usage;
      return { ...rest, cost: cost.usd };
    },

    onFinish(event) {
      const { context } = event;
      const locals = context.locals;
      if (locals.streamOpen) metrics.streamEnded();
      if (locals.overheadMs !== undefined) metrics.observeOverhead(locals.overheadMs);
      const admission = locals.admission;
      if (!admission) {
        // Bad input refused before admission has no ledger row; count it (auth, scope and
        // limit refusals are counted where they are decided).
        const error = event.error;
        if (error && COUNTED_ELSEWHERE.has(error.status) === false && error.status < 500)
          metrics.rejections.inc([error.code]);
        return;
      }
      const { trace } = locals;
      const deployment = trace.deployment;
      const record = ({ usage, estimated }: BilledUsage) =>
        accounting.finish(admission, {
          requestId: context.requestId,
          model: admission.model,
          upstreamModel: deployment?.model ?? null,
          upstreamProvider: deployment?.provider ?? null,
          // A request that no deployment answered is filed under the last one that failed it.
          deployment: deployment?.id ?? trace.attempts.at(-1)?.deployment ?? null,
          // A stream that failed after its first chunk was answered 200, but it failed: the
          // ledger and the metrics record the error's status, or usage reports count it as a success.
          status: event.aborted
            ? 499
            : event.errorInStream && event.error
              ? event.error.status
              : event.status,
          errorCode: event.error?.code ?? (event.aborted ? 'aborted' : null),
          usage,
          usageEstimated: estimated,
          route: context.route,
          latencyMs: event.endedAt - event.startedAt,
          ttftMs:
            event.streamed && event.firstChunkAt !== undefined ? event.firstChunkAt - event.startedAt : null,
          streamed: event.streamed,
          cached: locals.cached === true,
          cost: locals.cost,
        }).committed;
      const { stream } = trace;
      // The answer's last bytes wait for the row's commit; shutdown waits for it too.
      const committed =
        event.aborted && event.streamed && !event.usage && stream
          ? // The client left a stream before its usage: the upstream billed it all the same.
            usageOfCutStream(stream, admission.estimatedPromptTokens, usageAfterCut).then(record)
          : record({ usage: event.usage, estimated: false });
      return committed.finally(() => {
        unfinished -= 1;
      });
    },
  };
}
