import { useEffect, useState } from 'react';
import { API_KEY_ENV, EXPORT_LANGUAGES, type ExportLanguage, exportCode } from '../state/export-code.js';
import type { ExportChoice } from '../state/export-requests.js';
import { CopyButton } from './copy-button.js';
import { ModalDialog } from './modal-dialog.js';

/** What the export dialog shows: one request, or a choice of them (the first shown first). */
export interface ExportRequest {
  title: string;
  choices: ExportChoice[];
}

const LABELS: Record<ExportLanguage, string> = { curl: 'curl', typescript: 'TypeScript', python: 'Python' };

interface ExportDialogProps {
  value: ExportRequest | null;
  gatewayURL: string;
  apiKey: string;
  onClose: () => void;
}

/** The request as curl, TypeScript (@switchyard/client) or Python (openai) code that sends exactly it. */
export function ExportDialog({ value, gatewayURL, apiKey, onClose }: ExportDialogProps) {
  const [language, setLanguage] = useState<ExportLanguage>('curl');
  const [includeKey, setIncludeKey] = useState(false);
  const [chosen, setChosen] = useState(0);
  useEffect(() => setChosen(0), [value]);
  const choice = value?.choices[chosen] ?? value?.choices[0];
  const code = choice
    ? exportCode(language, choice.request, { gatewayURL, ...(includeKey && apiKey ? { apiKey } : {}) })
    : '';
  return (
    <ModalDialog
      title={value?.title ?? 'Export'}
      open={value !== null}
      onClose={onClose}
      wide
      footer={
        <button type="button" className="button" onClick={onClose}>
          Done
        </button>
      }
    >
      {value && value.choices.length > 1 && (
        <div className="segmented" role="tablist" aria-label="Request">
          {value.choices.map((c, index) => (
            <button
              key={c.label}
              type="button"
              role="tab"
              aria-selected={choice === c}
              className={choice === c ? 'segmented__item is-active' : 'segmented__item'}
              onClick={() => setChosen(index)}
            >
              {c.label}
            </button>
          ))}
        </div>
      )}
      <div className="export-toolbar">
        <div className="segmented" role="tablist" aria-label="Language">
          {EXPORT_LANGUAGES.map((lang) => (
            <button
              key={lang}
              type="button"
              role="tab"
              aria-selected={language === lang}
              className={language === lang ? 'segmented__item is-active' : 'segmented__item'}
              onClick={() => setLanguage(lang)}
            >
              {LABELS[lang]}
            </button>
          ))}
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={includeKey} onChange={(e) => setIncludeKey(e.target.checked)} />
          Put the API key in the code
        </label>
        <CopyButton text={code} label={`Copy ${LABELS[language]}`} />
      </div>
      <p className="small" data-testid="export-note">
        {choice?.note}
      </p>
      <p className="muted small">
        {includeKey && apiKey
          ? 'The key is in the code: do not share it.'
          : `The code reads the API key from $${API_KEY_ENV}.`}
      </p>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard. */}
      <pre className="code-block" data-testid="export-code" data-language={language} tabIndex={0}>
        {code}
      </pre>
    </ModalDialog>
  );
}
