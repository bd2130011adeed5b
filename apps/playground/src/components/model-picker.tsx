import { useId, useState } from 'react';
import { usePlayground } from './playground-context.js';

export const MODEL_PICKER_ID = 'model-picker';

interface ModelPickerProps {
  value: string;
  onChange: (model: string) => void;
  label?: string;
  id?: string;
  error?: string | undefined;
  /** With a search box over the list (the main picker; the compare pickers stay plain). */
  searchable?: boolean;
}

/** The gateway's models in a select with a search box (one match is picked); a text input when the list cannot be loaded. */
export function ModelPicker({ value, onChange, label = 'Model', id, error, searchable }: ModelPickerProps) {
  const { models } = usePlayground();
  const fallbackId = useId();
  const inputId = id ?? fallbackId;
  const [query, setQuery] = useState('');
  const all = value && !models.models.includes(value) ? [value, ...models.models] : models.models;
  const needle = query.trim().toLowerCase();
  // The chosen model stays listed, so that the select keeps showing it.
  const options = needle
    ? all.filter((model) => model === value || model.toLowerCase().includes(needle))
    : all;
  const search = (text: string) => {
    setQuery(text);
    const lowered = text.trim().toLowerCase();
    const found = lowered ? models.models.filter((model) => model.toLowerCase().includes(lowered)) : [];
    if (found.length === 1 && found[0] !== value) onChange(found[0] as string);
  };
  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      {searchable && models.models.length > 0 && (
        <input
          type="search"
          className="model-search"
          placeholder="Search models"
          aria-label="Search models"
          value={query}
          onChange={(e) => search(e.target.value)}
        />
      )}
      {models.models.length > 0 ? (
        <select
          id={inputId}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={error ? true : undefined}
        >
          {!value && <option value="">Pick a model…</option>}
          {options.map((model) => (
            <option key={model} value={model}>
              {model}
              {models.models.includes(model) ? '' : ' (not offered by the gateway)'}
            </option>
          ))}
        </select>
      ) : (
        <input
          id={inputId}
          value={value}
          placeholder={models.loading ? 'Loading models…' : 'Model id'}
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={error ? true : undefined}
        />
      )}
      {error && <p className="field__error">{error}</p>}
    </div>
  );
}
