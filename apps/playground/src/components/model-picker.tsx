import { useId } from 'react';
import { usePlayground } from './playground-context.js';

export const MODEL_PICKER_ID = 'model-picker';

interface ModelPickerProps {
  value: string;
  onChange: (model: string) => void;
  label?: string;
  id?: string;
  error?: string | undefined;
}

/** The gateway's models in a select; a text input when the list cannot be loaded. */
export function ModelPicker({ value, onChange, label = 'Model', id, error }: ModelPickerProps) {
  const { models } = usePlayground();
  const fallbackId = useId();
  const inputId = id ?? fallbackId;
  const options = value && !models.models.includes(value) ? [value, ...models.models] : models.models;
  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
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
