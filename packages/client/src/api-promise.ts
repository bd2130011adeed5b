import type { Exchange } from './send-request.js';

/** A result together with the HTTP response it came from. */
export interface WithResponse<T> {
  data: T;
  /** The raw `Response` (its body is already consumed, or owned by the stream). */
  response: Response;
  /** The server's `x-request-id`, or null when it sent none. */
  requestId: string | null;
}

/** Marks a result with the request id of the response it came from. */
export interface RequestIdentified {
  /**
   * The server's `x-request-id` for this result (null when it sent none). Not enumerable: it
   * stays out of `JSON.stringify` and object spreads.
   */
  readonly _requestId: string | null;
}

/**
 * The promise every client call returns: await it for the result, or call
 * {@link APIPromise.withResponse} for the raw `Response` and request id as well. The request
 * starts immediately, whichever way the result is read.
 */
export class APIPromise<T> implements Promise<T> {
  readonly [Symbol.toStringTag] = 'Promise';
  readonly #exchange: Promise<WithResponse<T>>;
  #data: Promise<T> | undefined;

  constructor(exchange: Promise<Exchange<T>>) {
    this.#exchange = exchange;
  }

  /** Resolves to `{ data, response, requestId }`. */
  withResponse(): Promise<WithResponse<T>> {
    return this.#exchange;
  }

  // biome-ignore lint/suspicious/noThenProperty: it is a promise, by design.
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    // Derived lazily: a caller who only uses withResponse() must not get an unhandled rejection.
    this.#data ??= this.#exchange.then((exchange) => exchange.data);
    return this.#data.then(onfulfilled, onrejected);
  }

  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.then(undefined, onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<T> {
    return this.then().finally(onfinally);
  }
}

/** Attaches the non-enumerable `_requestId` to a result object. */
export function identify<T extends object>(value: T, requestId: string | null): T & RequestIdentified {
  return Object.defineProperty(value, '_requestId', { value: requestId, configurable: true }) as T &
    RequestIdentified;
}
