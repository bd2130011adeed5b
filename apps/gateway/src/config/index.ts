export { ConfigError, type ConfigIssue } from './config-error.js';
export {
  type CacheConfig,
  type CacheScope,
  type CorsConfig,
  type GatewayConfigFile,
  GatewayConfigSchema,
  STRATEGIES,
  type Strategy,
} from './config-schema.js';
export {
  ENV_PROVIDERS,
  LOCAL_PROVIDER_NAME,
  type ResolvedProvider,
  SIMULATOR_PROVIDER_NAME,
} from './env-providers.js';
export { GATEWAY_ENV_VARIABLES } from './gateway-env.js';
export {
  DEFAULT_CONFIG_FILES,
  findConfigFile,
  type LoadConfigOptions,
  loadConfig,
  parseConfigText,
} from './load-config.js';
export { REDACTED, redactedConfig, redactUrl } from './redact-config.js';
export {
  type ConfigOverrides,
  DATABASE_FILE,
  DEFAULT_DATA_DIR,
  DEFAULT_HOST,
  DEFAULT_PORT,
  type ResolvedConfig,
  type ResolvedDeployment,
  type ResolvedModel,
  resolveConfig,
} from './resolve-config.js';
