import type { ToolCallParam } from '@switchyard/protocol';
import { formatArguments } from '../state/tool-turns.js';

/** A tool call the model made: function name, call id and pretty-printed arguments. */
export function ToolCallView({ call }: { call: ToolCallParam }) {
  return (
    <div className="tool-call" data-testid="tool-call">
      <p className="tool-call__head">
        <span className="badge badge--accent">tool call</span>{' '}
        <code className="tool-call__name">{call.function.name}</code>
        <span className="muted small"> {call.id}</span>
      </p>
      <pre className="code-block">{formatArguments(call.function.arguments)}</pre>
    </div>
  );
}
