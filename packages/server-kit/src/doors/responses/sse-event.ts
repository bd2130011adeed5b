/**
 * One named SSE event: `event: <type>` then the JSON on one `data:` line (which carries `type` too).
 * `type` comes from this door's own constants, never from input; `JSON.stringify` escapes CR and
 * LF, so the data stays one line.
 */
export function encodeNamedEvent(type: string, data: Readonly<Record<string, unknown>>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}
