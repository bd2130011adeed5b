/** Delta keys the accumulator handles itself; any other key is a vendor field. */
export const KNOWN_DELTA_KEYS: ReadonlySet<string> = new Set([
  'role',
  'content',
  'reasoning_content',
  'reasoning',
  'refusal',
  'tool_calls',
  'function_call',
  // Mistral repeats the choice index inside the delta: structure, not content.
  'index',
]);

/** Tool-call delta keys the accumulator handles itself. */
export const KNOWN_TOOL_CALL_KEYS: ReadonlySet<string> = new Set(['index', 'id', 'type', 'function']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Folds the vendor fields of one delta into what came before, the way streams spell them: strings
 * are appended, arrays concatenated, objects merged key by key, anything else replaced. Carries
 * fields such as Anthropic `reasoning_details` or Gemini `extra_content` thought signatures from a
 * stream into the completion, so a stream and a whole answer hold the same message.
 */
export function mergeVendorFields(
  target: Record<string, unknown>,
  source: Record<string, unknown>,
  known: ReadonlySet<string>,
): void {
  for (const key of Object.keys(source)) {
    if (known.has(key) || key === '__proto__') continue;
    const value = source[key];
    if (value === undefined || value === null) continue;
    target[key] = mergeValue(target[key], value);
  }
}

function mergeValue(before: unknown, value: unknown): unknown {
  if (before === undefined) return isPlainObject(value) ? mergeValue({}, value) : value;
  if (typeof before === 'string' && typeof value === 'string') return before + value;
  if (Array.isArray(before) && Array.isArray(value)) return before.concat(value);
  if (isPlainObject(before) && isPlainObject(value)) {
    const merged: Record<string, unknown> = { ...before };
    for (const key of Object.keys(value)) {
      if (key === '__proto__') continue;
      merged[key] = value[key] === undefined ? merged[key] : mergeValue(merged[key], value[key]);
    }
    return merged;
  }
  return value;
}

/** The vendor fields of an object (message or tool call), or undefined when it has none. */
export function vendorFields(
  source: Record<string, unknown>,
  known: ReadonlySet<string>,
): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(source)) {
    if (known.has(key) || source[key] === undefined || source[key] === null) continue;
    out ??= {};
    out[key] = source[key];
  }
  return out;
}
