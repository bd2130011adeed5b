import type { AnswerError } from '../state/answer-error.js';
import { CopyButton } from './copy-button.js';

/** A gateway error as what it is: headline, the server's message, code, status and request id. */
export function ErrorNotice({ error, compact }: { error: AnswerError; compact?: boolean }) {
  return (
    <div className={`error-notice error-notice--${error.category}`} role="alert" data-testid="error-notice">
      <p className="error-notice__title">
        <strong>{error.title}</strong>
        {error.status !== null && <span className="badge">HTTP {error.status}</span>}
        {error.code && <code className="badge">{error.code}</code>}
      </p>
      <p className="error-notice__message">{error.message}</p>
      {!compact && error.hint && <p className="error-notice__hint">{error.hint}</p>}
      {error.requestId && (
        <p className="error-notice__request">
          Request id <code data-testid="error-request-id">{error.requestId}</code>
          <CopyButton text={error.requestId} label="Copy request id" />
        </p>
      )}
    </div>
  );
}
