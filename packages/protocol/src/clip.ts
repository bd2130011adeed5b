/**
 * `text` cut to `max` characters, ending in `…` when cut: for quoting client or upstream text in
 * error messages without letting it bloat them.
 */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
