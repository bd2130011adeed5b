import type { AdapterContext, Logger } from '@switchyard/adapter-kit';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown> | undefined;
}

/** A logger that keeps every line, so tests can check what was (and was not) logged. */
export function recordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const log = (level: LogLine['level']) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, fields });
  };
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** An adapter context as the server would build it. */
export function adapterContext(
  overrides: { signal?: AbortSignal; logger?: Logger; requestId?: string } = {},
): AdapterContext {
  return {
    requestId: overrides.requestId ?? 'req-test-1',
    signal: overrides.signal ?? new AbortController().signal,
    deadline: undefined,
    logger: overrides.logger ?? recordingLogger(),
    locals: {},
  };
}
