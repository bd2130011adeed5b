import type { ChatCompletion, ChatCompletionChunk } from '@switchyard/protocol';
import type { ChatFinishEvent, ChatRequestContext } from '@switchyard/server-kit';
import type { Deployment } from '../routing/deployment.js';
import type { AttemptSpan } from '../routing/router.js';

/** What the request's span records at its end, beyond the server's finish event. */
export interface RequestSummary {
  readonly keyId: string | undefined;
  /** The deployment whose answer went to the client. */
  readonly deployment: Deployment | undefined;
  /** Answered from the response cache. */
  readonly cached: boolean;
}

/** One request's server span. */
export interface RequestSpan {
  /** A client span for one attempt at `deployment`, a child of this request's span. */
  attempt(deployment: Deployment): AttemptSpan;
  /** The whole answer (not streamed). */
  answered(completion: ChatCompletion): void;
  /** One chunk of a streamed answer. */
  chunk(chunk: ChatCompletionChunk): void;
  /** Ends the span (and an attempt span still open: a stream's). */
  finish(event: ChatFinishEvent, summary: RequestSummary): void;
}

/** Starts request spans and exports them; only exists when tracing is on. */
export interface RequestTracer {
  /** The server span of a request, continuing the caller's W3C `traceparent` when it sent one. */
  start(context: ChatRequestContext): RequestSpan;
  /** Exports what is still buffered and stops. */
  shutdown(): Promise<void>;
}
