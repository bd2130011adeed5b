import { useEffect, useRef } from 'react';
import { matchShortcut, type ShortcutAction } from '../state/shortcuts.js';

export const IS_MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** Calls `handlers[action]` for the playground's keyboard shortcuts, anywhere on the page. */
export function useShortcuts(handlers: Partial<Record<ShortcutAction, () => boolean | undefined>>): void {
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      // An open dialog owns the keyboard (Escape closes it).
      if (document.querySelector('dialog[open]')) return;
      const action = matchShortcut(event, IS_MAC);
      if (!action) return;
      // A handler returns false when the key means nothing now (Esc with nothing to stop).
      if (latest.current[action]?.() !== false) event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
