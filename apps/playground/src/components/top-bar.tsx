import type { Theme } from '../hooks/use-theme.js';

export type View = 'chat' | 'usage';

/** Green only once the gateway answered; grey while not connected or still asking. */
const DOTS = { idle: 'wait', loading: 'wait', ready: 'ok', error: 'bad' } as const;

interface TopBarProps {
  view: View;
  theme: Theme;
  onTheme: (theme: Theme) => void;
  onConnection: () => void;
  onShortcuts: () => void;
  /** Connection state for the status dot. */
  status: { state: 'idle' | 'loading' | 'ready' | 'error'; label: string };
  onToggleChats: () => void;
  onToggleSettings: () => void;
  chatsOpen: boolean;
  settingsOpen: boolean;
}

/** Brand, the two views, drawers (narrow screens), connection, shortcuts and theme. */
export function TopBar(props: TopBarProps) {
  const { view, theme, status } = props;
  return (
    <header className="top-bar">
      {view === 'chat' && (
        <button
          type="button"
          className="icon-button top-bar__drawer"
          aria-label="Chats"
          aria-expanded={props.chatsOpen}
          aria-controls="chats-panel"
          onClick={props.onToggleChats}
        >
          ☰
        </button>
      )}
      <a className="brand" href="#/">
        <span className="brand__mark" aria-hidden="true">
          ⇄
        </span>
        <span className="brand__name">Switchyard</span>
        <span className="brand__sub">playground</span>
      </a>
      <nav className="tabs" aria-label="Views">
        <a
          href="#/"
          className={view === 'chat' ? 'tab is-active' : 'tab'}
          aria-current={view === 'chat' ? 'page' : undefined}
        >
          Chat
        </a>
        <a
          href="#/usage"
          className={view === 'usage' ? 'tab is-active' : 'tab'}
          aria-current={view === 'usage' ? 'page' : undefined}
        >
          Usage
        </a>
      </nav>
      <div className="top-bar__actions">
        <button
          type="button"
          className="button button--ghost connection-button"
          onClick={props.onConnection}
          aria-label={`Connection: ${status.label}`}
          data-state={status.state}
          data-testid="connection-button"
        >
          <span className={`dot dot--${DOTS[status.state]}`} aria-hidden="true" />
          <span className="connection-button__label">{status.label}</span>
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label="Keyboard shortcuts"
          onClick={props.onShortcuts}
        >
          ?
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label={theme === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'}
          onClick={() => props.onTheme(theme === 'dark' ? 'light' : 'dark')}
        >
          {theme === 'dark' ? '☀' : '☾'}
        </button>
        {view === 'chat' && (
          <button
            type="button"
            className="icon-button top-bar__drawer"
            aria-label="Settings"
            aria-expanded={props.settingsOpen}
            aria-controls="settings-panel"
            onClick={props.onToggleSettings}
          >
            ⚙
          </button>
        )}
      </div>
    </header>
  );
}
