import { createHash } from 'node:crypto';
import type { ChatCompletionRequest } from '@switchyard/protocol';

/**
 * Request fields that never change the answer: how it is delivered (`stream`, `stream_options`),
 * who asked (`user`, `safety_identifier`, `metadata`), and upstream bookkeeping (`store`,
 * `prompt_cache_key`, `service_tier`). `model` is keyed as the resolved route instead. Every other
 * field, known or vendor-specific, is part of the key: an unknown field may well change the answer.
 */
const IGNORED_FIELDS: ReadonlySet<string> = new Set([
  'model',
  'stream',
  'stream_options',
  'user',
  'safety_identifier',
  'metadata',
  'store',
  'prompt_cache_key',
  'service_tier',
]);

/** Bumped whenever the key material or the stored entry changes shape: old entries then miss. */
const KEY_VERSION = 1;

function write(value: unknown, out: string[]): void {
  if (value === null || typeof value !== 'object') {
    // JSON.stringify gives undefined for undefined, functions and symbols: null, as in arrays.
    out.push(JSON.stringify(value) ?? 'null');
    return;
  }
  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      write(value[i], out);
    }
    out.push(']');
    return;
  }
  const record = value as Record<string, unknown>;
  out.push('{');
  let first = true;
  for (const name of Object.keys(record).sort()) {
    const field = record[name];
    if (field === undefined) continue;
    if (!first) out.push(',');
    first = false;
    out.push(JSON.stringify(name), ':');
    write(field, out);
  }
  out.push('}');
}

/** JSON with object keys sorted at every level, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, out);
  return out.join('');
}

export interface CacheKeyInput {
  /** Whose answers may be shared: a key id, or `*` for every caller. */
  readonly scope: string;
  /** The public model name after alias resolution (the route's name). */
  readonly model: string;
  /** The route's deployments (`provider/model`): a config change that re-points a name misses. */
  readonly deployments: readonly string[];
  readonly request: ChatCompletionRequest;
}

/**
 * SHA-256 (hex) of the scope, the resolved model and the answer-shaping fields of the request.
 * A field set to `null` counts as absent (`temperature: null` is the default temperature).
 */
export function cacheKey(input: CacheKeyInput): string {
  const body: Record<string, unknown> = {};
  const request = input.request as Record<string, unknown>;
  for (const name in request) {
    const value = request[name];
    if (value === null || value === undefined || IGNORED_FIELDS.has(name)) continue;
    body[name] = value;
  }
  const material = canonicalJson([
    KEY_VERSION,
    input.scope,
    input.model,
    [...input.deployments].sort(),
    body,
  ]);
  return createHash('sha256').update(material).digest('hex');
}
