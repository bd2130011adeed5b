import { ProtocolError } from '@switchyard/protocol';

/** Stable codes of the errors the client itself raises (about the output, or the tool loop). */
export const ClientErrorCode = {
  refusal: 'refusal',
  contentFilter: 'content_filter',
  outputTruncated: 'output_truncated',
  outputInvalid: 'output_invalid',
  maxStepsExceeded: 'max_steps_exceeded',
  invalidToolCall: 'invalid_tool_call',
} as const;

/** One of the stable codes in {@link ClientErrorCode}. */
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

interface ClientErrorInit {
  message: string;
  code: string;
  requestId: string | null;
}

/** The fields shared by the client's own errors. */
export function clientErrorInit({ message, code, requestId }: ClientErrorInit) {
  // These follow a successful exchange (HTTP 200): the model's output is what cannot be used,
  // and sending the same request again is no cure, so none of them is retryable.
  return { message, code, requestId, status: 200, type: 'invalid_output_error', retryable: false };
}

/**
 * Any error class, whatever its constructor takes: the `this` of an `isInstance` override.
 * (The base signature's `typeof ProtocolError` would reject subclasses whose constructor differs.)
 */
export type ErrorClass = abstract new (...args: never[]) => ProtocolError;

/** Code-based `isInstance`: works across duplicate installs, like the protocol's. */
export function hasCode(value: unknown, code: string): boolean {
  return ProtocolError.isInstance(value) && value.code === code;
}
