import type { AdapterContext } from '@switchyard/adapter-kit';

export interface LogLine {
  readonly level: string;
  readonly message: string;
  readonly fields: Record<string, unknown> | undefined;
}

/** An adapter context whose logger keeps every line, so tests can check what was logged. */
export function adapterContext(options: { signal?: AbortSignal; requestId?: string } = {}): AdapterContext & {
  readonly lines: LogLine[];
} {
  const lines: LogLine[] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, fields });
  };
  return {
    requestId: options.requestId ?? 'req-test',
    signal: options.signal ?? new AbortController().signal,
    deadline: undefined,
    locals: {},
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    lines,
  };
}
