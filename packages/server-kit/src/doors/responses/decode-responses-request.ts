import {
  BadRequestError,
  ErrorCode,
  NotFoundError,
  parseResponsesRequest,
  type ResponseInputItem,
} from '@switchyard/protocol';
import type { DecodedRequest, DoorContext } from '../../front-door.js';
import { outputAsInput } from './convert-output-items.js';
import { toChatMessages } from './convert-responses-input.js';
import { toChatRequest } from './convert-responses-request.js';
import { newId } from './response-ids.js';
import type { ResponseStore } from './response-store.js';
import type { ResponsesNative } from './responses-native.js';

/** What decoding needs besides the body. */
export interface DecodeDeps {
  readonly store: ResponseStore;
  readonly ownerOf: (principal: unknown) => string;
}

const ID_PREFIX = {
  message: 'msg',
  function_call: 'fc',
  function_call_output: 'fco',
  reasoning: 'rs',
} as const;

function withId(item: ResponseInputItem): ResponseInputItem {
  return item.id ? item : { ...item, id: newId(ID_PREFIX[item.type]) };
}

/** The ids this door gives responses: anything else is unknown without asking the store. */
const RESPONSE_ID = /^resp_[0-9a-f]{32}$/;

/** A stored response of the caller's, or the 404 OpenAI answers for an unknown (or foreign) id. */
export async function ownResponse(deps: DecodeDeps, context: DoorContext, id: string, param: string | null) {
  const stored = RESPONSE_ID.test(id) ? await deps.store.get(deps.ownerOf(context.principal), id) : undefined;
  if (stored) return stored;
  throw new NotFoundError({
    message: `No response found with id '${id.slice(0, 100)}' (responses expire, and only the key that created one can read it).`,
    code: ErrorCode.notFound,
    param,
    requestId: context.requestId,
  });
}

/**
 * Validates a `POST /v1/responses` body and turns it into the canonical chat request: the
 * conversation of `previous_response_id` (its input and output, tool calls included) first, then
 * this request's input, each item given an id for `input_items`.
 */
export async function decodeResponsesRequest(
  body: unknown,
  context: DoorContext,
  deps: DecodeDeps,
): Promise<DecodedRequest<ResponsesNative>> {
  const request = parseResponsesRequest(body);
  const history: ResponseInputItem[] = [];
  if (request.previous_response_id != null) {
    const previous = await ownResponse(deps, context, request.previous_response_id, 'previous_response_id');
    history.push(...previous.input, ...outputAsInput(previous.response.output));
  }
  const own: ResponseInputItem[] =
    typeof request.input === 'string'
      ? [{ type: 'message', role: 'user', content: request.input }]
      : request.input;
  const input = [...history, ...own.map(withId)];
  const messages = toChatMessages(request.instructions, input, (index) => {
    if (index < history.length) return 'previous_response_id';
    return typeof request.input === 'string' ? 'input' : `input[${index - history.length}]`;
  });
  if (!messages.some((message) => message.role !== 'system' && message.role !== 'developer')) {
    throw new BadRequestError({
      message: 'input has no message for the model to answer: send a user message or a function_call_output',
      code: ErrorCode.invalidRequest,
      param: 'input',
    });
  }
  return {
    request: toChatRequest(request, messages),
    native: {
      request,
      id: newId('resp'),
      createdAt: Date.now(),
      owner: deps.ownerOf(context.principal),
      input,
    },
  };
}
