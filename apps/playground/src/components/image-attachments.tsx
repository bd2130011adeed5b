import { type ClipboardEvent, useRef } from 'react';

/**
 * The largest image the playground attaches: it is kept in the conversation in this browser's
 * localStorage (a few MB in all), as a data URL a third larger than the file.
 */
export const MAX_IMAGE_BYTES = 1_500_000;

/** Reads image files as data URLs; the ones too large are named in `refused`. */
export async function readImages(files: readonly File[]): Promise<{ urls: string[]; refused: string[] }> {
  const urls: string[] = [];
  const refused: string[] = [];
  for (const file of files) {
    if (!file.type.startsWith('image/')) continue;
    if (file.size > MAX_IMAGE_BYTES) {
      refused.push(file.name || 'a pasted image');
      continue;
    }
    urls.push(
      await new Promise<string>((resolve, reject) => {
        const reader = new FileReader();
        reader.onload = () => resolve(String(reader.result));
        reader.onerror = () => reject(reader.error);
        reader.readAsDataURL(file);
      }),
    );
  }
  return { urls, refused };
}

/** The images of a clipboard paste, if any. */
export function pastedImages(event: ClipboardEvent): File[] {
  return [...event.clipboardData.files].filter((file) => file.type.startsWith('image/'));
}

/** The "Attach image" button (a file picker for images). */
export function AttachImageButton({ onAdd }: { onAdd: (files: File[]) => void }) {
  // A button opens the (hidden) file input: a hidden input is neither tabbed to unseen nor laid out.
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className="small-button attachments__add" onClick={() => input.current?.click()}>
        Attach image
      </button>
      <input
        ref={input}
        type="file"
        accept="image/*"
        multiple
        hidden
        tabIndex={-1}
        aria-label="Images to attach"
        data-testid="image-input"
        onChange={(e) => {
          onAdd([...(e.target.files ?? [])]);
          e.target.value = '';
        }}
      />
    </>
  );
}

interface ImageAttachmentsProps {
  images: readonly string[];
  onRemove: (index: number) => void;
}

/** The images attached to the next message, each with a remove button. */
export function ImageAttachments({ images, onRemove }: ImageAttachmentsProps) {
  if (images.length === 0) return null;
  return (
    <div className="attachments">
      {images.map((url, index) => (
        <span key={url.slice(-32) + String(index)} className="attachments__item">
          <img src={url} alt={`Attachment ${index + 1}`} className="attachments__thumb" />
          <button
            type="button"
            className="icon-button"
            aria-label={`Remove image ${index + 1}`}
            onClick={() => onRemove(index)}
          >
            ×
          </button>
        </span>
      ))}
    </div>
  );
}
