/** How `response_format: json_schema` reaches the model. */
export type StructuredOutputMode = 'native' | 'tool';

// Oldest version of each family with native structured outputs (`output_config.format`).
const NATIVE_SINCE: Readonly<Record<string, readonly [number, number]>> = {
  opus: [4, 1],
  sonnet: [4, 5],
  haiku: [4, 5],
};

const MODEL_VERSION = /claude-(opus|sonnet|haiku)-(\d+)(?:-(\d+))?/;

/**
 * Whether a model id (also with a provider prefix or date suffix, e.g.
 * `us.anthropic.claude-sonnet-4-5-20250929-v1:0`) supports native structured outputs: Claude
 * Opus ≥ 4.1, Sonnet ≥ 4.5, Haiku ≥ 4.5 and any later generation. Older and unknown models
 * (Anthropic-compatible servers included) get the forced-tool fallback.
 */
export function supportsNativeStructuredOutput(model: string): boolean {
  const match = MODEL_VERSION.exec(model.toLowerCase());
  if (!match) return false;
  const since = NATIVE_SINCE[match[1] as string] as readonly [number, number];
  const major = Number(match[2]);
  // `claude-opus-4-20250514`: a date, not a minor version.
  const minorText = match[3];
  const minor = minorText !== undefined && minorText.length <= 2 ? Number(minorText) : 0;
  return major > since[0] || (major === since[0] && minor >= since[1]);
}

/** Resolves the adapter setting (`auto` by default) to the mode used for one model. */
export function structuredOutputMode(
  setting: 'auto' | StructuredOutputMode,
  model: string,
): StructuredOutputMode {
  if (setting !== 'auto') return setting;
  return supportsNativeStructuredOutput(model) ? 'native' : 'tool';
}
