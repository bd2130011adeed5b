import type { Logger } from './adapter.js';

const noop = () => {};

/** A logger that drops everything: the default when no logger is configured. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/** A logger that adds `fields` (e.g. `request_id`) to every line of `base`. */
export function childLogger(base: Logger, fields: Record<string, unknown>): Logger {
  if (base === silentLogger) return base;
  const merge = (extra?: Record<string, unknown>) => (extra ? { ...fields, ...extra } : fields);
  return {
    debug: (message, extra) => base.debug(message, merge(extra)),
    info: (message, extra) => base.info(message, merge(extra)),
    warn: (message, extra) => base.warn(message, merge(extra)),
    error: (message, extra) => base.error(message, merge(extra)),
  };
}
