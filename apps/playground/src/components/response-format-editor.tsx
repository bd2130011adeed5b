import { useId } from 'react';
import { RESPONSE_FORMAT_TYPES, type ResponseFormatSetting } from '../state/chat-settings.js';
import { JsonSchemaField } from './json-schema-field.js';

const LABELS = { text: 'Text', json_object: 'JSON object', json_schema: 'JSON Schema' } as const;

interface ResponseFormatEditorProps {
  value: ResponseFormatSetting;
  onChange: (value: ResponseFormatSetting) => void;
  errors: Record<string, string>;
}

/** `response_format`: text, JSON mode, or structured output with a schema editor. */
export function ResponseFormatEditor({ value, onChange, errors }: ResponseFormatEditorProps) {
  const id = useId();
  const nameError = errors['responseFormat.name'];
  return (
    <div className="response-format">
      <fieldset className="radio-group">
        <legend className="visually-hidden">Response format</legend>
        {RESPONSE_FORMAT_TYPES.map((type) => (
          <label key={type} className="radio">
            <input
              type="radio"
              name={`${id}-type`}
              value={type}
              checked={value.type === type}
              onChange={() => onChange({ ...value, type })}
            />
            {LABELS[type]}
          </label>
        ))}
      </fieldset>
      {value.type === 'json_schema' && (
        <>
          <div className="input-row">
            <div className="field field--grow">
              <label htmlFor={`${id}-name`}>Schema name</label>
              <input
                id={`${id}-name`}
                value={value.name}
                spellCheck={false}
                onChange={(e) => onChange({ ...value, name: e.target.value })}
                aria-invalid={nameError ? true : undefined}
              />
              {nameError && <p className="field__error">{nameError}</p>}
            </div>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={value.strict}
                onChange={(e) => onChange({ ...value, strict: e.target.checked })}
              />
              strict
            </label>
          </div>
          <JsonSchemaField
            label="Schema"
            value={value.schema}
            onChange={(schema) => onChange({ ...value, schema })}
            rows={10}
          />
        </>
      )}
      {value.type === 'json_object' && (
        <p className="field__help">The model answers with a JSON object; the answer is checked to be JSON.</p>
      )}
    </div>
  );
}
