import type { Logger } from '@switchyard/server-kit';
import pino, { type DestinationStream, type Level } from 'pino';

/** Field names whose values never reach a log line, wherever they appear. */
const SECRET_FIELD_NAMES: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-goog-api-key',
  'apiKey',
  'api_key',
  'adminKey',
  'secret',
  'password',
  'token',
  'key',
];

/**
 * The same names in lower case, checked at any depth up to {@link REDACT_DEPTH} in one pass over
 * a line's own fields (a list of pino redaction paths with wildcards costs a walk per path).
 */
const SECRET_FIELDS: ReadonlySet<string> = new Set(SECRET_FIELD_NAMES.map((name) => name.toLowerCase()));

const REDACT_DEPTH = 4;

/**
 * The same names as top-level pino redaction paths, for child-logger bindings (which no formatter
 * sees). Without wildcards pino checks them with one lookup per field: free on ordinary lines.
 */
const BINDING_PATHS: readonly string[] = SECRET_FIELD_NAMES.map((name) =>
  /^[A-Za-z_$][\w$]*$/.test(name) ? name : `["${name}"]`,
);

const CENSOR = '[redacted]';

/**
 * Key-shaped strings that are masked wherever they appear in a line, even inside a message:
 * bearer tokens, `sk-…` keys (ours are `sk-sy-…`), Google `AIza…` keys.
 */
const KEY_PATTERN = /\b(?:Bearer\s+)[A-Za-z0-9._~+/=-]{8,}|\bsk-[A-Za-z0-9_-]{12,}|\bAIza[A-Za-z0-9_-]{30,}/g;

/**
 * Exact secret values (upstream API keys, the admin key, keys created at runtime) scrubbed from
 * every log line as a last line of defence behind the redaction paths.
 */
export class SecretScrubber {
  readonly #secrets = new Set<string>();

  /** Adds a secret; values shorter than 8 characters are ignored (too likely to match ordinary text). */
  add(secret: string | undefined): void {
    if (secret && secret.length >= 8) this.#secrets.add(secret);
  }

  scrub(line: string): string {
    let out = line;
    for (const secret of this.#secrets) {
      if (out.includes(secret)) out = out.split(secret).join(CENSOR);
    }
    return out.replace(KEY_PATTERN, CENSOR);
  }
}

export interface CreateLoggerOptions {
  readonly level: Level | 'silent';
  /** Extra redaction paths (pino syntax) from the config. */
  readonly redact?: readonly string[];
  readonly scrubber?: SecretScrubber;
  /** Where lines go; stdout by default. */
  readonly destination?: DestinationStream;
}

/** `value` with every secret-named field censored; the same object when there is none. */
function redactSecrets(value: Record<string, unknown>, depth: number): Record<string, unknown> {
  let out = value;
  for (const name in value) {
    const field = value[name];
    let next = field;
    if (SECRET_FIELDS.has(name.toLowerCase())) next = CENSOR;
    else if (depth < REDACT_DEPTH && typeof field === 'object' && field !== null) {
      next = Array.isArray(field)
        ? redactArray(field, depth + 1)
        : redactSecrets(field as Record<string, unknown>, depth + 1);
    }
    if (next !== field) {
      if (out === value) out = { ...value };
      out[name] = next;
    }
  }
  return out;
}

function redactArray(items: unknown[], depth: number): unknown[] {
  let out = items;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (typeof item !== 'object' || item === null) continue;
    const next = Array.isArray(item)
      ? redactArray(item, depth + 1)
      : redactSecrets(item as Record<string, unknown>, depth + 1);
    if (next !== item) {
      if (out === items) out = [...items];
      out[i] = next;
    }
  }
  return out;
}

/**
 * The gateway's JSON logger: pino, with secret-named fields censored at any depth (and in child
 * bindings), configured extra redaction paths (pino syntax), and the secret scrubber on every line.
 */
export function createLogger(options: CreateLoggerOptions): pino.Logger {
  const scrubber = options.scrubber ?? new SecretScrubber();
  return pino(
    {
      level: options.level,
      base: { service: 'switchyard' },
      redact: { paths: [...BINDING_PATHS, ...(options.redact ?? [])], censor: CENSOR },
      hooks: { streamWrite: (line) => scrubber.scrub(line) },
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => redactSecrets(object, 0),
      },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}

/** The server-kit/adapter `Logger` interface over a pino logger. */
export function toKitLogger(logger: pino.Logger): Logger {
  return {
    debug: (message, fields) => logger.debug(fields ?? {}, message),
    info: (message, fields) => logger.info(fields ?? {}, message),
    warn: (message, fields) => logger.warn(fields ?? {}, message),
    error: (message, fields) => logger.error(fields ?? {}, message),
  };
}
