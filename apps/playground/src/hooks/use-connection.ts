import { type Client, createClient } from '@switchyard/client';
import { useMemo } from 'react';
import { type Connection, DEFAULT_CONNECTION, resolveGatewayURL } from '../state/connection.js';
import { STORAGE_KEYS } from '../state/persistence.js';
import { useStoredValue } from './use-stored-value.js';

export interface ConnectionState {
  connection: Connection;
  setConnection: (connection: Connection) => void;
  /** The resolved gateway root, e.g. `http://127.0.0.1:8787`. */
  gatewayURL: string;
  client: Client;
}

/** The gateway URL and API key (kept in the browser), and a client for them. */
export function useConnection(): ConnectionState {
  const [connection, setConnection] = useStoredValue<Connection>(STORAGE_KEYS.connection, DEFAULT_CONNECTION);
  const gatewayURL = resolveGatewayURL(connection.gatewayURL, window.location.origin);
  const client = useMemo(
    () =>
      createClient({
        baseURL: `${gatewayURL}/v1`,
        apiKey: connection.apiKey || null,
        // A debugging tool shows each failure as it happens instead of retrying behind the user's back.
        maxRetries: 0,
      }),
    [gatewayURL, connection.apiKey],
  );
  return { connection, setConnection, gatewayURL, client };
}
