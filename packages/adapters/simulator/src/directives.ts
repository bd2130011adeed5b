import { BadRequestError, ERROR_CODE_INFO, ErrorCode } from '@switchyard/protocol';

/** What the `[simulate:…]` directives of a request ask for. */
export interface Directives {
  /** Fail before the first chunk with this error code. */
  error?: string;
  /** Fail after about half of the answer was streamed, with this error code. */
  midstreamError?: string;
  /** Milliseconds before the first chunk. */
  slowFirstByteMs?: number;
  /** Pace of the answer in tokens per second. */
  tokensPerSecond?: number;
  /** Stop after the first token and wait until the request is aborted. */
  stall?: boolean;
  /** End the stream without `finish_reason` (a dropped upstream connection). */
  truncate?: boolean;
  /** Length of `simulator/babble` answers in words. */
  words?: number;
}

const DIRECTIVE = /\[simulate:([a-z_]+)(?:=([^\]\s]*))?\]/gi;
const MAX_DELAY_MS = 10 * 60_000;
const MAX_WORDS = 100_000;

/**
 * Reads `[simulate:name]` and `[simulate:name=value]` directives from `text` and returns the
 * text without them. Unknown directives and bad values are a 400, so a typo does not silently
 * produce a normal answer.
 */
export function parseDirectives(
  text: string,
  into: Directives = {},
): { directives: Directives; text: string } {
  const directives: Directives = { ...into };
  const stripped = text.replace(DIRECTIVE, (_match, rawName: string, value: string | undefined) => {
    applyDirective(directives, rawName.toLowerCase(), value);
    return '';
  });
  return { directives, text: stripped.replace(/\s{2,}/g, ' ').trim() };
}

/** Reads adapter-level directives: `error=overloaded tps=20`, brackets optional. */
export function parseDirectiveList(list: string): Directives {
  const directives: Directives = {};
  for (const item of list.split(/[\s,]+/)) {
    const bare = item.replace(/^\[simulate:/i, '').replace(/\]$/, '');
    if (bare === '') continue;
    const [name = '', value] = bare.split('=', 2);
    applyDirective(directives, name.toLowerCase(), value);
  }
  return directives;
}

function applyDirective(directives: Directives, name: string, value: string | undefined): void {
  switch (name) {
    case 'error':
      directives.error = errorCode(name, value);
      return;
    case 'rate_limit':
      directives.error = ErrorCode.rateLimitExceeded;
      return;
    case 'server_error':
      directives.error = ErrorCode.serverError;
      return;
    case 'overloaded':
      directives.error = ErrorCode.overloaded;
      return;
    case 'midstream_error':
      directives.midstreamError = value === undefined ? ErrorCode.serverError : errorCode(name, value);
      return;
    case 'slow_first_byte':
      directives.slowFirstByteMs = number(name, value, 0, MAX_DELAY_MS);
      return;
    case 'tps':
      directives.tokensPerSecond = number(name, value, 0.1, 1_000_000);
      return;
    case 'stall':
      directives.stall = true;
      return;
    case 'truncate':
      directives.truncate = true;
      return;
    case 'words':
      directives.words = Math.round(number(name, value, 1, MAX_WORDS));
      return;
    default:
      throw invalid(`Unknown simulator directive '${name}'`);
  }
}

function errorCode(name: string, value: string | undefined): string {
  if (value !== undefined && value in ERROR_CODE_INFO) return value;
  throw invalid(
    `[simulate:${name}=…] needs one of the error codes: ${Object.keys(ERROR_CODE_INFO).join(', ')}`,
  );
}

function number(name: string, value: string | undefined, min: number, max: number): number {
  const parsed = Number(value);
  if (value === undefined || value === '' || !Number.isFinite(parsed) || parsed < min || parsed > max) {
    throw invalid(`[simulate:${name}=…] needs a number between ${min} and ${max}`);
  }
  return parsed;
}

function invalid(message: string): BadRequestError {
  return new BadRequestError({ message, code: ErrorCode.invalidRequest, param: 'messages' });
}
