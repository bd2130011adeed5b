import { isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import { closest } from '../text/closest-names.js';
import { ConfigError, type ConfigIssue, formatPath } from './config-error.js';
import {
  type AdmissionConfig,
  type BreakerConfigSchema,
  type CacheConfig,
  type CorsConfig,
  type GatewayConfigFile,
  GatewayConfigSchema,
  type LimitsConfigSchema,
  type LOG_LEVELS,
  type PriceEntrySchema,
  type RoutingConfig,
  type Strategy,
} from './config-schema.js';
import {
  ENV_PROVIDERS,
  providersFromEnv,
  type ResolvedProvider,
  SIMULATOR_PROVIDER_NAME,
} from './env-providers.js';
import type { TracingConfig } from './tracing-config.js';
import { parseWorkers, WORKERS_EXPECTED, type WorkersSetting, workerCount } from './worker-count.js';
import { issuesFromZod } from './zod-issues.js';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8787;
export const DEFAULT_DATA_DIR = '.switchyard';
/** The SQLite file inside the data directory. */
export const DATABASE_FILE = 'switchyard.db';

/** One upstream target of a public model. */
export interface ResolvedDeployment {
  readonly provider: string;
  readonly model: string;
  readonly weight: number;
  readonly timeoutMs: number | undefined;
}

/** A public model name declared in the config, with its routing. */
export interface ResolvedModel {
  readonly name: string;
  readonly strategy: Strategy;
  readonly deployments: readonly ResolvedDeployment[];
  readonly aliases: readonly string[];
  readonly retries: number | undefined;
  readonly timeoutMs: number | undefined;
  readonly description: string | undefined;
}

/** Everything the gateway runs with: file, env and flags merged, paths absolute, references checked. */
export interface ResolvedConfig {
  readonly server: {
    readonly host: string;
    readonly port: number;
    readonly dataDir: string;
    readonly bodyLimitBytes: number;
    readonly responseLimitBytes: number;
    readonly shutdownTimeoutMs: number;
    readonly headersTimeoutMs: number;
    readonly requestTimeoutMs: number;
    /** `true`: serve the playground build if it exists; a path: serve that directory. */
    readonly playground: boolean | string;
    readonly cors: CorsConfig;
    readonly admission: AdmissionConfig;
    /** Processes serving the port (`auto` resolved to the core count); 1: no cluster. */
    readonly workers: number;
  };
  /** In bare-model-name priority order: file providers first, then env ones, the simulator last. */
  readonly providers: readonly ResolvedProvider[];
  readonly models: readonly ResolvedModel[];
  readonly routing: RoutingConfig;
  readonly limits: z.infer<typeof LimitsConfigSchema>;
  readonly adminKey: string | undefined;
  /** `keys.lookupsPerSecond`: the bound on shared-store lookups of keys unknown to this instance. */
  readonly keyLookupsPerSecond: number;
  /** `prices:` as written: per model, or per configured provider and model. */
  readonly prices: Readonly<Record<string, z.infer<typeof PriceEntrySchema>>>;
  readonly logging: { readonly level: (typeof LOG_LEVELS)[number]; readonly redact: readonly string[] };
  /** `postgres://…` for shared storage; `undefined`: SQLite in the data directory. */
  readonly storage: { readonly url: string | undefined };
  /** Stored responses (`POST /v1/responses`): how long they are kept. */
  readonly responses: { readonly retentionSeconds: number };
  /** `redis://…` for limits shared across instances; `undefined`: per process. */
  readonly redis: { readonly url: string | undefined };
  /** The response cache (off unless `enabled`); shared through Redis when `redis.url` is set. */
  readonly cache: CacheConfig;
  /** OpenTelemetry traces (off unless an OTLP endpoint is set, in the config or the environment). */
  readonly telemetry: TracingConfig;
  /** The config file, when one was read. */
  readonly source: string | undefined;
}

export type Breaker = z.infer<typeof BreakerConfigSchema>;

/** Values from command-line flags; they win over env and file. */
export interface ConfigOverrides {
  host?: string;
  port?: number;
  dataDir?: string;
  workers?: WorkersSetting;
}

export interface ResolveConfigInput {
  /** The parsed (and env-interpolated) config file, or `undefined` for zero config. */
  readonly file?: unknown;
  /** Path of that file, for messages and to resolve relative paths in it. */
  readonly source?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly overrides?: ConfigOverrides;
  /** Problems already found in the file (unset `${ENV}` references), reported with the rest. */
  readonly issues?: readonly ConfigIssue[];
}

function port(value: string | undefined, issues: ConfigIssue[]): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const parsed = Number(value);
  if (Number.isInteger(parsed) && parsed >= 0 && parsed <= 65_535) return parsed;
  issues.push({
    path: 'env.PORT',
    message: `${JSON.stringify(value)} is not a port`,
    fix: 'set PORT to 0–65535',
  });
  return undefined;
}

function workersFromEnv(value: string | undefined, issues: ConfigIssue[]): WorkersSetting | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const parsed = parseWorkers(value);
  if (parsed === undefined)
    issues.push({
      path: 'env.SWITCHYARD_WORKERS',
      message: `${JSON.stringify(value)} is not a number of workers`,
      fix: `set SWITCHYARD_WORKERS to ${WORKERS_EXPECTED}`,
    });
  return parsed;
}

function urlFromEnv(
  env: ResolveConfigInput['env'],
  name: string,
  protocol: RegExp,
  example: string,
  issues: ConfigIssue[],
): string | undefined {
  const value = env[name]?.trim();
  if (!value) return undefined;
  try {
    if (protocol.test(new URL(value).protocol)) return value;
  } catch {}
  // The value may hold a password: never echo it.
  issues.push({
    path: `env.${name}`,
    message: 'is not a valid URL of the expected kind',
    fix: `use e.g. ${example}`,
  });
  return undefined;
}

/**
 * Tracing is on with an OTLP endpoint: the standard variables (read by the exporter itself) win
 * over `telemetry.otlp`; `OTEL_SDK_DISABLED=true` turns it off whatever else is set.
 */
function resolveTelemetry(
  file: GatewayConfigFile['telemetry'],
  env: ResolveConfigInput['env'],
  issues: ConfigIssue[],
): TracingConfig {
  const captureContent = file.captureContent;
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return { otlp: undefined, captureContent };
  const headers = file.otlp?.headers ?? {};
  const http = /^https?:$/;
  const fromEnv =
    urlFromEnv(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', http, 'http://collector:4318/v1/traces', issues) ??
    urlFromEnv(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', http, 'http://collector:4318', issues);
  if (fromEnv) return { otlp: { url: undefined, headers }, captureContent };
  if (!file.otlp) return { otlp: undefined, captureContent };
  return { otlp: { url: `${file.otlp.endpoint.replace(/\/+$/, '')}/v1/traces`, headers }, captureContent };
}

function mergeProvider(
  envProvider: ResolvedProvider | undefined,
  name: string,
  file: GatewayConfigFile['providers'][string],
): ResolvedProvider {
  const inherit = envProvider && envProvider.type === file.type ? envProvider : undefined;
  return {
    name,
    type: file.type,
    module: file.module,
    preset: file.preset ?? inherit?.preset,
    baseURL: file.baseURL?.replace(/\/+$/, '') ?? inherit?.baseURL,
    apiKey: file.apiKey ?? inherit?.apiKey,
    headers: file.headers,
    models: file.models,
    discover: file.discover ?? file.models === undefined,
    passthrough: file.passthrough,
    options: file.options,
    timeoutMs: file.timeoutMs,
    origin: 'file',
  };
}

function resolveProviders(
  file: Pick<GatewayConfigFile, 'providers'>,
  env: ResolveConfigInput['env'],
  issues: ConfigIssue[],
): ResolvedProvider[] {
  const fromEnv = providersFromEnv(env);
  issues.push(...fromEnv.issues);
  const byName = new Map(fromEnv.providers.map((p) => [p.name, p]));
  const declared = Object.entries(file.providers).map(([name, config]) =>
    mergeProvider(byName.get(name), name, config),
  );
  const declaredNames = new Set(declared.map((p) => p.name));
  const providers = [...declared, ...fromEnv.providers.filter((p) => !declaredNames.has(p.name))];
  // The built-in simulator beside real providers is an extra: its tokenizer (~60 MB of memory) is
  // loaded on its first request, not at start. Alone (the first hour), it is warmed at start.
  return providers.length === 1
    ? providers
    : providers.map((p) =>
        p.origin === 'builtin' && p.name === SIMULATOR_PROVIDER_NAME
          ? { ...p, options: { ...p.options, warmTokenizer: false } }
          : p,
      );
}

/** The provider a deployment names, read from the raw file (a "provider/model" string or an object). */
function providerOf(deployment: unknown): string | undefined {
  if (typeof deployment === 'string') return deployment.includes('/') ? deployment.split('/')[0] : undefined;
  const provider = (deployment as { provider?: unknown } | null)?.provider;
  return typeof provider === 'string' ? provider : undefined;
}

/**
 * Flags deployments that name a provider nobody configured. Reads the raw `models:` section, so
 * that it runs even where other parts of a model do not validate, in the same pass as those errors.
 */
function checkProviderReferences(
  models: unknown,
  providerNames: readonly string[],
  issues: ConfigIssue[],
): void {
  if (models === null || typeof models !== 'object') return;
  for (const [name, model] of Object.entries(models)) {
    const deployments = (model as { deployments?: unknown } | null)?.deployments;
    if (!Array.isArray(deployments)) continue;
    deployments.forEach((deployment, i) => {
      const provider = providerOf(deployment);
      if (provider === undefined || providerNames.includes(provider)) return;
      const env = ENV_PROVIDERS.find((p) => p.name === provider);
      const guess = closest(provider, providerNames);
      issues.push({
        path: formatPath(['models', name, 'deployments', i, 'provider']),
        message: `provider "${provider}" is not configured`,
        fix: env
          ? `set ${env.keyVar} in the environment, or declare providers.${env.name}`
          : guess
            ? `did you mean "${guess}"? Configured: ${providerNames.join(', ')}`
            : `declare it under providers:, or use one of: ${providerNames.join(', ')}`,
      });
    });
  }
}

function resolveModels(file: Pick<GatewayConfigFile, 'models'>, issues: ConfigIssue[]): ResolvedModel[] {
  const taken = new Map<string, string>();
  const claim = (publicName: string, path: string) => {
    const owner = taken.get(publicName);
    if (owner) {
      issues.push({
        path,
        message: `"${publicName}" is already used by ${owner}`,
        fix: 'give every model and alias a distinct name',
      });
    } else taken.set(publicName, path);
  };
  const models: ResolvedModel[] = [];
  for (const [name, model] of Object.entries(file.models)) {
    const at = formatPath(['models', name]);
    claim(name, at);
    for (const [i, alias] of (model.aliases ?? []).entries())
      claim(alias, formatPath(['models', name, 'aliases', i]));
    if (model.strategy !== 'fallback' && model.deployments.length < 2) {
      issues.push({
        path: formatPath(['models', name, 'strategy']),
        message: `"${model.strategy}" needs at least two deployments to choose from`,
        fix: 'add deployments, or use strategy: fallback',
      });
    }
    models.push({
      name,
      strategy: model.strategy,
      deployments: model.deployments.map((d) => ({
        provider: d.provider,
        model: d.model,
        weight: d.weight,
        timeoutMs: d.timeoutMs,
      })),
      aliases: model.aliases ?? [],
      retries: model.retries,
      timeoutMs: model.timeoutMs,
      description: model.description,
    });
  }
  return models;
}

/**
 * Validates a parsed config file and merges it with the environment and flags (flags > env >
 * file > defaults). Throws a {@link ConfigError} listing every problem, each with its path and fix.
 */
export function resolveConfig(input: ResolveConfigInput): ResolvedConfig {
  const { env, cwd } = input;
  const raw =
    typeof input.file === 'object' && input.file !== null ? (input.file as Record<string, unknown>) : {};
  const prior = input.issues ?? [];
  const parsed = GatewayConfigSchema.safeParse(input.file ?? {});
  if (!parsed.success) {
    // Report everything in one pass: the file's earlier issues (unset ${ENV}), the schema's (except
    // at paths already reported: an unset variable reads as ""), and the cross-references.
    const reported = new Set(prior.map((issue) => issue.path));
    const issues = [
      ...prior,
      ...issuesFromZod(parsed.error, GatewayConfigSchema, input.file).filter((i) => !reported.has(i.path)),
    ];
    const providers = GatewayConfigSchema.shape.providers.safeParse(raw.providers);
    const declared = new Set([
      ...Object.keys(typeof raw.providers === 'object' && raw.providers !== null ? raw.providers : {}),
      ...resolveProviders({ providers: providers.success ? providers.data : {} }, env, []).map((p) => p.name),
    ]);
    checkProviderReferences(raw.models, [...declared], issues);
    const models = GatewayConfigSchema.shape.models.safeParse(raw.models);
    if (models.success) resolveModels({ models: models.data }, issues);
    throw new ConfigError(issues, input.source);
  }
  const file = parsed.data;
  const issues: ConfigIssue[] = [...prior];
  const fileDir = input.source ? resolve(cwd, input.source, '..') : cwd;
  const fromFile = (path: string) => (isAbsolute(path) ? path : resolve(fileDir, path));
  const fromCwd = (path: string) => resolve(cwd, path);

  const providers = resolveProviders(file, env, issues);
  checkProviderReferences(
    raw.models,
    providers.map((p) => p.name),
    issues,
  );
  const models = resolveModels(file, issues);
  if (file.routing.backoff.initialMs > file.routing.backoff.maxMs) {
    issues.push({
      path: 'routing.backoff.initialMs',
      message: `${file.routing.backoff.initialMs} is larger than routing.backoff.maxMs (${file.routing.backoff.maxMs})`,
      fix: 'make initialMs ≤ maxMs',
    });
  }
  const envPort = port(env.PORT, issues);
  const envWorkers = workersFromEnv(env.SWITCHYARD_WORKERS, issues);
  const level = env.SWITCHYARD_LOG_LEVEL?.trim();
  const levels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
  const envLevel = levels.find((l) => l === level);
  if (level && !envLevel) {
    issues.push({
      path: 'env.SWITCHYARD_LOG_LEVEL',
      message: `${JSON.stringify(level)} is not a log level`,
      fix: `use one of: ${levels.join(', ')}`,
    });
  }
  const adminKey = env.SWITCHYARD_ADMIN_KEY?.trim() || file.keys.adminKey;
  if (adminKey !== undefined && adminKey.length < 16) {
    issues.push({
      path: env.SWITCHYARD_ADMIN_KEY ? 'env.SWITCHYARD_ADMIN_KEY' : 'keys.adminKey',
      message: 'the admin key is shorter than 16 characters',
      fix: 'use a long random value, e.g. the output of `openssl rand -hex 24`',
    });
  }
  const storageUrl = urlFromEnv(
    env,
    'SWITCHYARD_STORAGE_URL',
    /^postgres(ql)?:$/,
    'postgres://user:password@host:5432/db',
    issues,
  );
  const redisUrl = urlFromEnv(env, 'SWITCHYARD_REDIS_URL', /^rediss?:$/, 'redis://host:6379', issues);
  const telemetry = resolveTelemetry(file.telemetry, env, issues);
  if (file.cache.maxEntryBytes > file.cache.maxBytes) {
    issues.push({
      path: 'cache.maxEntryBytes',
      message: `${file.cache.maxEntryBytes} is larger than cache.maxBytes (${file.cache.maxBytes})`,
      fix: 'make maxEntryBytes ≤ maxBytes',
    });
  }
  if (issues.length > 0) throw new ConfigError(issues, input.source);

  const { overrides = {} } = input;
  const dataDir = overrides.dataDir
    ? fromCwd(overrides.dataDir)
    : env.SWITCHYARD_DATA_DIR?.trim()
      ? fromCwd(env.SWITCHYARD_DATA_DIR.trim())
      : file.server.dataDir
        ? fromFile(file.server.dataDir)
        : fromCwd(DEFAULT_DATA_DIR);
  return {
    server: {
      host: overrides.host ?? (env.HOST?.trim() || undefined) ?? file.server.host ?? DEFAULT_HOST,
      port: overrides.port ?? envPort ?? file.server.port ?? DEFAULT_PORT,
      dataDir,
      bodyLimitBytes: file.server.bodyLimitBytes,
      responseLimitBytes: file.server.responseLimitBytes,
      shutdownTimeoutMs: file.server.shutdownTimeoutMs,
      headersTimeoutMs: Math.min(file.server.headersTimeoutMs, file.server.requestTimeoutMs),
      requestTimeoutMs: file.server.requestTimeoutMs,
      cors: {
        origins: file.server.cors.origins.map((o) => (o === '*' ? o : new URL(o).origin)),
        admin: file.server.cors.admin,
      },
      playground:
        typeof file.server.playground === 'string'
          ? fromFile(file.server.playground)
          : file.server.playground,
      admission: file.server.admission,
      workers: workerCount(overrides.workers ?? envWorkers ?? file.server.workers),
    },
    providers,
    models,
    routing: file.routing,
    limits: file.limits,
    adminKey,
    keyLookupsPerSecond: file.keys.lookupsPerSecond,
    prices: file.prices,
    logging: { level: envLevel ?? file.logging.level, redact: file.logging.redact },
    storage: { url: storageUrl ?? file.storage.url },
    responses: file.responses,
    redis: { url: redisUrl ?? file.redis.url },
    cache: file.cache,
    telemetry,
    source: input.source,
  };
}
