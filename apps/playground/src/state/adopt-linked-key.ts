import { type Connection, keyFromFragment } from './connection.js';
import { browserStorage, STORAGE_KEYS, saveValue } from './persistence.js';

/**
 * Opens the playground connected when it was opened through the start banner's link
 * (`/#key=sk-sy-…`): stores the key as the connection's and removes it from the address bar (and
 * from history) with `history.replaceState`, before anything renders or sends a request.
 */
export function adoptLinkedKey(): void {
  const key = keyFromFragment(window.location.hash);
  if (key === null) return;
  // The link points at the gateway that serves this page: connect to it with the key.
  const connection: Connection = { gatewayURL: '', apiKey: key };
  saveValue(browserStorage(), STORAGE_KEYS.connection, connection);
  window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}`);
}
