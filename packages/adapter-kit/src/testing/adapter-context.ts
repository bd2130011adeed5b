import { type ChatCompletionRequest, parseChatCompletionRequest } from '@switchyard/protocol';
import type { AdapterContext, Logger } from '../chat-adapter.js';

/** One line a {@link recordingLogger} kept. */
export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: Record<string, unknown> | undefined;
}

/** A logger that keeps every line, so tests can check what was (and was not) logged. */
export function recordingLogger(): Logger & { readonly lines: LogLine[] } {
  const lines: LogLine[] = [];
  const log = (level: LogLine['level']) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, fields });
  };
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** An adapter context as a server builds it (request id `req_test_1`, a signal that never fires). */
export function testAdapterContext(overrides: Partial<AdapterContext> = {}): AdapterContext {
  return {
    requestId: 'req_test_1',
    signal: new AbortController().signal,
    deadline: undefined,
    logger: recordingLogger(),
    locals: {},
    ...overrides,
  };
}

/** A request validated as the server validates it: `model: 'test-model'`, one user message, then `body`. */
export function testChatRequest(body: Record<string, unknown> = {}): ChatCompletionRequest {
  return parseChatCompletionRequest({
    model: 'test-model',
    messages: [{ role: 'user', content: 'Hi' }],
    ...body,
  });
}

/** Everything an async iterable yields, in order. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
