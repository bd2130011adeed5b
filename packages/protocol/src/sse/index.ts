export { ChunkJsonParser } from './chunk-json-parser.js';
export { decodeSSE } from './decode-sse.js';
export { type ReadSSEMessagesOptions, readSSEMessages, type SSEMessage } from './read-sse-messages.js';
export { createSSEDecoder, type SSEDecoder, type SSEDecoderOptions, type SSEEvent } from './sse-decoder.js';
export {
  createSSEEncoderStream,
  encodeChunk,
  encodeComment,
  encodeErrorEvent,
  encodeEvent,
  SSE_DONE,
  SSE_HEADERS,
  withSourceJson,
} from './sse-encoder.js';
