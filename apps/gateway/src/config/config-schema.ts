import { DEFAULT_RESPONSE_LIMIT } from '@switchyard/server-kit';
import { z } from 'zod';

// Numbers and booleans may be written as strings so that `port: ${PORT}` works after interpolation.
const toNumber = (value: unknown) =>
  typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
const toBoolean = (value: unknown) => (value === 'true' ? true : value === 'false' ? false : value);
const numeric = <T extends z.ZodType>(schema: T) => z.preprocess(toNumber, schema);
const flag = () => z.preprocess(toBoolean, z.boolean());

const positiveInt = numeric(z.number().int().positive());
const nonNegativeInt = numeric(z.number().int().nonnegative());
const durationMs = nonNegativeInt;
const name = z
  .string()
  .min(1)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'use letters, digits, ".", "_", ":" or "-" (no "/")');

export const ProviderConfigSchema = z.strictObject({
  /**
   * The adapter plugin that serves it: a built-in (`openai-compatible`, `anthropic`, `gemini`,
   * `simulator`), or the `type` of the plugin `module` exports.
   */
  type: name,
  /**
   * Where a plugin that is not built in comes from: a package installed beside the gateway
   * (`@acme/switchyard-adapter`) or a file path relative to this config file (`./adapters/acme.js`),
   * whose `adapterPlugin` export is the plugin.
   */
  module: z.string().min(1).optional(),
  /** A preset of the adapter (e.g. `token360`, `openai`, `deepseek`, `openrouter`, `groq`). */
  preset: z.string().min(1).optional(),
  baseURL: z.url({ protocol: /^https?$/ }).optional(),
  apiKey: z.string().min(1).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  /** Upstream model ids this provider serves. With none listed, they are discovered. */
  models: z.array(z.string().min(1)).optional(),
  /** Ask the upstream for its models (`GET /v1/models`) at start and every `refreshMs`. */
  discover: flag().optional(),
  /** Also route `<provider>/<any model>` to this provider, listed or not. */
  passthrough: flag().default(true),
  /** Adapter-specific settings, passed to the adapter factory as they are. */
  options: z.record(z.string(), z.unknown()).optional(),
  /** Per-attempt timeout for this provider's deployments (overrides `routing.timeoutMs`). */
  timeoutMs: positiveInt.optional(),
});
export type ProviderConfig = z.infer<typeof ProviderConfigSchema>;

export const DeploymentConfigSchema = z.strictObject({
  provider: name,
  model: z.string().min(1),
  weight: numeric(z.number().positive()).default(1),
  timeoutMs: positiveInt.optional(),
});
export type DeploymentConfig = z.infer<typeof DeploymentConfigSchema>;

// `provider/model` is shorthand for `{ provider, model }`; the model part may itself contain "/".
function splitDeployment(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const slash = value.indexOf('/');
  return slash > 0 && slash < value.length - 1
    ? { provider: value.slice(0, slash), model: value.slice(slash + 1) }
    : value;
}

export const STRATEGIES = ['fallback', 'weighted', 'least-in-flight'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const ModelConfigSchema = z.strictObject({
  strategy: z.enum(STRATEGIES).default('fallback'),
  /** `provider/model` strings or objects; order matters for `fallback`. */
  deployments: z.array(z.preprocess(splitDeployment, DeploymentConfigSchema)).min(1),
  aliases: z.array(z.string().min(1)).optional(),
  retries: numeric(z.number().int().min(0).max(10)).optional(),
  timeoutMs: positiveInt.optional(),
  description: z.string().optional(),
});
export type ModelConfig = z.infer<typeof ModelConfigSchema>;

export const BreakerConfigSchema = z.strictObject({
  /** Consecutive failed attempts that open the breaker. */
  failureThreshold: positiveInt.default(5),
  /** How long an open breaker rejects before it lets one probe through (half-open). */
  cooldownMs: positiveInt.default(30_000),
  /** Each failed probe doubles the cooldown, up to this. */
  maxCooldownMs: positiveInt.default(300_000),
});

export const RoutingConfigSchema = z.strictObject({
  /** Extra attempts after every deployment of a model was tried once. */
  retries: numeric(z.number().int().min(0).max(10)).default(2),
  backoff: z
    .strictObject({ initialMs: durationMs.default(250), maxMs: durationMs.default(8_000) })
    .prefault({}),
  /** An upstream's `retry-after` longer than this is not waited for; the error goes to the client. */
  maxRetryAfterMs: durationMs.default(20_000),
  /** Per attempt: time allowed until the whole answer (non-stream) or the first chunk (stream). */
  timeoutMs: positiveInt.default(120_000),
  /** Longest silence allowed between two chunks of a stream. */
  streamIdleTimeoutMs: positiveInt.default(120_000),
  breaker: BreakerConfigSchema.prefault({}),
  /** How often discovered model lists are refreshed. */
  discoveryRefreshMs: positiveInt.default(300_000),
  /**
   * Passthrough names (`<provider>/<model>`, neither configured nor listed) that get their own
   * metrics labels, circuit breaker and `/readyz` entry once an upstream answered them; the others
   * are counted as `other`.
   */
  maxPassthroughModels: nonNegativeInt.default(100),
});
export type RoutingConfig = z.infer<typeof RoutingConfigSchema>;

export const BUDGET_PERIODS = ['day', 'week', 'month', 'total'] as const;

export const LimitsConfigSchema = z.strictObject({
  /** Requests per minute for keys without their own limit. */
  rpm: positiveInt.optional(),
  /** Tokens (prompt + max output) per minute for keys without their own limit. */
  tpm: positiveInt.optional(),
  /** Spending limit in USD per `budgetPeriod` for keys without their own budget. */
  budgetUsd: numeric(z.number().positive()).optional(),
  budgetPeriod: z.enum(BUDGET_PERIODS).default('month'),
  /** Output tokens assumed when a request sets no `max_tokens`, for tpm and budget reservations. */
  defaultMaxTokens: positiveInt.optional(),
  /**
   * A client that leaves a stream after its last `finish_reason` but before the usage chunk: how
   * long the gateway reads on for the upstream's usage (0: not at all; the usage is estimated).
   * At most 4 s: shutdown waits 5 s for the ledger rows of cut streams.
   */
  usageAfterCutMs: numeric(z.number().int().min(0).max(4_000)).default(2_000),
  /** … and how many bytes of chunks it reads on at most. */
  usageAfterCutBytes: positiveInt.default(65_536),
  /** Most messages one request may carry (400 beyond). */
  maxMessages: positiveInt.default(2_048),
  /** Most tools one request may declare (400 beyond). */
  maxTools: positiveInt.default(128),
  /**
   * Forward the request fields that let an upstream pick another model or provider (OpenRouter's
   * `models`, `route`, `provider`; LiteLLM's `fallbacks`). Off: 400 on the field.
   */
  allowRoutingFields: z.boolean().default(false),
});

/** Per instance: a provisioning burst fits; a flood of made-up keys costs PostgreSQL at most this. */
export const DEFAULT_LOOKUPS_PER_SECOND = 50;

export const KeysConfigSchema = z.strictObject({
  /** The admin key; usually `${SWITCHYARD_ADMIN_KEY}`. Without it, one is created on first start. */
  adminKey: z.string().min(16, 'use at least 16 characters for the admin key').optional(),
  /**
   * Lookups per second, per instance, of keys this instance does not know (a key just created on
   * another instance): made-up keys beyond it are refused without asking the shared store.
   */
  lookupsPerSecond: positiveInt.default(DEFAULT_LOOKUPS_PER_SECOND),
});

export const PriceSchema = z.strictObject({
  /** USD per 1M prompt tokens. */
  input: numeric(z.number().nonnegative()),
  /** USD per 1M completion tokens (reasoning included). */
  output: numeric(z.number().nonnegative()),
  /** USD per 1M prompt tokens read from the upstream's cache (default: `input`). */
  cachedInput: numeric(z.number().nonnegative()).optional(),
  /** USD per 1M prompt tokens written to the upstream's cache (default: `input`). */
  cacheWrite: numeric(z.number().nonnegative()).optional(),
});

const ProviderPricesSchema = z.record(z.string().min(1), PriceSchema);

/**
 * One entry of `prices:`: a model's price on every provider (a mapping with `input` or `output`),
 * or, under a configured provider's name, the prices of that provider's models (which win over
 * the catalogue and the first form). Told apart by shape, so that an error names the field at
 * fault rather than "matches no form".
 */
export const PriceEntrySchema = z
  .record(z.string(), z.unknown())
  .transform((value, ctx): z.output<typeof PriceSchema> | z.output<typeof ProviderPricesSchema> => {
    const schema = 'input' in value || 'output' in value ? PriceSchema : ProviderPricesSchema;
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    for (const issue of result.error.issues) ctx.addIssue({ ...issue });
    return z.NEVER;
  });

export const StorageConfigSchema = z.strictObject({
  /**
   * Where keys and the ledger live: unset for the SQLite file in the data directory, or a
   * `postgres://` URL shared by every instance (the ledger is spooled locally and shipped).
   */
  url: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
});

/** Stored responses of `POST /v1/responses` (kept in `storage`: SQLite or PostgreSQL). */
export const ResponsesConfigSchema = z.strictObject({
  /** How long a stored response can be read or continued (default 30 days, as OpenAI keeps them). */
  retentionSeconds: positiveInt.default(30 * 24 * 60 * 60),
});

export const RedisConfigSchema = z.strictObject({
  /** `redis://` URL: rate limits and budgets shared by every instance. Unset: per process. */
  url: z.url({ protocol: /^rediss?$/ }).optional(),
});

export const CACHE_SCOPES = ['key', 'global'] as const;

export const CacheConfigSchema = z.strictObject({
  /** Answer repeated identical requests from a cache (Redis with `redis.url`, else in process). */
  enabled: flag().default(false),
  ttlSeconds: positiveInt.default(300),
  /** Most answers held by the in-process cache (Redis evicts by its own `maxmemory-policy`). */
  maxEntries: positiveInt.default(10_000),
  /** Answers larger than this (JSON, bytes) are not stored. */
  maxEntryBytes: positiveInt.default(1_048_576),
  /** Total size of the in-process cache, in bytes (unused with Redis, which has its own `maxmemory`). */
  maxBytes: positiveInt.default(64 * 1_048_576),
  /** `key`: answers are shared only by requests with the same API key; `global`: by every key. */
  scope: z.enum(CACHE_SCOPES).default('key'),
  /** Cache only requests with `temperature: 0` or a `seed`; the others bypass the cache. */
  onlyDeterministic: flag().default(false),
});
/** The `cache:` section, resolved: the response cache (off unless `enabled`). */
export type CacheConfig = Readonly<z.infer<typeof CacheConfigSchema>>;
/** Whose answers a cached entry may serve: the same API key only, or every caller. */
export type CacheScope = CacheConfig['scope'];

/** Which browser origins may call the gateway. Off (no origins) by default. */
export const CorsConfigSchema = z.strictObject({
  /** Allowed origins (`https://app.example.com`), or `*` for any. Empty: CORS off. */
  origins: z.array(z.union([z.literal('*'), z.url({ protocol: /^https?$/ })])).default([]),
  /** Also allow the admin API (`/admin/*`) cross-origin. Off unless set. */
  admin: z.boolean().default(false),
});
/** The `server.cors` section, resolved (origins normalised to `scheme://host[:port]`). */
export type CorsConfig = Readonly<z.infer<typeof CorsConfigSchema>>;

export const TelemetryConfigSchema = z.strictObject({
  /**
   * Export traces over OTLP/HTTP to a collector. The standard `OTEL_EXPORTER_OTLP_ENDPOINT` and
   * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` variables turn tracing on too, and win over this.
   */
  otlp: z
    .strictObject({
      /** The collector's base URL (`http://collector:4318`); spans go to `<endpoint>/v1/traces`. */
      endpoint: z.url({ protocol: /^https?$/ }),
      /** Headers on every export (e.g. the collector's credentials); never logged. */
      headers: z.record(z.string().min(1), z.string()).default({}),
    })
    .optional(),
  /** Export prompt and answer text in spans. Off by default: only sizes, models and ids go out. */
  captureContent: flag().default(false),
});

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/**
 * `server.admission`: what one process takes on before it answers the excess with 503
 * `overloaded` and `retry-after` (see docs/performance.md).
 */
export const AdmissionConfigSchema = z.strictObject({
  enabled: flag().default(true),
  /** Model API requests (`/v1/*`, streams and not) in flight at once. */
  maxInFlight: positiveInt.default(1_000),
  /**
   * The event loop's mean delay over the last second above which new requests are refused (while
   * a tenth of `maxInFlight` is in flight).
   */
  maxEventLoopDelayMs: positiveInt.default(500),
  /**
   * The share of time (0–1) the event loop may spend working: a half second above it cuts what may
   * be in flight to 90 % of what was, each half second under it raises that by 5 % (between a tenth
   * of `maxInFlight` and `maxInFlight`); 1 turns the signal off.
   */
  maxEventLoopUtilization: numeric(z.number().gt(0).max(1)).default(0.9),
});
export type AdmissionConfig = Readonly<z.infer<typeof AdmissionConfigSchema>>;

export const ServerConfigSchema = z.strictObject({
  host: z.string().min(1).optional(),
  port: numeric(z.number().int().min(0).max(65_535)).optional(),
  dataDir: z.string().min(1).optional(),
  /** Largest accepted request body, in bytes. */
  bodyLimitBytes: positiveInt.default(4 * 1024 * 1024),
  /** Largest answer relayed per request, in bytes (a JSON body, or all of a stream's events). */
  responseLimitBytes: positiveInt.default(DEFAULT_RESPONSE_LIMIT),
  /** SIGTERM: how long in-flight requests and streams may take to finish. */
  shutdownTimeoutMs: durationMs.default(30_000),
  /** A client must send its request headers within this (slowloris); answered 408 and closed. */
  headersTimeoutMs: positiveInt.default(20_000),
  /** A client must send its whole request (headers and body) within this. Answers may take longer. */
  requestTimeoutMs: positiveInt.default(120_000),
  /** Browser origins allowed to call `/v1/*` (and `/admin/*` with `admin: true`); off by default. */
  cors: CorsConfigSchema.prefault({}),
  /** Serve the playground's static build at `/`: `true` (auto-detect), `false`, or a directory. */
  playground: z.preprocess(toBoolean, z.union([z.boolean(), z.string().min(1)])).default(true),
  admission: AdmissionConfigSchema.prefault({}),
  /** Processes serving the port (node:cluster): a positive integer, or `auto` (one per core). */
  workers: z.union([z.literal('auto'), positiveInt]).default(1),
});

export const LoggingConfigSchema = z.strictObject({
  level: z.enum(LOG_LEVELS).default('info'),
  /** Extra object paths (pino redact syntax) to hide, on top of the built-in list. */
  redact: z.array(z.string().min(1)).default([]),
});

/** The gateway's config file, after `${ENV}` interpolation. Every section is optional. */
export const GatewayConfigSchema = z.strictObject({
  server: ServerConfigSchema.prefault({}),
  providers: z.record(name, ProviderConfigSchema).default({}),
  models: z.record(z.string().min(1), ModelConfigSchema).default({}),
  routing: RoutingConfigSchema.prefault({}),
  limits: LimitsConfigSchema.prefault({}),
  keys: KeysConfigSchema.prefault({}),
  prices: z.record(z.string().min(1), PriceEntrySchema).default({}),
  logging: LoggingConfigSchema.prefault({}),
  storage: StorageConfigSchema.prefault({}),
  responses: ResponsesConfigSchema.prefault({}),
  redis: RedisConfigSchema.prefault({}),
  cache: CacheConfigSchema.prefault({}),
  telemetry: TelemetryConfigSchema.prefault({}),
});
export type GatewayConfigFile = z.infer<typeof GatewayConfigSchema>;
