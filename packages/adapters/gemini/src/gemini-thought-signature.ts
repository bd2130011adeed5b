/**
 * The value Google documents for replaying a function call whose thought signature was lost
 * (https://ai.google.dev/gemini-api/docs/thought-signatures). Gemini 3 rejects a replayed
 * function call without a signature; with this value it skips the check.
 */
export const SKIP_THOUGHT_SIGNATURE_VALIDATOR = 'skip_thought_signature_validator';

/**
 * The vendor field that carries a Gemini thought signature on a tool call, a tool-call delta, an
 * assistant message or a delta — the shape Google's own OpenAI-compatible endpoint uses. Send it
 * back unchanged on the assistant message (or its tool call) in the next request.
 */
export interface GeminiExtraContent {
  google: { thought_signature: string };
}

export function signatureField(signature: string): { extra_content: GeminiExtraContent } {
  return { extra_content: { google: { thought_signature: signature } } };
}

/** Reads `extra_content.google.thought_signature` from a message or tool call sent by a client. */
export function readThoughtSignature(value: unknown): string | undefined {
  const extra = (value as { extra_content?: unknown } | null | undefined)?.extra_content;
  const google = (extra as { google?: unknown } | null | undefined)?.google;
  const signature = (google as { thought_signature?: unknown } | null | undefined)?.thought_signature;
  return typeof signature === 'string' && signature !== '' ? signature : undefined;
}
