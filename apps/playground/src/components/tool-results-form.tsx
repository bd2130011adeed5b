import { type FormEvent, useEffect, useId, useState } from 'react';
import { cannedResultFor, type PendingToolCall } from '../state/tool-turns.js';
import { usePlayground } from './playground-context.js';

/** Answer the model's pending tool calls by hand (or with the canned results) to continue the turn. */
export function ToolResultsForm({ pending }: { pending: PendingToolCall[] }) {
  const { conversation, runner, notify } = usePlayground();
  const id = useId();
  const [values, setValues] = useState<Record<string, string>>({});
  const tools = conversation.settings.tools;
  // Prefill each new call with its tool's canned result.
  useEffect(() => {
    setValues((current) => {
      const next: Record<string, string> = {};
      for (const { call } of pending)
        next[call.id] = current[call.id] ?? cannedResultFor(tools, call.function.name) ?? '';
      return next;
    });
  }, [pending, tools]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const refusal = runner.answerTools(
      conversation,
      pending.map(({ call }) => ({ callId: call.id, content: values[call.id] ?? '' })),
    );
    if (refusal) notify(refusal.reason);
  };
  const useCanned = () =>
    setValues(
      Object.fromEntries(
        pending.map(({ call }) => [
          call.id,
          cannedResultFor(tools, call.function.name) ?? values[call.id] ?? '',
        ]),
      ),
    );
  const hasCanned = pending.some(({ call }) => cannedResultFor(tools, call.function.name) !== undefined);
  return (
    <form
      className="tool-results"
      onSubmit={submit}
      aria-labelledby={`${id}-title`}
      data-testid="tool-results"
    >
      <h3 id={`${id}-title`} className="tool-results__title">
        The model is waiting for {pending.length === 1 ? 'a tool result' : `${pending.length} tool results`}
      </h3>
      {pending.map(({ call }) => (
        <div className="field" key={call.id}>
          <label htmlFor={`${id}-${call.id}`}>
            Result of <code>{call.function.name}</code> <span className="muted small">({call.id})</span>
          </label>
          <textarea
            id={`${id}-${call.id}`}
            className="code-input"
            rows={3}
            spellCheck={false}
            value={values[call.id] ?? ''}
            placeholder='e.g. {"temperature": 21}'
            onChange={(e) => setValues({ ...values, [call.id]: e.target.value })}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
                event.preventDefault();
                event.currentTarget.form?.requestSubmit();
              }
            }}
          />
        </div>
      ))}
      <div className="form__actions">
        {hasCanned && (
          <button type="button" className="button" onClick={useCanned}>
            Use canned results
          </button>
        )}
        <button type="submit" className="button button--primary">
          Send {pending.length === 1 ? 'result' : 'results'} and continue
        </button>
      </div>
    </form>
  );
}
