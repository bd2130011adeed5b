import { z } from 'zod';
import type { Closed } from '../closed.js';
import { openEnum } from '../open-enum.js';

/** The `error.type` values of Anthropic's error envelope. */
export const MESSAGES_ERROR_TYPES = [
  'invalid_request_error',
  'authentication_error',
  'billing_error',
  'permission_error',
  'not_found_error',
  'request_too_large',
  'rate_limit_error',
  'timeout_error',
  'api_error',
  'overloaded_error',
] as const;

/**
 * Anthropic's error body `{"type":"error","error":{"type","message"}}` (also the `data` of a
 * stream's `error` event), parsed leniently.
 */
export const MessagesErrorSchema = z.looseObject({
  type: z.literal('error'),
  error: z.looseObject({ type: openEnum(MESSAGES_ERROR_TYPES), message: z.string() }),
  request_id: z.string().nullish(),
});

/** One of Anthropic's `error.type` values. */
export type MessagesErrorType = (typeof MESSAGES_ERROR_TYPES)[number];
/** Anthropic's error body. */
export type MessagesError = Closed<z.output<typeof MessagesErrorSchema>>;
