import {
  EXAMPLE_TOOL_PARAMETERS,
  TOOL_CHOICES,
  type ToolChoiceMode,
  type ToolDefinition,
} from '../state/chat-settings.js';
import { createId } from '../state/create-id.js';
import { ToolDefinitionEditor } from './tool-definition-editor.js';

interface ToolsEditorProps {
  tools: ToolDefinition[];
  toolChoice: ToolChoiceMode;
  onChange: (tools: ToolDefinition[]) => void;
  onToolChoice: (choice: ToolChoiceMode) => void;
  errors: Record<string, string>;
}

/** The function tools offered to the model, and how it may pick them. */
export function ToolsEditor({ tools, toolChoice, onChange, onToolChoice, errors }: ToolsEditorProps) {
  const add = () =>
    onChange([
      ...tools,
      {
        id: createId('t'),
        name: tools.length === 0 ? 'get_weather' : `tool_${tools.length + 1}`,
        description: tools.length === 0 ? 'Current weather for a city' : '',
        parameters: EXAMPLE_TOOL_PARAMETERS,
        cannedResult: tools.length === 0 ? '{"temperature": 21, "unit": "celsius", "sky": "clear"}' : '',
      },
    ]);
  return (
    <div className="tools-editor">
      {tools.map((tool, index) => (
        <ToolDefinitionEditor
          key={tool.id}
          tool={tool}
          index={index}
          errors={errors}
          onChange={(next) => onChange(tools.map((t) => (t.id === tool.id ? next : t)))}
          onRemove={() => onChange(tools.filter((t) => t.id !== tool.id))}
        />
      ))}
      <div className="input-row">
        <button type="button" className="button" onClick={add}>
          Add a tool
        </button>
        {tools.length > 0 && (
          <label className="inline-field">
            Tool choice
            <select value={toolChoice} onChange={(e) => onToolChoice(e.target.value as ToolChoiceMode)}>
              {TOOL_CHOICES.map((choice) => (
                <option key={choice} value={choice}>
                  {choice}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
    </div>
  );
}
