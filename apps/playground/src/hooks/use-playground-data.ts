import { type Dispatch, useEffect, useReducer, useState } from 'react';
import { browserStorage, loadConversations, saveConversations } from '../state/persistence.js';
import { type PlaygroundAction, type PlaygroundData, playgroundReducer } from '../state/playground-state.js';

const SAVE_DELAY_MS = 400;

/** The conversations, kept in the browser: loaded once, saved shortly after each change. */
export function usePlaygroundData(): {
  data: PlaygroundData;
  dispatch: Dispatch<PlaygroundAction>;
  saveError: string | null;
} {
  const [data, dispatch] = useReducer(playgroundReducer, undefined, () =>
    loadConversations(browserStorage(), Date.now()),
  );
  const [saveError, setSaveError] = useState<string | null>(null);
  useEffect(() => {
    // Debounced: a streaming answer changes the data every frame.
    const timer = setTimeout(() => setSaveError(saveConversations(browserStorage(), data)), SAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [data]);
  useEffect(() => {
    const flush = () => saveConversations(browserStorage(), data);
    window.addEventListener('pagehide', flush);
    return () => window.removeEventListener('pagehide', flush);
  }, [data]);
  return { data, dispatch, saveError };
}
