import type { ResponseObject } from '@switchyard/protocol';
import type { FrontDoor } from '../../front-door.js';
import type { DecodeDeps } from './decode-responses-request.js';
import { decodeResponsesRequest } from './decode-responses-request.js';
import { encodeResponse } from './encode-response.js';
import { createMemoryResponseStore, type ResponseStore } from './response-store.js';
import type { ResponsesNative } from './responses-native.js';
import { responsesRoutes } from './responses-routes.js';
import { createResponsesStreamEncoder } from './responses-stream-encoder.js';

/** Options of {@link responsesDoor}. */
export interface ResponsesDoorOptions {
  /** Where responses are kept (default: this process's memory, 30 days, 10,000 responses). */
  readonly store?: ResponseStore;
  /**
   * Who owns the caller's responses, from what `authenticate` returned (e.g. the API key's id).
   * Without it every caller shares one owner: give one whenever callers must not read each
   * other's responses.
   */
  readonly ownerOf?: (principal: unknown) => string;
  /**
   * A response could not be stored. The answer still goes out; only retrieving or continuing it
   * fails later. By default the error is dropped.
   */
  readonly onStoreError?: (error: unknown, responseId: string) => void;
}

/**
 * The OpenAI Responses API as a front door (`POST /v1/responses`, `GET`/`DELETE
 * /v1/responses/{id}`, `GET /v1/responses/{id}/input_items`) over the canonical chat pipeline, so
 * every model the server serves answers it. Responses are stored unless `store: false`, and
 * `previous_response_id` continues a stored conversation, tool outputs included.
 *
 * @example
 * ```ts
 * const server = createChatServer({
 *   adapters: [createSimulatorAdapter()],
 *   doors: [chatCompletionsDoor(), responsesDoor({ ownerOf: (principal) => String(principal) })],
 * });
 * ```
 */
export function responsesDoor(options: ResponsesDoorOptions = {}): FrontDoor<ResponsesNative> {
  const deps: DecodeDeps = {
    store: options.store ?? createMemoryResponseStore(),
    ownerOf: options.ownerOf ?? (() => ''),
  };
  const save = async (response: ResponseObject, native: ResponsesNative) => {
    if (native.request.store === false) return;
    try {
      await deps.store.put({
        id: response.id,
        owner: native.owner,
        createdAt: native.createdAt,
        response,
        input: native.input,
      });
    } catch (error) {
      options.onStoreError?.(error, response.id);
    }
  };
  return {
    name: 'responses',
    path: '/v1/responses',
    decode: (body, context) => decodeResponsesRequest(body, context, deps),
    async encodeCompletion(completion, native) {
      const response = encodeResponse(completion, native);
      await save(response, native);
      return response;
    },
    streamEncoder: (native) => createResponsesStreamEncoder(native, (response) => save(response, native)),
    encodeError: (error) => ({ status: error.status, body: error.toEnvelope() }),
    routes: responsesRoutes(deps),
  };
}
