import { type FormEvent, useId } from 'react';
import { IS_MAC } from '../hooks/use-shortcuts.js';
import type { targetModels } from '../state/chat-settings.js';
import { keyLabel } from '../state/shortcuts.js';

export const COMPOSER_ID = 'composer-input';

interface ComposerProps {
  value: string;
  onChange: (value: string) => void;
  onSend: () => void;
  onStop: () => void;
  running: boolean;
  /** Why sending is blocked, shown under the input. */
  blocked: string | null;
  models: ReturnType<typeof targetModels>;
}

/** The message input with Send and Stop. */
export function Composer({ value, onChange, onSend, onStop, running, blocked, models }: ComposerProps) {
  const id = useId();
  const mod = keyLabel('Mod', IS_MAC);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSend();
  };
  return (
    <form className="composer" onSubmit={submit}>
      <label htmlFor={COMPOSER_ID} className="visually-hidden">
        Message
      </label>
      <textarea
        id={COMPOSER_ID}
        rows={Math.min(8, Math.max(2, value.split('\n').length))}
        placeholder={`Message ${models.join(', ') || 'the model'}…  (${mod}+Enter to send)`}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={`${id}-note`}
      />
      <div className="composer__bar">
        <p
          id={`${id}-note`}
          className={blocked ? 'composer__note field__error' : 'composer__note muted small'}
          aria-live="polite"
        >
          {blocked ??
            (models.length > 1 ? `Compare: ${models.join(' · ')}` : `${mod}+Enter sends, Esc stops`)}
        </p>
        {/* Distinct keys: React would otherwise turn the clicked Stop into a submit button while its
            click is still being handled, and the browser would then submit the form. */}
        {running ? (
          <button
            key="stop"
            type="button"
            className="button button--danger"
            onClick={(event) => {
              event.preventDefault();
              onStop();
            }}
          >
            Stop <kbd>Esc</kbd>
          </button>
        ) : (
          <button key="send" type="submit" className="button button--primary">
            Send
          </button>
        )}
      </div>
    </form>
  );
}
