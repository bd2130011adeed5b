import type { ChatFinishEvent, ChatRequestContext } from '@switchyard/server-kit';
import type { Admission, Principal, SettledCost } from '../accounting/index.js';
import type { Route } from '../routing/deployment.js';
import type { FullAdapter, RouteTrace } from '../routing/router.js';
import type { RequestSpan } from '../telemetry/request-tracer.js';

/**
 * What the gateway keeps per request (server-kit's typed `locals`), filled in as the request goes
 * through the pipeline: authentication, route, admission, cache, the router's trace, the ledger.
 */
export type GatewayVars = {
  /** `performance.now()` when the request arrived (set once authentication starts). */
  t0?: number;
  principal?: Principal;
  /** The model's route, resolved once from the request's model name. */
  route?: Route;
  /** The router serving this request's route (the cache stage may answer in front of it). */
  routed?: FullAdapter;
  admission?: Admission;
  /** What the router records: attempts, the deployment that answered, its stream. */
  readonly trace: RouteTrace;
  overheadMs?: number;
  streamOpen?: boolean;
  /** Answered from the response cache. */
  cached?: boolean;
  /** The answer's `usage.cost` and who priced it (set by `transformUsage`), for the ledger. */
  cost?: SettledCost;
  /** The request's server span, when tracing is on. */
  span?: RequestSpan;
};

/** A request as the gateway's hooks see it. */
export type GatewayContext = ChatRequestContext<GatewayVars>;

/** A finished request as the gateway's hooks see it. */
export type GatewayFinishEvent = ChatFinishEvent<GatewayVars>;

/** A fresh request's state. */
export function createGatewayVars(): GatewayVars {
  return { trace: { attempts: [] } };
}
