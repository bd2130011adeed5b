import { BadRequestError, type ChatCompletionRequest, ErrorCode } from '@switchyard/protocol';

/**
 * Request fields that tune delivery or the caller's own bookkeeping and never change the answer's
 * content: an adapter may accept them without sending them on. Every other field an adapter does
 * not send on must be rejected (400 `unsupported_parameter` naming it), never silently dropped.
 */
export const METADATA_ONLY_FIELDS: ReadonlySet<string> = new Set([
  'stream',
  'stream_options',
  'store',
  'metadata',
  'service_tier',
  'prompt_cache_key',
  'user',
  'safety_identifier',
]);

/** Options of {@link rejectUnknownFields}. */
export interface RequestFieldPolicy {
  /** The adapter's name in the message: `the Anthropic adapter`. */
  readonly adapterName: string;
  /** The fields the adapter reads and sends on (its conversion's inputs). */
  readonly mapped: ReadonlySet<string>;
  /**
   * Fields beyond {@link METADATA_ONLY_FIELDS} the adapter accepts and drops on purpose; list each
   * in the adapter's README with the reason.
   */
  readonly ignored?: ReadonlySet<string>;
}

/**
 * Fails on the first field of `request` (set, not null) that the adapter neither maps nor may
 * ignore: a 400 `unsupported_parameter` whose `param` names the field. Call it before converting,
 * so that a field a newer protocol version adds is refused rather than lost.
 *
 * @example
 * ```ts
 * const MAPPED = new Set(['model', 'messages', 'temperature', 'max_tokens', 'stop']);
 * rejectUnknownFields(request, { adapterName: 'Acme', mapped: MAPPED });
 * ```
 */
export function rejectUnknownFields(request: ChatCompletionRequest, policy: RequestFieldPolicy): void {
  for (const [field, value] of Object.entries(request)) {
    if (value == null || policy.mapped.has(field) || METADATA_ONLY_FIELDS.has(field)) continue;
    if (policy.ignored?.has(field)) continue;
    throw new BadRequestError({
      message: `${field} is not supported by the ${policy.adapterName} adapter.`,
      code: ErrorCode.unsupportedParameter,
      param: field,
    });
  }
}
