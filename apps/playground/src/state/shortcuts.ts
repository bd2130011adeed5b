export type ShortcutAction = 'send' | 'stop' | 'new-chat' | 'focus-model' | 'focus-composer' | 'help';

export interface KeyInput {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

export interface ShortcutInfo {
  action: ShortcutAction;
  /** Key names to show, with `Mod` for Ctrl (⌘ on a Mac). */
  keys: string[];
  description: string;
}

export const SHORTCUTS: readonly ShortcutInfo[] = [
  { action: 'send', keys: ['Mod', 'Enter'], description: 'Send the message (or continue the conversation)' },
  { action: 'stop', keys: ['Esc'], description: 'Stop the answers being generated' },
  { action: 'new-chat', keys: ['Mod', 'Shift', 'O'], description: 'Start a new chat' },
  { action: 'focus-model', keys: ['Mod', 'K'], description: 'Focus the model picker' },
  { action: 'focus-composer', keys: ['Shift', 'Esc'], description: 'Focus the message box' },
  { action: 'help', keys: ['Mod', '/'], description: 'Show keyboard shortcuts' },
];

/** The playground shortcut a key press means, if any. `mac` picks ⌘ over Ctrl as the modifier. */
export function matchShortcut(event: KeyInput, mac: boolean): ShortcutAction | null {
  const mod = mac ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  if (key === 'Escape' && !mod && !event.altKey) return event.shiftKey ? 'focus-composer' : 'stop';
  if (!mod || event.altKey) return null;
  if (key === 'Enter' && !event.shiftKey) return 'send';
  if (key === 'o' && event.shiftKey) return 'new-chat';
  if (key === 'k' && !event.shiftKey) return 'focus-model';
  if (key === '/' && !event.shiftKey) return 'help';
  return null;
}

/** How to write a key for this platform. */
export function keyLabel(key: string, mac: boolean): string {
  if (key === 'Mod') return mac ? '⌘' : 'Ctrl';
  if (key === 'Shift' && mac) return '⇧';
  return key;
}
