import type { Logger } from '@switchyard/adapter-kit';

const noop = () => {};

/** A logger that drops everything: the default when no logger is configured. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/** Adds fixed fields to every line of a base logger; one object per request, not five closures. */
class ChildLogger implements Logger {
  readonly #base: Logger;
  readonly #fields: Record<string, unknown>;

  constructor(base: Logger, fields: Record<string, unknown>) {
    this.#base = base;
    this.#fields = fields;
  }

  debug(message: string, extra?: Record<string, unknown>): void {
    this.#base.debug(message, this.#merge(extra));
  }

  info(message: string, extra?: Record<string, unknown>): void {
    this.#base.info(message, this.#merge(extra));
  }

  warn(message: string, extra?: Record<string, unknown>): void {
    this.#base.warn(message, this.#merge(extra));
  }

  error(message: string, extra?: Record<string, unknown>): void {
    this.#base.error(message, this.#merge(extra));
  }

  // `Object.assign`, not `{ ...fields, ...extra }`: on V8 a second spread (or a new key after a
  // spread) defines each property through the runtime, ~1 µs a property; this is once per line.
  #merge(extra: Record<string, unknown> | undefined): Record<string, unknown> {
    return extra ? Object.assign({}, this.#fields, extra) : this.#fields;
  }
}

/** A logger that adds `fields` (e.g. `request_id`) to every line of `base`. */
export function childLogger(base: Logger, fields: Record<string, unknown>): Logger {
  return base === silentLogger ? base : new ChildLogger(base, fields);
}
