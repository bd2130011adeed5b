import type { Logger } from '@switchyard/server-kit';
import pino, { type DestinationStream, type Level } from 'pino';

/** Object paths whose values never reach a log line, whatever logs them. */
export const REDACT_PATHS: readonly string[] = [
  'authorization',
  'apiKey',
  'api_key',
  'adminKey',
  'secret',
  'password',
  'token',
  'key',
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  'headers["x-goog-api-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  '*.authorization',
  '*.apiKey',
  '*.api_key',
  '*.adminKey',
  '*.secret',
  '*.password',
  '*.token',
  '*.key',
  '*.headers.authorization',
  '*.headers["x-api-key"]',
  '*.headers["x-goog-api-key"]',
  'providers[*].apiKey',
];

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

/** The gateway's JSON logger: pino, with redaction paths and the secret scrubber on every line. */
export function createLogger(options: CreateLoggerOptions): pino.Logger {
  const scrubber = options.scrubber ?? new SecretScrubber();
  return pino(
    {
      level: options.level,
      base: { service: 'switchyard' },
      redact: { paths: [...REDACT_PATHS, ...(options.redact ?? [])], censor: CENSOR },
      hooks: { streamWrite: (line) => scrubber.scrub(line) },
      formatters: { level: (label) => ({ level: label }) },
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
