import { useEffect, useId, useState } from 'react';

interface NumberSettingProps {
  label: string;
  value: number | null;
  onChange: (value: number | null) => void;
  min?: number;
  max?: number;
  step?: number;
  placeholder?: string;
  error?: string | undefined;
  help?: string;
}

/** A number input where empty means "not set" (the field is left out of the request). */
export function NumberSetting({
  label,
  value,
  onChange,
  min,
  max,
  step,
  placeholder,
  error,
  help,
}: NumberSettingProps) {
  const id = useId();
  const [text, setText] = useState(value === null ? '' : String(value));
  // Follow outside changes (another chat opened, an import) without fighting the user's typing.
  useEffect(() => {
    setText((current) =>
      Number(current) === value && current !== '' ? current : value === null ? '' : String(value),
    );
  }, [value]);
  return (
    <div className="field field--number">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        min={min}
        max={max}
        step={step ?? 'any'}
        placeholder={placeholder ?? 'default'}
        value={text}
        aria-invalid={error ? true : undefined}
        aria-describedby={error || help ? `${id}-note` : undefined}
        onChange={(event) => {
          const next = event.target.value;
          setText(next);
          if (next.trim() === '') onChange(null);
          else if (Number.isFinite(Number(next))) onChange(Number(next));
        }}
      />
      {(error || help) && (
        <p id={`${id}-note`} className={error ? 'field__error' : 'field__help'}>
          {error ?? help}
        </p>
      )}
    </div>
  );
}
