import { ENV_PROVIDERS } from './env-providers.js';

/** The OpenTelemetry variables that turn tracing on (or off, `OTEL_SDK_DISABLED=true`). */
export const OTLP_ENV_VARIABLES = [
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_SDK_DISABLED',
] as const;

/**
 * Every environment variable the gateway reads: provider keys and base URLs, `SWITCHYARD_*`,
 * `PORT`, `HOST` and the `OTEL_*` variables that turn tracing on. Harnesses that start a gateway (tests, benchmarks) clear them so that the
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
  'SWITCHYARD_WORKERS',
  'PORT',
  'HOST',
  ...OTLP_ENV_VARIABLES,
];
