/** Headers whose values are credentials: `authorization`, `x-api-key`, `x-goog-api-key`, `*-token`… */
const CREDENTIAL_HEADER = /^(authorization|proxy-authorization)$|(^|-)(api-?key|key|token|secret)$/i;

/** What replaces a credential in text that leaves the adapter. */
export const REDACTED_CREDENTIAL = '[redacted]';

/**
 * `text` with every credential sent in `headers` (a bearer token without its scheme) replaced by
 * `[redacted]`: an upstream that echoes the key in an error ("Incorrect API key provided: sk-…")
 * must not hand it to the caller. The upstream client applies it to every error body.
 */
export function redactCredentials(text: string, headers: Readonly<Record<string, string>>): string {
  let out = text;
  for (const [name, value] of Object.entries(headers)) {
    if (!CREDENTIAL_HEADER.test(name)) continue;
    const secret = value.replace(/^(bearer|basic|token)\s+/i, '').trim();
    // A short value (`1`, `true`) is no secret, and replacing it would garble the message.
    if (secret.length >= 8) out = out.split(secret).join(REDACTED_CREDENTIAL);
  }
  return out;
}
