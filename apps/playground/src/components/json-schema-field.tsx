import { useDeferredValue, useId, useMemo } from 'react';
import { lintJsonSchema } from '../state/json-schema-lint.js';

interface JsonSchemaFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Tool parameters and structured outputs need an object at the top. */
  objectRoot?: boolean;
  /** Empty is allowed (e.g. a tool without parameters). */
  optional?: boolean;
  rows?: number;
}

/** A JSON Schema editor that checks the schema as you type and says what is wrong where. */
export function JsonSchemaField({
  label,
  value,
  onChange,
  objectRoot,
  optional,
  rows = 8,
}: JsonSchemaFieldProps) {
  const id = useId();
  const deferred = useDeferredValue(value);
  const lint = useMemo(
    () =>
      optional && deferred.trim() === ''
        ? { schema: undefined, issues: [] }
        : lintJsonSchema(deferred, objectRoot ? { root: 'object' } : {}),
    [deferred, objectRoot, optional],
  );
  const errors = lint.issues.filter((issue) => issue.severity === 'error').length;
  const status =
    optional && value.trim() === ''
      ? 'No parameters'
      : errors > 0
        ? `${errors} error${errors === 1 ? '' : 's'}`
        : lint.issues.length > 0
          ? `Valid JSON Schema, ${lint.issues.length} warning${lint.issues.length === 1 ? '' : 's'}`
          : 'Valid JSON Schema';
  return (
    <div className="field">
      <div className="field__label-row">
        <label htmlFor={id}>{label}</label>
        <span className={errors > 0 ? 'status status--bad' : 'status status--good'} aria-live="polite">
          {status}
        </span>
      </div>
      <textarea
        id={id}
        className="code-input"
        rows={rows}
        spellCheck={false}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={errors > 0 ? true : undefined}
        aria-describedby={lint.issues.length > 0 ? `${id}-issues` : undefined}
      />
      {lint.issues.length > 0 && (
        <ul id={`${id}-issues`} className="issues">
          {lint.issues.map((issue) => (
            <li key={`${issue.path}:${issue.message}`} className={`issue issue--${issue.severity}`}>
              {issue.path && <code>{issue.path}</code>} {issue.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
