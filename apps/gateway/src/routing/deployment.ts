import type { ChatAdapter } from '@switchyard/server-kit';
import type { Strategy } from '../config/config-schema.js';

/** One upstream target: a provider's adapter and the model id it is asked for. */
export interface Deployment {
  /** `provider/model`; reported in `x-switchyard-deployment`, logs, metrics and the ledger. */
  readonly id: string;
  readonly provider: string;
  /** The model id sent upstream. */
  readonly model: string;
  readonly adapter: ChatAdapter;
  readonly weight: number;
  /** Per-attempt timeout; falls back to the route's, then the router's. */
  readonly timeoutMs?: number | undefined;
}

/** A public model name and how requests for it are spread over deployments. */
export interface Route {
  readonly name: string;
  readonly strategy: Strategy;
  readonly deployments: readonly Deployment[];
  /** Extra attempts after every deployment was tried once; falls back to the router's. */
  readonly retries?: number | undefined;
  readonly timeoutMs?: number | undefined;
}

/** `provider/model`, without repeating a provider prefix the model id already has (`simulator/echo`). */
export function deploymentId(provider: string, model: string): string {
  return model.startsWith(`${provider}/`) ? model : `${provider}/${model}`;
}
