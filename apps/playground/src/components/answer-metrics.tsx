import type { AnswerInfo } from '../state/answer-info.js';
import { formatCost, formatCount, formatDuration } from '../state/format.js';
import { CopyButton } from './copy-button.js';

/** Timings, tokens, cost and provenance of one answer. */
export function AnswerMetrics({ answer }: { answer: AnswerInfo }) {
  const { metrics, usage } = answer;
  const reasoning = usage?.completion_tokens_details?.reasoning_tokens;
  const items: [string, string, string][] = [
    ['ttft', 'TTFT', formatDuration(metrics?.ttftMs)],
    ['tps', 'Tokens/s', metrics?.tokensPerSecond == null ? '—' : metrics.tokensPerSecond.toFixed(1)],
    ['latency', 'Latency', formatDuration(metrics?.latencyMs)],
    ['prompt', 'Prompt', formatCount(usage?.prompt_tokens)],
    ['completion', 'Completion', formatCount(usage?.completion_tokens)],
    ['reasoning', 'Reasoning', formatCount(reasoning ?? (usage ? 0 : null))],
    ['cost', 'Cost', formatCost(usage?.cost)],
    ['finish', 'Finish', answer.finishReason ?? (answer.status === 'stopped' ? 'stopped' : '—')],
    ['deployment', 'Deployment', answer.deployment ?? '—'],
  ];
  if (answer.overheadMs !== null)
    items.push(['overhead', 'Gateway overhead', formatDuration(answer.overheadMs)]);
  return (
    <dl className="metrics" data-testid="answer-metrics">
      {items.map(([key, label, value]) => (
        <div key={key} className="metric" data-metric={key}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
      {answer.requestId && (
        <div className="metric metric--wide" data-metric="request-id">
          <dt>Request id</dt>
          <dd>
            <code>{answer.requestId}</code> <CopyButton text={answer.requestId} label="Copy request id" />
          </dd>
        </div>
      )}
    </dl>
  );
}
