import { useEffect } from 'react';
import { STORAGE_KEYS } from '../state/persistence.js';
import { useStoredValue } from './use-stored-value.js';

export type Theme = 'light' | 'dark';

function systemTheme(): Theme {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches
    ? 'dark'
    : 'light';
}

/** The colour theme: the system's until the user picks one; applied as `data-theme` on <html>. */
export function useTheme(): [Theme, (theme: Theme) => void] {
  const [theme, setTheme] = useStoredValue<Theme>(STORAGE_KEYS.theme, systemTheme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.style.colorScheme = theme;
  }, [theme]);
  return [theme, setTheme];
}
