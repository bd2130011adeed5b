import { type FormEvent, useId } from 'react';
import { IS_MAC } from '../hooks/use-shortcuts.js';
import { useStoredValue } from '../hooks/use-stored-value.js';
import type { targetModels } from '../state/chat-settings.js';
import { STORAGE_KEYS } from '../state/persistence.js';
import { keyLabel } from '../state/shortcuts.js';
import {
  AttachImageButton,
  ImageAttachments,
  MAX_IMAGE_BYTES,
  pastedImages,
  readImages,
} from './image-attachments.js';
import { usePlayground } from './playground-context.js';

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
  /** Images to send with the message (data URLs). */
  images: readonly string[];
  onImages: (images: string[]) => void;
}

/** The message input with Send and Stop. */
export function Composer(props: ComposerProps) {
  const { value, onChange, onSend, onStop, running, blocked, models, images, onImages } = props;
  const { notify } = usePlayground();
  const id = useId();
  const attach = async (files: File[]) => {
    const { urls, refused } = await readImages(files);
    if (urls.length > 0) onImages([...images, ...urls]);
    if (refused.length > 0)
      notify(`Not attached (over ${MAX_IMAGE_BYTES / 1_000_000} MB): ${refused.join(', ')}.`);
  };
  const mod = keyLabel('Mod', IS_MAC);
  // Enter alone sends when the user asks for it (Shift+Enter is then a new line); Mod+Enter always sends.
  const [enterSends, setEnterSends] = useStoredValue(STORAGE_KEYS.enterSends, false);
  const sendKeys = enterSends ? 'Enter' : `${mod}+Enter`;
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
        placeholder={`Message ${models.join(', ') || 'the model'}…  (${sendKeys} to send)`}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onPaste={(e) => {
          const files = pastedImages(e);
          if (files.length === 0) return;
          e.preventDefault();
          void attach(files);
        }}
        onKeyDown={(e) => {
          const plainEnter = e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey;
          if (enterSends && plainEnter && !e.nativeEvent.isComposing && !running) {
            e.preventDefault();
            onSend();
          }
        }}
        aria-describedby={`${id}-note`}
      />
      <ImageAttachments
        images={images}
        onRemove={(index) => onImages(images.filter((_, i) => i !== index))}
      />
      <div className="composer__bar">
        <p
          id={`${id}-note`}
          className={blocked ? 'composer__note field__error' : 'composer__note muted small'}
          aria-live="polite"
        >
          {blocked ?? (models.length > 1 ? `Compare: ${models.join(' · ')}` : `${sendKeys} sends, Esc stops`)}
        </p>
        <AttachImageButton onAdd={(files) => void attach(files)} />
        <label className="checkbox small composer__enter">
          <input type="checkbox" checked={enterSends} onChange={(e) => setEnterSends(e.target.checked)} />
          Enter sends
        </label>
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
