import { useCallback, useEffect, useMemo, useState } from 'react';
import { useChatRunner } from '../hooks/use-chat-runner.js';
import { useConnection } from '../hooks/use-connection.js';
import { useModels } from '../hooks/use-models.js';
import { usePlaygroundData } from '../hooks/use-playground-data.js';
import { useShortcuts } from '../hooks/use-shortcuts.js';
import { useTheme } from '../hooks/use-theme.js';
import type { ChatSettings } from '../state/chat-settings.js';
import { ChatView } from './chat-view.js';
import { COMPOSER_ID } from './composer.js';
import { ConnectionDialog } from './connection-dialog.js';
import { ConversationSidebar } from './conversation-sidebar.js';
import { ExportDialog, type ExportRequest } from './export-dialog.js';
import { MODEL_PICKER_ID } from './model-picker.js';
import { PlaygroundContext, type PlaygroundContextValue } from './playground-context.js';
import { SettingsPanel } from './settings-panel.js';
import { ShortcutsDialog } from './shortcuts-dialog.js';
import { StatusToast } from './status-toast.js';
import { TopBar, type View } from './top-bar.js';
import { UsageView } from './usage-view.js';

const NO_IMAGES: string[] = [];

function viewFromHash(): View {
  return window.location.hash.startsWith('#/usage') ? 'usage' : 'chat';
}

/** The playground: chat and usage views, drawers on narrow screens, dialogs, shortcuts. */
export function App() {
  const [theme, setTheme] = useTheme();
  const connection = useConnection();
  const connected = connection.connection.apiKey !== '';
  const models = useModels(connection.client, connected);
  const { data, dispatch, saveError } = usePlaygroundData();
  const runner = useChatRunner(connection.client, dispatch);
  const { abortOrphans } = runner;
  useEffect(() => abortOrphans(data), [abortOrphans, data]);
  const [view, setView] = useState<View>(viewFromHash);
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  // Images attached to the next message, per conversation (data URLs).
  const [attached, setAttached] = useState<Record<string, string[]>>({});
  const [exporting, setExporting] = useState<ExportRequest | null>(null);
  const [connectionOpen, setConnectionOpen] = useState(false);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  const [drawer, setDrawer] = useState<'chats' | 'settings' | null>(null);
  const [toast, setToast] = useState<string | null>(null);
  // An element to focus once the next render is on screen (a drawer it lives in may open first).
  const [focusRequest, setFocusRequest] = useState<{ id: string } | null>(null);
  useEffect(() => {
    if (focusRequest) document.getElementById(focusRequest.id)?.focus();
  }, [focusRequest]);

  const conversation = data.conversations[data.activeId] ?? Object.values(data.conversations)[0];
  if (!conversation) throw new Error('No conversation to show.');
  const conversationId = conversation.id;

  useEffect(() => {
    const onHash = () => setView(viewFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(() => setToast(null), 6000);
    return () => clearTimeout(timer);
  }, [toast]);
  useEffect(() => {
    if (saveError) setToast(saveError);
  }, [saveError]);
  // A chat without a model gets the gateway's first one.
  useEffect(() => {
    const first = models.models.includes('simulator/echo') ? 'simulator/echo' : models.models[0];
    if (!conversation.settings.model && first) {
      dispatch({ type: 'settings', id: conversationId, patch: { model: first } });
    }
  }, [models.models, conversation.settings.model, conversationId, dispatch]);

  const updateSettings = useCallback(
    (patch: Partial<ChatSettings>) => dispatch({ type: 'settings', id: conversationId, patch }),
    [dispatch, conversationId],
  );
  const draft = drafts[conversationId] ?? '';
  const images = attached[conversationId] ?? NO_IMAGES;
  const send = useCallback(() => {
    if (runner.isRunning(conversationId)) return;
    const refusal = runner.send(conversation, draft, images);
    if (refusal) setToast(refusal.reason);
    else {
      setDrafts((all) => ({ ...all, [conversationId]: '' }));
      setAttached((all) => ({ ...all, [conversationId]: [] }));
    }
  }, [runner, conversation, conversationId, draft, images]);

  useShortcuts({
    send: () => {
      if (view !== 'chat') return false;
      send();
      return true;
    },
    stop: () => {
      if (runner.isRunning(conversationId)) runner.stop(conversationId);
      else if (drawer) setDrawer(null);
      else return false;
      return true;
    },
    'new-chat': () => {
      dispatch({ type: 'new', now: Date.now() });
      window.location.hash = '#/';
      setFocusRequest({ id: COMPOSER_ID });
      return true;
    },
    'focus-model': () => {
      window.location.hash = '#/';
      setDrawer('settings');
      setFocusRequest({ id: MODEL_PICKER_ID });
      return true;
    },
    'focus-composer': () => {
      window.location.hash = '#/';
      setDrawer(null);
      setFocusRequest({ id: COMPOSER_ID });
      return true;
    },
    help: () => {
      setShortcutsOpen(true);
      return true;
    },
  });

  const context = useMemo<PlaygroundContextValue>(
    () => ({
      conversation,
      dispatch,
      updateSettings,
      runner,
      connection,
      models,
      openExport: setExporting,
      notify: setToast,
    }),
    [conversation, dispatch, updateSettings, runner, connection, models],
  );

  const status = !connected
    ? { state: 'idle' as const, label: 'Not connected' }
    : models.error
      ? {
          state: 'error' as const,
          label: models.error.category === 'auth' ? 'API key needed' : 'Gateway unreachable',
        }
      : models.loading
        ? { state: 'loading' as const, label: 'Connecting…' }
        : { state: 'ready' as const, label: `${models.models.length} models` };

  return (
    <PlaygroundContext.Provider value={context}>
      <div className="app">
        <a className="skip-link" href={`#${COMPOSER_ID}`}>
          Skip to the message box
        </a>
        <TopBar
          view={view}
          theme={theme}
          onTheme={setTheme}
          onConnection={() => setConnectionOpen(true)}
          onShortcuts={() => setShortcutsOpen(true)}
          status={status}
          chatsOpen={drawer === 'chats'}
          settingsOpen={drawer === 'settings'}
          onToggleChats={() => setDrawer(drawer === 'chats' ? null : 'chats')}
          onToggleSettings={() => setDrawer(drawer === 'settings' ? null : 'settings')}
        />
        {view === 'chat' ? (
          <div className="chat-layout" data-drawer={drawer ?? 'none'}>
            <nav id="chats-panel" className="sidebar drawer drawer--left" aria-label="Chats">
              <ConversationSidebar
                data={data}
                dispatch={dispatch}
                runningIn={runner.isRunning}
                notify={setToast}
                onNavigate={() => setDrawer(null)}
              />
            </nav>
            <main className="chat-main" aria-label="Conversation">
              <ChatView
                draft={draft}
                onDraft={(text) => setDrafts((all) => ({ ...all, [conversationId]: text }))}
                images={images}
                onImages={(list) => setAttached((all) => ({ ...all, [conversationId]: list }))}
                onSend={send}
                onOpenConnection={() => setConnectionOpen(true)}
              />
            </main>
            <aside id="settings-panel" className="settings drawer drawer--right" aria-label="Settings">
              <SettingsPanel />
            </aside>
            {drawer && (
              <button
                type="button"
                className="drawer-backdrop"
                aria-label="Close the panel"
                tabIndex={-1}
                onClick={() => setDrawer(null)}
              />
            )}
          </div>
        ) : (
          <main className="usage-main" aria-label="Usage">
            <UsageView gatewayURL={connection.gatewayURL} connectionKey={connection.connection.apiKey} />
          </main>
        )}
        <StatusToast message={toast} onDismiss={() => setToast(null)} />
        <ExportDialog
          value={exporting}
          gatewayURL={connection.gatewayURL}
          apiKey={connection.connection.apiKey}
          onClose={() => setExporting(null)}
        />
        <ConnectionDialog
          open={connectionOpen}
          connection={connection.connection}
          onSave={connection.setConnection}
          onClose={() => setConnectionOpen(false)}
        />
        <ShortcutsDialog open={shortcutsOpen} onClose={() => setShortcutsOpen(false)} />
      </div>
    </PlaygroundContext.Provider>
  );
}
