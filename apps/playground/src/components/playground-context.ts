import { createContext, type Dispatch, useContext } from 'react';
import type { ChatRunner } from '../hooks/use-chat-runner.js';
import type { ConnectionState } from '../hooks/use-connection.js';
import type { ModelsState } from '../hooks/use-models.js';
import type { ChatSettings } from '../state/chat-settings.js';
import type { Conversation, PlaygroundAction } from '../state/playground-state.js';
import type { ExportRequest } from './export-dialog.js';

/** What the chat components share: the open conversation, the gateway, and the actions. */
export interface PlaygroundContextValue {
  conversation: Conversation;
  dispatch: Dispatch<PlaygroundAction>;
  updateSettings: (patch: Partial<ChatSettings>) => void;
  runner: ChatRunner;
  connection: ConnectionState;
  models: ModelsState;
  /** Opens the export dialog for a request. */
  openExport: (request: ExportRequest) => void;
  /** Shows a short message in the status area. */
  notify: (message: string) => void;
}

export const PlaygroundContext = createContext<PlaygroundContextValue | null>(null);

export function usePlayground(): PlaygroundContextValue {
  const value = useContext(PlaygroundContext);
  if (!value) throw new Error('usePlayground() outside <PlaygroundContext>');
  return value;
}
