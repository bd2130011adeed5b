import { type FormEvent, useId, useState } from 'react';
import { useStoredValue } from '../hooks/use-stored-value.js';
import type { ChatSettings } from '../state/chat-settings.js';
import { STORAGE_KEYS } from '../state/persistence.js';
import { usePlayground } from './playground-context.js';

/** Saved settings by name, kept in this browser's localStorage. */
type Presets = Record<string, ChatSettings>;

/** Save the chat's settings under a name; load or delete a saved preset. */
export function PresetsField() {
  const { conversation, updateSettings, notify } = usePlayground();
  const [presets, setPresets] = useStoredValue<Presets>(STORAGE_KEYS.presets, {});
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState('');
  const id = useId();
  const names = Object.keys(presets).sort((a, b) => a.localeCompare(b));
  const selected = presets[chosen] ? chosen : (names[0] ?? '');
  const save = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return;
    setPresets({ ...presets, [trimmed]: conversation.settings });
    setChosen(trimmed);
    setName('');
    notify(`Saved the settings as "${trimmed}".`);
  };
  const remove = () => {
    const { [selected]: _removed, ...rest } = presets;
    setPresets(rest);
    setChosen('');
  };
  return (
    <div className="presets">
      <form className="input-row" onSubmit={save}>
        <label htmlFor={`${id}-name`} className="visually-hidden">
          Preset name
        </label>
        <input
          id={`${id}-name`}
          placeholder="Name these settings…"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" className="small-button" disabled={!name.trim()}>
          Save preset
        </button>
      </form>
      {names.length > 0 && (
        <div className="input-row">
          <label htmlFor={`${id}-list`} className="visually-hidden">
            Saved presets
          </label>
          <select id={`${id}-list`} value={selected} onChange={(e) => setChosen(e.target.value)}>
            {names.map((preset) => (
              <option key={preset} value={preset}>
                {preset}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="small-button"
            aria-label={`Load preset ${selected}`}
            onClick={() => {
              const preset = presets[selected];
              if (preset) updateSettings(preset);
            }}
          >
            Load
          </button>
          <button
            type="button"
            className="small-button small-button--danger"
            aria-label={`Delete preset ${selected}`}
            onClick={remove}
          >
            Delete
          </button>
        </div>
      )}
    </div>
  );
}
