import { type KeyboardEvent, useId, useState } from 'react';

interface StopSequencesFieldProps {
  value: string[];
  onChange: (value: string[]) => void;
  error?: string | undefined;
}

/** Up to four stop sequences, added with Enter and shown as removable chips. */
export function StopSequencesField({ value, onChange, error }: StopSequencesFieldProps) {
  const id = useId();
  const [draft, setDraft] = useState('');
  const add = () => {
    if (draft === '' || value.includes(draft)) return;
    onChange([...value, draft]);
    setDraft('');
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter' && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      add();
    } else if (event.key === 'Backspace' && draft === '' && value.length > 0) {
      onChange(value.slice(0, -1));
    }
  };
  return (
    <div className="field">
      <label htmlFor={id}>Stop sequences</label>
      {value.length > 0 && (
        <ul className="chips" aria-label="Stop sequences">
          {value.map((sequence) => (
            <li key={sequence} className="chip">
              <code>{JSON.stringify(sequence).slice(1, -1)}</code>
              <button
                type="button"
                className="chip__remove"
                aria-label={`Remove stop sequence ${sequence}`}
                onClick={() => onChange(value.filter((s) => s !== sequence))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="input-row">
        <input
          id={id}
          value={draft}
          placeholder={value.length >= 4 ? 'At most 4' : 'Type, then Enter'}
          disabled={value.length >= 4}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={onKeyDown}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
        />
        <button
          type="button"
          className="small-button"
          onClick={add}
          disabled={draft === '' || value.length >= 4}
        >
          Add
        </button>
      </div>
      {error && (
        <p id={`${id}-error`} className="field__error">
          {error}
        </p>
      )}
    </div>
  );
}
