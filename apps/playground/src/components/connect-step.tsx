import { type FormEvent, useId, useState } from 'react';
import type { Connection } from '../state/connection.js';

interface ConnectStepProps {
  connection: Connection;
  onConnect: (connection: Connection) => void;
  onOpenConnection: () => void;
}

/** What a first visit (no API key yet) sees instead of an error: paste a key, and where to find one. */
export function ConnectStep({ connection, onConnect, onOpenConnection }: ConnectStepProps) {
  const [key, setKey] = useState('');
  const id = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (key.trim()) onConnect({ ...connection, apiKey: key.trim() });
  };
  return (
    <section className="banner connect-step" aria-labelledby={`${id}-title`} data-testid="connect-step">
      <form className="form connect-step__form" onSubmit={submit}>
        <h2 id={`${id}-title`}>Connect to the gateway</h2>
        <p>
          Paste an API key. The gateway printed an admin key when it first started, with a link that opens
          this page already connected: look for them in its start banner, in the terminal where it runs.
        </p>
        <div className="input-row">
          <label htmlFor={`${id}-key`} className="visually-hidden">
            API key
          </label>
          <input
            id={`${id}-key`}
            type="password"
            autoComplete="off"
            spellCheck={false}
            placeholder="sk-sy-…"
            value={key}
            onChange={(e) => setKey(e.target.value)}
          />
          <button type="submit" className="button button--primary" disabled={!key.trim()}>
            Connect
          </button>
        </div>
        <p className="field__help">
          Kept in this browser's localStorage only.{' '}
          <button type="button" className="small-button" onClick={onOpenConnection}>
            Another gateway…
          </button>
        </p>
      </form>
    </section>
  );
}
