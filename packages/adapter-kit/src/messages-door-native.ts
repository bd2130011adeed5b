import type { MessagesRequest } from '@switchyard/protocol';
import type { AdapterContext } from './chat-adapter.js';

/** The name of the Anthropic Messages front door (`POST /v1/messages`). */
export const MESSAGES_DOOR = 'messages';

/**
 * What the Messages front door keeps of a request (`AdapterContext.frontDoor.native`): the
 * validated body as the client sent it and the Anthropic headers that change its meaning. An
 * adapter speaking the Messages API sends `body` (with its own model) instead of converting the
 * canonical request.
 */
export interface MessagesDoorNative {
  readonly body: MessagesRequest;
  /** The client's `anthropic-beta` header (comma-separated beta names), if any. */
  readonly anthropicBeta: string | undefined;
}

/** The Messages request behind this adapter call, when it came in through the Messages door. */
export function messagesDoorNative(
  context: Pick<AdapterContext, 'frontDoor'>,
): MessagesDoorNative | undefined {
  const door = context.frontDoor;
  return door?.name === MESSAGES_DOOR ? (door.native as MessagesDoorNative) : undefined;
}
