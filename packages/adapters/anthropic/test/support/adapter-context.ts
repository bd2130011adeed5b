import type { AdapterContext, Logger } from '@switchyard/adapter-kit';
import { type LogLine, recordingLogger, testAdapterContext } from '@switchyard/adapter-kit/testing';

export { type LogLine, recordingLogger };

/** adapter-kit's test context with this package's request id (`req-test-1`, which tests assert on). */
export function adapterContext(
  overrides: { signal?: AbortSignal; logger?: Logger; requestId?: string } = {},
): AdapterContext {
  return testAdapterContext({ requestId: 'req-test-1', ...overrides });
}
