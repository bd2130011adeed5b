import { useId } from 'react';
import type { ToolDefinition } from '../state/chat-settings.js';
import { JsonSchemaField } from './json-schema-field.js';

interface ToolDefinitionEditorProps {
  tool: ToolDefinition;
  index: number;
  errors: Record<string, string>;
  onChange: (tool: ToolDefinition) => void;
  onRemove: () => void;
}

/** One function tool: name, description, JSON Schema parameters, and a canned result. */
export function ToolDefinitionEditor({ tool, index, errors, onChange, onRemove }: ToolDefinitionEditorProps) {
  const id = useId();
  const nameError = errors[`tools.${tool.id}.name`];
  return (
    <fieldset className="tool-card">
      <legend>
        Tool {index + 1}
        {tool.name ? `: ${tool.name}` : ''}
      </legend>
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          value={tool.name}
          spellCheck={false}
          onChange={(e) => onChange({ ...tool, name: e.target.value })}
          aria-invalid={nameError ? true : undefined}
          aria-describedby={nameError ? `${id}-name-error` : undefined}
        />
        {nameError && (
          <p id={`${id}-name-error`} className="field__error">
            {nameError}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor={`${id}-description`}>Description</label>
        <input
          id={`${id}-description`}
          value={tool.description}
          onChange={(e) => onChange({ ...tool, description: e.target.value })}
        />
      </div>
      <JsonSchemaField
        label="Parameters (JSON Schema)"
        value={tool.parameters}
        onChange={(parameters) => onChange({ ...tool, parameters })}
        objectRoot
        optional
      />
      <div className="field">
        <label htmlFor={`${id}-canned`}>Canned result</label>
        <textarea
          id={`${id}-canned`}
          className="code-input"
          rows={2}
          spellCheck={false}
          placeholder='e.g. {"temperature": 21}'
          value={tool.cannedResult}
          onChange={(e) => onChange({ ...tool, cannedResult: e.target.value })}
          aria-describedby={`${id}-canned-help`}
        />
        <p id={`${id}-canned-help`} className="field__help">
          Offered as the answer when the model calls this tool.
        </p>
      </div>
      <button type="button" className="small-button small-button--danger" onClick={onRemove}>
        Remove {tool.name || 'tool'}
      </button>
    </fieldset>
  );
}
