/** Where the playground sends requests. */
export interface Connection {
  /** The gateway root; '' means the origin the playground was loaded from. */
  gatewayURL: string;
  apiKey: string;
}

export const DEFAULT_CONNECTION: Connection = { gatewayURL: '', apiKey: '' };

/**
 * The gateway root for a setting: the page's origin when empty, without a trailing slash or a
 * trailing `/v1` (users paste either form).
 */
export function resolveGatewayURL(setting: string, origin: string): string {
  const url = (setting.trim() || origin).replace(/\/+$/, '');
  return url.replace(/\/v1$/, '');
}

/** The problem with a typed gateway URL, or null when it is usable. */
export function gatewayURLIssue(setting: string): string | null {
  const text = setting.trim();
  if (text === '') return null;
  try {
    const url = new URL(text);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'Use an http:// or https:// URL.';
    return null;
  } catch {
    return 'Enter a full URL, e.g. http://127.0.0.1:8787.';
  }
}

/** The URL fragment the gateway's start banner links to: `#key=sk-sy-…`. */
const KEY_FRAGMENT = /^#key=([^&]+)$/;

/**
 * The API key carried in a link's fragment (`#key=…`), or null. A fragment never leaves the browser:
 * it is not part of any request, so the key reaches neither the server nor its access logs.
 */
export function keyFromFragment(hash: string): string | null {
  const match = KEY_FRAGMENT.exec(hash);
  if (!match?.[1]) return null;
  try {
    return decodeURIComponent(match[1]).trim() || null;
  } catch {
    return null;
  }
}
