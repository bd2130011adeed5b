/** A command-line mistake: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const UNITS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `30d`, `12h`, `90m` → milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(text.trim());
  if (!match) throw new UsageError(`${flag}: expected a duration such as 30m, 24h or 7d, got "${text}"`);
  return Number(match[1]) * UNITS[match[2]!]!;
}

/** An ISO date/time or a duration back from `now` (`--since 24h`). */
export function parseSince(text: string, flag: string, now = Date.now()): number {
  if (/^\d+(?:\.\d+)?[smhdw]$/.test(text.trim())) return now - parseDuration(text, flag);
  const time = Date.parse(text);
  if (Number.isNaN(time))
    throw new UsageError(`${flag}: expected a date (2026-01-31) or a duration (24h, 7d), got "${text}"`);
  return time;
}

/** An ISO date/time or a duration ahead of `now` (`--expires 30d`). */
export function parseExpiry(text: string, flag: string, now = Date.now()): number {
  if (/^\d+(?:\.\d+)?[smhdw]$/.test(text.trim())) return now + parseDuration(text, flag);
  const time = Date.parse(text);
  if (Number.isNaN(time))
    throw new UsageError(`${flag}: expected a date (2026-12-31) or a duration (30d), got "${text}"`);
  if (time <= now) throw new UsageError(`${flag}: ${text} is in the past`);
  return time;
}

export function parsePositive(text: string | undefined, flag: string, integer = true): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new UsageError(`${flag}: expected a positive ${integer ? 'integer' : 'number'}, got "${text}"`);
  }
  return value;
}

export function parseChoice<T extends string>(
  text: string | undefined,
  flag: string,
  choices: readonly T[],
): T | undefined {
  if (text === undefined) return undefined;
  if ((choices as readonly string[]).includes(text)) return text as T;
  throw new UsageError(`${flag}: expected one of ${choices.join(', ')}, got "${text}"`);
}

/** `--meta team=search --meta owner=ana` → `{ team: 'search', owner: 'ana' }`. */
export function parseMetadata(items: readonly string[] | undefined): Record<string, string> | undefined {
  if (!items || items.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--meta: expected key=value, got "${item}"`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** Renders rows as an aligned text table. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}
