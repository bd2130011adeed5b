import { useId, useMemo } from 'react';
import { settingsIssues } from '../state/build-request.js';
import { THINKING_MODES, type ThinkingMode } from '../state/chat-settings.js';
import { CompareModelsField } from './compare-models-field.js';
import { MODEL_PICKER_ID, ModelPicker } from './model-picker.js';
import { NumberSetting } from './number-setting.js';
import { usePlayground } from './playground-context.js';
import { PresetsField } from './presets-field.js';
import { ResponseFormatEditor } from './response-format-editor.js';
import { StopSequencesField } from './stop-sequences-field.js';
import { ToolsEditor } from './tools-editor.js';

const THINKING_LABELS: Record<ThinkingMode, string> = {
  unset: 'Not sent (model default)',
  enabled: 'Enabled',
  disabled: 'Disabled',
  auto: 'Auto',
};

/** Everything of the request except the conversation: model, parameters, tools, response format. */
export function SettingsPanel() {
  const { conversation, updateSettings, models } = usePlayground();
  const settings = conversation.settings;
  const id = useId();
  const errors = useMemo(() => {
    const map: Record<string, string> = {};
    for (const issue of settingsIssues(settings)) map[issue.field] ??= issue.message;
    return map;
  }, [settings]);
  return (
    <div className="settings-panel">
      <section className="panel-section" aria-labelledby={`${id}-model`}>
        <h2 id={`${id}-model`} className="panel-title">
          Models
        </h2>
        <ModelPicker
          id={MODEL_PICKER_ID}
          searchable
          value={settings.model}
          onChange={(model) => updateSettings({ model })}
          error={models.models.length > 0 ? errors.model : undefined}
        />
        <CompareModelsField />
      </section>

      <section className="panel-section">
        <h2 className="panel-title">
          <label htmlFor={`${id}-system-input`}>System prompt</label>
        </h2>
        <textarea
          id={`${id}-system-input`}
          rows={3}
          placeholder="You are a helpful assistant."
          value={settings.system}
          onChange={(e) => updateSettings({ system: e.target.value })}
        />
      </section>

      <section className="panel-section" aria-labelledby={`${id}-params`}>
        <h2 id={`${id}-params`} className="panel-title">
          Parameters
        </h2>
        <div className="grid-2">
          <NumberSetting
            label="Temperature"
            value={settings.temperature}
            onChange={(temperature) => updateSettings({ temperature })}
            min={0}
            max={2}
            step={0.1}
            error={errors.temperature}
          />
          <NumberSetting
            label="top_p"
            value={settings.topP}
            onChange={(topP) => updateSettings({ topP })}
            min={0}
            max={1}
            step={0.05}
            error={errors.topP}
          />
          <NumberSetting
            label="Max tokens"
            value={settings.maxTokens}
            onChange={(maxTokens) => updateSettings({ maxTokens })}
            min={1}
            step={1}
            error={errors.maxTokens}
          />
          <NumberSetting
            label="Seed"
            value={settings.seed}
            onChange={(seed) => updateSettings({ seed })}
            step={1}
            placeholder="random"
            error={errors.seed}
          />
        </div>
        <StopSequencesField
          value={settings.stop}
          onChange={(stop) => updateSettings({ stop })}
          error={errors.stop}
        />
        <div className="field">
          <label htmlFor={`${id}-thinking`}>Thinking</label>
          <select
            id={`${id}-thinking`}
            value={settings.thinking}
            onChange={(e) => updateSettings({ thinking: e.target.value as ThinkingMode })}
          >
            {THINKING_MODES.map((mode) => (
              <option key={mode} value={mode}>
                {THINKING_LABELS[mode]}
              </option>
            ))}
          </select>
        </div>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={settings.stream}
            onChange={(e) => updateSettings({ stream: e.target.checked })}
          />
          Stream the answer
        </label>
      </section>

      <details className="panel-section" open={settings.tools.length > 0}>
        <summary className="panel-title">
          Tools{settings.tools.length > 0 ? ` (${settings.tools.length})` : ''}
        </summary>
        <ToolsEditor
          tools={settings.tools}
          toolChoice={settings.toolChoice}
          onChange={(tools) => updateSettings({ tools })}
          onToolChoice={(toolChoice) => updateSettings({ toolChoice })}
          errors={errors}
        />
      </details>

      <details className="panel-section" open={settings.responseFormat.type !== 'text'}>
        <summary className="panel-title">
          Response format
          {settings.responseFormat.type !== 'text' ? ` (${settings.responseFormat.type})` : ''}
        </summary>
        <ResponseFormatEditor
          value={settings.responseFormat}
          onChange={(responseFormat) => updateSettings({ responseFormat })}
          errors={errors}
        />
      </details>

      <section className="panel-section" aria-labelledby={`${id}-presets`}>
        <h2 id={`${id}-presets`} className="panel-title">
          Presets
        </h2>
        <PresetsField />
      </section>
    </div>
  );
}
