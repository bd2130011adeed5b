export {
  ConfigError,
  type ConfigIssue,
  type ConfigOverrides,
  type LoadConfigOptions,
  loadConfig,
  type ResolvedConfig,
  resolveConfig,
} from './config/index.js';
export { createLogger, SecretScrubber } from './logging/create-logger.js';
export { createProviderAdapters, type ProviderAdapter } from './providers/create-provider-adapters.js';
export type { BreakerState } from './routing/circuit-breaker.js';
export type { Deployment, Route } from './routing/deployment.js';
export { ModelCatalog } from './routing/model-catalog.js';
export { Router, type RouterOptions, type RouteTrace } from './routing/router.js';
export { type CreateGatewayOptions, Gateway } from './server/create-gateway.js';
