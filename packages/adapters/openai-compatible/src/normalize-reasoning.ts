/**
 * Splits a content-part array into visible text and reasoning. Mistral sends
 * `[{type:"thinking", thinking:[{type:"text", text}]}, {type:"text", text}]` where everyone else
 * sends strings; `thinking` may also be a plain string.
 */
function splitContentParts(parts: readonly unknown[]): { text?: string; reasoning?: string } {
  let text: string | undefined;
  let reasoning: string | undefined;
  for (const part of parts) {
    if (typeof part !== 'object' || part === null) continue;
    const { type, text: partText, thinking } = part as { type?: unknown; text?: unknown; thinking?: unknown };
    if (type === 'text' && typeof partText === 'string') {
      text = (text ?? '') + partText;
    } else if (type === 'thinking') {
      if (typeof thinking === 'string') reasoning = (reasoning ?? '') + thinking;
      else if (Array.isArray(thinking)) {
        for (const inner of thinking) {
          const { type: innerType, text: innerText } = (inner ?? {}) as { type?: unknown; text?: unknown };
          if (innerType === 'text' && typeof innerText === 'string')
            reasoning = (reasoning ?? '') + innerText;
        }
      }
    }
  }
  return { ...(text === undefined ? {} : { text }), ...(reasoning === undefined ? {} : { reasoning }) };
}

/**
 * Rewrites, in place, a response message or stream delta so reasoning is in `reasoning_content`
 * and `content` is a string: `reasoning` (OpenRouter, Groq, gpt-oss hosts, newer vLLM) is renamed,
 * and content-part arrays are split. `emptyContent` is what `content` becomes when an array held
 * no text: `null` for a message, `undefined` (key removed) for a delta.
 */
export function normalizeReasoningFields(
  target: Record<string, unknown>,
  emptyContent: null | undefined,
): void {
  if (Array.isArray(target.content)) {
    const { text, reasoning } = splitContentParts(target.content);
    if (text !== undefined) target.content = text;
    else if (emptyContent === null) target.content = null;
    else delete target.content;
    if (reasoning !== undefined) {
      const existing = typeof target.reasoning_content === 'string' ? target.reasoning_content : '';
      target.reasoning_content = existing + reasoning;
    }
  }
  if ('reasoning' in target) {
    const reasoning = target.reasoning;
    const existing = target.reasoning_content;
    // Providers that send both carry the same text twice; `reasoning_content` wins.
    if (typeof reasoning === 'string' && (typeof existing !== 'string' || existing === '')) {
      target.reasoning_content = reasoning;
    }
    if (typeof reasoning === 'string' || reasoning === null) delete target.reasoning;
  }
}
