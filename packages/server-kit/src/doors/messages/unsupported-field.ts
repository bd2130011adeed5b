import { BadRequestError, ErrorCode } from '@switchyard/protocol';

/**
 * The 400 for a Messages field this gateway cannot carry to the canonical request: it is refused
 * rather than dropped, so that a client never gets an answer to a question it did not ask.
 */
export function unsupportedField(param: string, why: string): BadRequestError {
  return new BadRequestError({
    message: `${param} is not supported by this gateway's /v1/messages: ${why}`,
    code: ErrorCode.unsupportedParameter,
    param,
  });
}

/** Refuses the first key of `value` outside `known`, naming it under `path`. */
export function refuseUnknownKeys(value: object, known: ReadonlySet<string>, path: string): void {
  for (const key of Object.keys(value)) {
    if (known.has(key)) continue;
    throw unsupportedField(
      path ? `${path}.${key}` : key,
      'remove it, or route to a deployment that understands it.',
    );
  }
}
