import type { ChatCompletionRequest } from '@switchyard/protocol';
import { useState } from 'react';
import { API_KEY_ENV, EXPORT_LANGUAGES, type ExportLanguage, exportCode } from '../state/export-code.js';
import { CopyButton } from './copy-button.js';
import { ModalDialog } from './modal-dialog.js';

export interface ExportRequest {
  title: string;
  request: ChatCompletionRequest;
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
  const code = value
    ? exportCode(language, value.request, { gatewayURL, ...(includeKey && apiKey ? { apiKey } : {}) })
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
      <p className="muted small">
        {includeKey && apiKey
          ? 'The key is in the code: do not share it.'
          : `The code reads the API key from $${API_KEY_ENV}.`}{' '}
        It sends exactly the request the playground sent.
      </p>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard. */}
      <pre className="code-block" data-testid="export-code" data-language={language} tabIndex={0}>
        {code}
      </pre>
    </ModalDialog>
  );
}
