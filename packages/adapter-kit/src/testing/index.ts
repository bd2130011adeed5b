export {
  collect,
  type LogLine,
  recordingLogger,
  testAdapterContext,
  testChatRequest,
} from './adapter-context.js';
export { readyStream } from './ready-stream.js';
export {
  type ReceivedRequest,
  type Responder,
  startTestUpstream,
  type TestUpstream,
} from './test-upstream.js';
export {
  answerError,
  CONTENT_TYPES,
  cutMidStream,
  linesBody,
  type ServeOptions,
  serveBody,
  serveJson,
  serveLines,
  serveSSE,
  sseBody,
  stall,
} from './upstream-replies.js';
