import { BadRequestError, ErrorCode } from '@switchyard/protocol';

/**
 * Request fields with which an upstream answers from another model or provider than the
 * deployment the gateway routed to, and bills: a key scoped to one model would reach others, at
 * prices the ledger does not see. Each with what it does, for the refusal's message.
 */
export const VENDOR_ROUTING_FIELDS: Readonly<Record<string, string>> = {
  models: "OpenRouter's fallback models",
  route: "OpenRouter's routing mode for `models`",
  provider: "OpenRouter's provider preferences",
  fallbacks: "LiteLLM's fallback models",
};

/**
 * Refuses a request that sets one of the {@link VENDOR_ROUTING_FIELDS} (400 `unsupported_parameter`
 * naming it); `null` counts as not set.
 */
export function refuseVendorRoutingFields(fields: Readonly<Record<string, unknown>>): void {
  for (const field of Object.keys(VENDOR_ROUTING_FIELDS)) {
    if (!Object.hasOwn(fields, field) || fields[field] === null) continue;
    throw new BadRequestError({
      message:
        `\`${field}\` (${VENDOR_ROUTING_FIELDS[field]}) would let the upstream answer with another model or ` +
        'provider than the one this gateway routes to and bills, so it is not forwarded: remove it, and ' +
        'choose among the models this gateway lists (an operator can allow it with `limits.allowRoutingFields`).',
      code: ErrorCode.unsupportedParameter,
      param: field,
    });
  }
}
