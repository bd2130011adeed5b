import type { ResponseInputItem, ResponsesRequest } from '@switchyard/protocol';

/** What the responses door keeps of a request to encode its answer and store it. */
export interface ResponsesNative {
  readonly request: ResponsesRequest;
  /** The new response's id (`resp_…`). */
  readonly id: string;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  /** Who the response will belong to. */
  readonly owner: string;
  /** Every input item the model sees, with ids: the continued conversation first, then this request's input. */
  readonly input: readonly ResponseInputItem[];
}
