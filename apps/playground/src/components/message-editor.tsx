import { useId, useState } from 'react';

interface MessageEditorProps {
  initial: string;
  label: string;
  /** Actions offered; `run` only for user messages. */
  onSave: (text: string) => void;
  onBranch: (text: string) => void;
  onRun?: ((text: string) => void) | undefined;
  onCancel: () => void;
}

/** Inline editing of a message: save in place, keep the original as a branch, or save and re-run. */
export function MessageEditor({ initial, label, onSave, onBranch, onRun, onCancel }: MessageEditorProps) {
  const [text, setText] = useState(initial);
  const id = useId();
  return (
    <div className="message-editor">
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <textarea
        id={id}
        // biome-ignore lint/a11y/noAutofocus: the user just asked to edit this message.
        autoFocus
        rows={Math.min(12, Math.max(3, text.split('\n').length + 1))}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.preventDefault();
            onCancel();
          } else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            (onRun ?? onSave)(text);
          }
        }}
      />
      <div className="message-editor__actions">
        {onRun && (
          <button type="button" className="button button--primary" onClick={() => onRun(text)}>
            Save as branch & run
          </button>
        )}
        <button
          type="button"
          className={onRun ? 'button' : 'button button--primary'}
          onClick={() => onSave(text)}
        >
          Save
        </button>
        {!onRun && (
          <button type="button" className="button" onClick={() => onBranch(text)}>
            Save as branch
          </button>
        )}
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
