import {
  type ChatCompletionRequest,
  encodeChunk,
  encodeErrorEvent,
  parseChatCompletionRequest,
  SSE_DONE,
} from '@switchyard/protocol';
import { statusOf } from '../../error-response.js';
import type { FrontDoor, StreamEncoder } from '../../front-door.js';

/**
 * `POST /v1/chat/completions`: the canonical protocol itself, so decoding is validation and
 * encoding is serialisation. The stream's usage goes out as one final `choices: []` chunk, only
 * when the client asked with `stream_options.include_usage`; then `[DONE]`.
 */
export const chatCompletionsDoor: FrontDoor<ChatCompletionRequest> = {
  name: 'chat.completions',
  path: '/v1/chat/completions',

  decode(body) {
    const request = parseChatCompletionRequest(body);
    return { request, native: request };
  },

  encodeCompletion(completion) {
    return completion;
  },

  streamEncoder(request): StreamEncoder {
    const includeUsage = request.stream_options?.include_usage === true;
    return {
      start: () => '',
      chunk: encodeChunk,
      end(usage, usageChunk) {
        return usage && includeUsage && usageChunk
          ? encodeChunk({ ...usageChunk, choices: [], usage }) + SSE_DONE
          : SSE_DONE;
      },
      error: encodeErrorEvent,
    };
  },

  encodeError(error) {
    return { status: statusOf(error), body: error.toEnvelope() };
  },
};
