import {
  readBodyText,
  type UpstreamCall,
  UpstreamCallGuard,
  type UpstreamResponse,
} from './upstream-call.js';

/** A `fetch` an adapter sends its upstream calls with instead of undici (proxies, custom dispatchers, tests). */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

/**
 * Calls the upstream with a `fetch` (a user's own: proxies, custom dispatchers, tests) under the
 * call's timeouts and abort signal; see {@link UpstreamCallGuard} for how failures are mapped.
 */
export async function fetchUpstream(fetchImpl: FetchFunction, call: UpstreamCall): Promise<UpstreamResponse> {
  const controller = new AbortController();
  const guard = new UpstreamCallGuard(call, (reason) => controller.abort(reason));
  guard.start();
  let response: Response;
  try {
    response = await fetchImpl(call.url, {
      method: call.method,
      headers: call.headers,
      ...(call.body === undefined ? {} : { body: call.body }),
      signal: controller.signal,
    });
  } catch (error) {
    const mapped = guard.toError(error);
    guard.finish();
    throw mapped;
  } finally {
    guard.answered();
  }

  async function* body(): AsyncGenerator<Uint8Array> {
    if (!response.body) {
      guard.finish();
      return;
    }
    const reader = response.body.getReader();
    let done = false;
    try {
      while (true) {
        let result: ReadableStreamReadResult<Uint8Array>;
        guard.reading(true);
        try {
          result = await reader.read();
        } catch (error) {
          throw guard.toError(error);
        } finally {
          guard.reading(false);
        }
        if (result.done) {
          done = true;
          return;
        }
        yield result.value;
      }
    } finally {
      if (done) guard.finish();
      else {
        guard.close();
        reader.cancel().catch(() => {});
      }
    }
  }

  return {
    status: response.status,
    headers: response.headers,
    body,
    text: () => readBodyText(body(), guard),
    close: () => guard.close(),
  };
}
