import { ModelPicker } from './model-picker.js';
import { usePlayground } from './playground-context.js';

/** Compare mode: up to two more models that get the same conversation. */
export function CompareModelsField() {
  const { conversation, updateSettings, models } = usePlayground();
  const { compare, compareModels, model } = conversation.settings;
  const toggle = (on: boolean) => {
    if (!on) return updateSettings({ compare: false });
    // Start with a model other than the main one, so the comparison means something.
    const other = compareModels[0] ?? models.models.find((m) => m !== model) ?? '';
    updateSettings({ compare: true, compareModels: compareModels.length > 0 ? compareModels : [other] });
  };
  const setAt = (index: number, value: string) => {
    const next = [...compareModels];
    next[index] = value;
    updateSettings({ compareModels: next.filter((m, i) => m !== '' || i === 0) });
  };
  return (
    <div className="compare-field">
      <label className="checkbox">
        <input type="checkbox" checked={compare} onChange={(e) => toggle(e.target.checked)} />
        Compare with other models
      </label>
      {compare && (
        <>
          <ModelPicker label="Second model" value={compareModels[0] ?? ''} onChange={(m) => setAt(0, m)} />
          {compareModels.length >= 1 && compareModels[0] !== '' && (
            <div className="input-row">
              {compareModels[1] === undefined ? (
                <button
                  type="button"
                  className="small-button"
                  onClick={() => setAt(1, models.models[0] ?? '')}
                >
                  Add a third model
                </button>
              ) : (
                <>
                  <div className="field--grow">
                    <ModelPicker label="Third model" value={compareModels[1]} onChange={(m) => setAt(1, m)} />
                  </div>
                  <button
                    type="button"
                    className="small-button"
                    onClick={() => updateSettings({ compareModels: compareModels.slice(0, 1) })}
                  >
                    Remove
                  </button>
                </>
              )}
            </div>
          )}
        </>
      )}
    </div>
  );
}
