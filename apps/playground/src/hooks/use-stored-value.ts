import { useCallback, useState } from 'react';
import { browserStorage, loadValue, saveValue } from '../state/persistence.js';

/** A state value mirrored in localStorage under `key`. */
export function useStoredValue<T>(key: string, fallback: T | (() => T)): [T, (value: T) => void] {
  const [value, setValue] = useState<T>(() =>
    loadValue(browserStorage(), key, typeof fallback === 'function' ? (fallback as () => T)() : fallback),
  );
  const update = useCallback(
    (next: T) => {
      setValue(next);
      saveValue(browserStorage(), key, next);
    },
    [key],
  );
  return [value, update];
}
