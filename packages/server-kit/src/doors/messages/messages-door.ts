import type { MessagesDoorNative } from '@switchyard/adapter-kit';
import { MESSAGES_DOOR } from '@switchyard/adapter-kit';
import { bearerToken } from '../../authorization.js';
import type { FrontDoor } from '../../front-door.js';
import { type CountMessagesTokens, countTokensRoute } from './count-tokens-route.js';
import { decodeMessagesRequest } from './decode-messages-request.js';
import { encodeMessagesResponse } from './encode-messages-response.js';
import { encodeMessagesError } from './messages-error.js';
import { MessagesStreamEncoder } from './messages-stream-encoder.js';

/** Options of {@link messagesDoor}. */
export interface MessagesDoorOptions {
  /**
   * Counts a request's input tokens for `POST /v1/messages/count_tokens`; without it that route
   * is not served.
   */
  readonly countTokens?: CountMessagesTokens;
  /**
   * Whether every deployment of `model` passes Messages requests through natively (see
   * `AdapterCapabilities.nativeDoors`): top-level fields the canonical request cannot carry are
   * then forwarded instead of refused. Default: never.
   */
  readonly servedNatively?: (model: string) => boolean;
}

/**
 * The Anthropic Messages API as a front door: `POST /v1/messages` (a query string such as
 * Claude Code's `?beta=true` is ignored) and, with `countTokens`, `POST
 * /v1/messages/count_tokens`. The key comes from `x-api-key` or `Authorization: Bearer`.
 * Requests are validated as Anthropic does and converted to the canonical chat request (a field
 * that cannot be carried is a 400 naming it); answers, streams and errors are encoded in
 * Anthropic's shapes and statuses. An adapter that speaks Messages itself finds the client's body
 * and `anthropic-beta` in `AdapterContext.frontDoor` and may relay the upstream's answer verbatim
 * (`withNativeFrames`, `withNativeBody`).
 *
 * @example
 * ```ts
 * const server = createChatServer({
 *   adapters: [adapter],
 *   doors: [messagesDoor({ countTokens: async ({ request }) => estimate(request) })],
 * });
 * ```
 */
export function messagesDoor(options: MessagesDoorOptions = {}): FrontDoor<MessagesDoorNative> {
  return {
    name: MESSAGES_DOOR,
    path: '/v1/messages',
    requestIdHeader: 'request-id',
    apiKey: (header) => header('x-api-key')?.trim() || bearerToken(header('authorization')),
    decode: (body, context) => decodeMessagesRequest(body, context.header, options.servedNatively),
    encodeCompletion: (completion, native) => encodeMessagesResponse(completion, native.body.model),
    streamEncoder: (native, context) =>
      new MessagesStreamEncoder({ model: native.body.model, fallbackId: context.requestId }),
    encodeError: encodeMessagesError,
    ...(options.countTokens
      ? { routes: [countTokensRoute(options.countTokens, options.servedNatively)] }
      : {}),
  };
}
