import { Component, type ErrorInfo, type ReactNode } from 'react';

interface State {
  error: Error | null;
}

/** A render error shows what happened and a way out, never a blank page. */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('Playground crashed', error, info.componentStack);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="crash" role="alert">
        <h1>The playground hit a bug</h1>
        <p>
          <code>{error.message}</code>
        </p>
        <p>
          Your conversations are saved in this browser. Reload to continue; if it happens again, export your
          chats first.
        </p>
        <div className="form__actions">
          <button type="button" className="button button--primary" onClick={() => window.location.reload()}>
            Reload
          </button>
          <button type="button" className="button" onClick={() => this.setState({ error: null })}>
            Try to continue
          </button>
        </div>
      </div>
    );
  }
}
