import { IS_MAC } from '../hooks/use-shortcuts.js';
import { keyLabel } from '../state/shortcuts.js';
import { usePlayground } from './playground-context.js';

/** What a new chat shows: what to try, and the state of the connection. */
export function EmptyChat() {
  const { models, conversation } = usePlayground();
  const mod = keyLabel('Mod', IS_MAC);
  return (
    <div className="empty-chat">
      <h2>Try the gateway</h2>
      <p>
        Ask something, then press <kbd>{mod}</kbd> <kbd>Enter</kbd>. Answers stream in with their timings,
        tokens, cost, the deployment that served them and the request id.
      </p>
      <ul className="empty-chat__tips">
        <li>
          <code>simulator/*</code> models answer offline and deterministically: <code>simulator/thinker</code>{' '}
          reasons first; add a tool mentioning <em>weather</em> to see a tool call.
        </li>
        <li>
          Make the simulator fail with <code>[simulate:rate_limit]</code>,{' '}
          <code>[simulate:server_error]</code> or slow it down with <code>[simulate:tps=5]</code> in your
          message.
        </li>
        <li>
          Compare models side by side, edit any message, re-run, branch, and export the exact request as code.
        </li>
      </ul>
      {!models.loading && !models.error && models.models.length === 0 && (
        <p className="muted">The gateway lists no models.</p>
      )}
      {conversation.settings.model && <p className="muted small">Model: {conversation.settings.model}</p>}
    </div>
  );
}
