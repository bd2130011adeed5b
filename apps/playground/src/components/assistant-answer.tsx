import type { AssistantMessageParam } from '@switchyard/protocol';
import type { AnswerInfo } from '../state/answer-info.js';
import { AnswerMetrics } from './answer-metrics.js';
import { ErrorNotice } from './error-notice.js';
import { JsonAnswer } from './json-answer.js';
import { MarkdownText } from './markdown-text.js';
import { ReasoningBlock } from './reasoning-block.js';
import { ToolCallView } from './tool-call-view.js';

function textOf(content: AssistantMessageParam['content']): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => ('text' in part ? part.text : '')).join('');
}

/** The body of an assistant message: reasoning, answer (JSON-checked when asked for JSON), tool calls, error, metrics. */
export function AssistantAnswer({
  message,
  answer,
}: {
  message: AssistantMessageParam;
  answer: AnswerInfo | undefined;
}) {
  const text = textOf(message.content);
  const streaming = answer?.status === 'streaming';
  const format = answer?.params.response_format;
  const jsonExpected = format?.type === 'json_object' || format?.type === 'json_schema';
  const hasOutput =
    text !== '' || (message.tool_calls?.length ?? 0) > 0 || !!message.reasoning_content || !!message.refusal;
  return (
    <div className="answer">
      {message.reasoning_content && (
        <ReasoningBlock text={message.reasoning_content} streaming={streaming && text === ''} />
      )}
      {streaming && !hasOutput && (
        <p className="waiting" role="status">
          <span className="spinner" aria-hidden="true" /> Waiting for the first token…
        </p>
      )}
      {message.refusal && (
        <p className="refusal">
          <span className="badge badge--warn">refusal</span> {message.refusal}
        </p>
      )}
      {text !== '' &&
        (jsonExpected && !streaming && answer?.status === 'done' ? (
          <JsonAnswer
            text={text}
            schema={format?.type === 'json_schema' ? (format.json_schema.schema ?? {}) : undefined}
            schemaName={format?.type === 'json_schema' ? format.json_schema.name : undefined}
          />
        ) : (
          <MarkdownText text={text} streaming={streaming} />
        ))}
      {message.tool_calls?.map((call) => (
        <ToolCallView key={call.id || call.function.name} call={call} />
      ))}
      {answer?.status === 'stopped' && (
        <p className="muted small" data-testid="stopped">
          Stopped{text ? ': the answer above is partial.' : ' before the first token.'}
        </p>
      )}
      {answer?.error && <ErrorNotice error={answer.error} />}
      {answer?.status === 'error' && (
        <p className="muted small" data-testid="left-out">
          This turn is left out of the next request; Re-run sends it again.
        </p>
      )}
      {answer && !streaming && <AnswerMetrics answer={answer} />}
    </div>
  );
}
