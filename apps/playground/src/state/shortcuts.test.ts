import { describe, expect, it } from 'vitest';
import { keyLabel, matchShortcut } from './shortcuts.js';

const key = (
  k: string,
  mods: Partial<Record<'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey', boolean>> = {},
) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe('keyboard shortcuts', () => {
  it('uses Ctrl elsewhere and ⌘ on a Mac', () => {
    expect(matchShortcut(key('Enter', { ctrlKey: true }), false)).toBe('send');
    expect(matchShortcut(key('Enter', { metaKey: true }), true)).toBe('send');
    expect(matchShortcut(key('Enter', { metaKey: true }), false)).toBeNull();
    expect(matchShortcut(key('Enter'), false)).toBeNull();
    expect(matchShortcut(key('Escape'), false)).toBe('stop');
    expect(matchShortcut(key('Escape', { shiftKey: true }), false)).toBe('focus-composer');
    expect(matchShortcut(key('O', { ctrlKey: true, shiftKey: true }), false)).toBe('new-chat');
    expect(matchShortcut(key('k', { ctrlKey: true }), false)).toBe('focus-model');
    expect(matchShortcut(key('/', { ctrlKey: true }), false)).toBe('help');
    expect(matchShortcut(key('k', { ctrlKey: true, altKey: true }), false)).toBeNull();
    expect([keyLabel('Mod', true), keyLabel('Mod', false), keyLabel('Enter', true)]).toEqual([
      '⌘',
      'Ctrl',
      'Enter',
    ]);
  });
});
