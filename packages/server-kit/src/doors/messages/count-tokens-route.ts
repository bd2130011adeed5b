import type { MessagesDoorNative } from '@switchyard/adapter-kit';
import { type ChatCompletionRequest, parseMessagesCountTokensRequest } from '@switchyard/protocol';
import type { DoorContext, DoorRoute } from '../../front-door.js';
import { decodeMessagesRequest } from './decode-messages-request.js';

/** What a counting function is given: the request in both shapes, and the request's context. */
export interface CountMessagesTokensCall {
  /** The canonical request (`max_tokens: 1`: counting needs none). */
  readonly request: ChatCompletionRequest;
  /** The validated body as the client sent it, and its `anthropic-beta` header. */
  readonly native: MessagesDoorNative;
  readonly context: DoorContext;
}

/** Counts the input tokens of a request, natively where the model's provider can, else estimated. */
export type CountMessagesTokens = (call: CountMessagesTokensCall) => Promise<number>;

const PATH = '/v1/messages/count_tokens';

/**
 * `POST /v1/messages/count_tokens`: validates the body as Anthropic does (a Messages request
 * without `max_tokens`) and answers `{"input_tokens": N}` from `count`.
 */
export function countTokensRoute(
  count: CountMessagesTokens,
  servedNatively?: (model: string) => boolean,
): DoorRoute {
  return {
    name: 'messages.count_tokens',
    method: 'POST',
    match: (path) => (path === PATH ? {} : undefined),
    async handle({ context, body }) {
      const counting = parseMessagesCountTokensRequest(body);
      const { request, native } = decodeMessagesRequest(
        { ...counting, max_tokens: 1 },
        context.header,
        servedNatively,
      );
      const input_tokens = await count({ request, native, context });
      return { status: 200, body: { input_tokens } };
    },
  };
}
