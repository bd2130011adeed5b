import { useDeferredValue, useId, useMemo, useState } from 'react';
import { lintJsonSchema, type SchemaLintResult } from '../state/json-schema-lint.js';
import { ModalDialog } from './modal-dialog.js';

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

interface SchemaTextProps {
  id: string;
  value: string;
  onChange: (value: string) => void;
  lint: SchemaLintResult;
  errors: number;
  rows: number;
  /** In the dialog: lines do not wrap (a schema reads by its indentation), the box scrolls instead. */
  wide?: boolean;
}

/** The schema's text box and the problems found in it. */
function SchemaText({ id, value, onChange, lint, errors, rows, wide }: SchemaTextProps) {
  return (
    <>
      <textarea
        id={id}
        className={wide ? 'code-input code-input--wide' : 'code-input'}
        rows={rows}
        wrap={wide ? 'off' : undefined}
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
    </>
  );
}

/**
 * A JSON Schema editor that checks the schema as you type and says what is wrong where, with a wide
 * dialog for editing it with room (the sidebar is too narrow for a schema's lines).
 */
export function JsonSchemaField({
  label,
  value,
  onChange,
  objectRoot,
  optional,
  rows = 8,
}: JsonSchemaFieldProps) {
  const id = useId();
  const wideId = useId();
  const [expanded, setExpanded] = useState(false);
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
  const statusClass = errors > 0 ? 'status status--bad' : 'status status--good';
  return (
    <div className="field">
      <div className="field__label-row">
        <label htmlFor={id}>{label}</label>
        <span className={statusClass} aria-live="polite">
          {status}
        </span>
      </div>
      <SchemaText id={id} value={value} onChange={onChange} lint={lint} errors={errors} rows={rows} />
      <button type="button" className="small-button" onClick={() => setExpanded(true)}>
        Edit in a wide editor
      </button>
      <ModalDialog
        title={label}
        open={expanded}
        onClose={() => setExpanded(false)}
        wide
        footer={
          <button type="button" className="button button--primary" onClick={() => setExpanded(false)}>
            Done
          </button>
        }
      >
        <div className="field">
          <div className="field__label-row">
            <label htmlFor={wideId}>{label}</label>
            <span className={statusClass}>{status}</span>
          </div>
          <SchemaText
            id={wideId}
            value={value}
            onChange={onChange}
            lint={lint}
            errors={errors}
            rows={24}
            wide
          />
        </div>
      </ModalDialog>
    </div>
  );
}
