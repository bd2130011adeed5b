import { ENV_PROVIDERS } from './env-providers.js';

/**
 * Every environment variable the gateway reads: provider keys and base URLs, `SWITCHYARD_*`,
 * `PORT` and `HOST`. Harnesses that start a gateway (tests, benchmarks) clear them so that the
 * caller's shell cannot change the gateway under test.
 */
export const GATEWAY_ENV_VARIABLES: readonly string[] = [
  ...ENV_PROVIDERS.flatMap((provider) => [provider.keyVar, provider.baseVar]),
  'SWITCHYARD_CONFIG',
  'SWITCHYARD_DATA_DIR',
  'SWITCHYARD_LOG_LEVEL',
  'SWITCHYARD_ADMIN_KEY',
  'SWITCHYARD_STORAGE_URL',
  'SWITCHYARD_REDIS_URL',
  'PORT',
  'HOST',
];
