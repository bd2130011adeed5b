/** The model's reasoning, apart from the answer and collapsible (open while it streams). */
export function ReasoningBlock({ text, streaming }: { text: string; streaming: boolean }) {
  const words = text.trim() ? text.trim().split(/\s+/).length : 0;
  return (
    <details className="reasoning" open={streaming || undefined} data-testid="reasoning">
      <summary>
        {streaming ? 'Thinking…' : 'Reasoning'} <span className="muted">({words} words)</span>
      </summary>
      <p className="reasoning__text">{text}</p>
    </details>
  );
}
