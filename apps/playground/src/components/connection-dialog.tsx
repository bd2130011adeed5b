import { type FormEvent, useEffect, useId, useState } from 'react';
import { type Connection, gatewayURLIssue } from '../state/connection.js';
import { ModalDialog } from './modal-dialog.js';

interface ConnectionDialogProps {
  open: boolean;
  connection: Connection;
  onSave: (connection: Connection) => void;
  onClose: () => void;
}

/** Gateway URL and API key, both kept in this browser. */
export function ConnectionDialog({ open, connection, onSave, onClose }: ConnectionDialogProps) {
  const [url, setURL] = useState(connection.gatewayURL);
  const [key, setKey] = useState(connection.apiKey);
  const [showKey, setShowKey] = useState(false);
  const urlId = useId();
  const keyId = useId();
  useEffect(() => {
    if (open) {
      setURL(connection.gatewayURL);
      setKey(connection.apiKey);
    }
  }, [open, connection]);
  const urlIssue = gatewayURLIssue(url);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (urlIssue) return;
    onSave({ gatewayURL: url.trim(), apiKey: key.trim() });
    onClose();
  };
  return (
    <ModalDialog title="Connection" open={open} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <div className="field">
          <label htmlFor={urlId}>Gateway URL</label>
          <input
            id={urlId}
            type="url"
            placeholder={`${window.location.origin} (this page's origin)`}
            value={url}
            onChange={(e) => setURL(e.target.value)}
            aria-invalid={urlIssue !== null}
            aria-describedby={`${urlId}-help`}
          />
          <p id={`${urlId}-help`} className={urlIssue ? 'field__error' : 'field__help'}>
            {urlIssue ?? 'Leave empty to use the gateway that serves this page.'}
          </p>
        </div>
        <div className="field">
          <label htmlFor={keyId}>API key</label>
          <div className="input-row">
            <input
              id={keyId}
              type={showKey ? 'text' : 'password'}
              autoComplete="off"
              spellCheck={false}
              placeholder="sk-sy-…"
              value={key}
              onChange={(e) => setKey(e.target.value)}
              aria-describedby={`${keyId}-help`}
            />
            <button type="button" className="small-button" onClick={() => setShowKey(!showKey)}>
              {showKey ? 'Hide' : 'Show'}
            </button>
          </div>
          <p id={`${keyId}-help`} className="field__help">
            Stored in this browser's localStorage only. The gateway printed an admin key when it first
            started; it also works here.
          </p>
        </div>
        <div className="form__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={urlIssue !== null}>
            Save
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
