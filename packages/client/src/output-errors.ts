import { type ChatCompletion, ProtocolError } from '@switchyard/protocol';
import type { RequestIdentified } from './api-promise.js';
import { ClientErrorCode, clientErrorInit, type ErrorClass, hasCode } from './client-error-codes.js';
import type { ValidationIssue } from './standard-schema.js';

const OUTPUT_CODES: readonly string[] = [
  ClientErrorCode.refusal,
  ClientErrorCode.contentFilter,
  ClientErrorCode.outputTruncated,
  ClientErrorCode.outputInvalid,
];

/** The model answered, but its output cannot be used; `completion` is what it sent. */
export class OutputError extends ProtocolError {
  static override readonly errorName: string = 'OutputError';
  readonly completion: ChatCompletion;

  constructor(message: string, code: string, completion: ChatCompletion & RequestIdentified) {
    super(clientErrorInit({ message, code, requestId: completion._requestId }));
    this.completion = completion;
  }

  static override isInstance<T extends ErrorClass>(this: T, value: unknown): value is InstanceType<T> {
    return ProtocolError.isInstance(value) && OUTPUT_CODES.includes(value.code);
  }
}

/** The model refused to answer (`message.refusal`); `refusal` holds its explanation. */
export class RefusalError extends OutputError {
  static override readonly errorName: string = 'RefusalError';
  readonly refusal: string;

  constructor(refusal: string, completion: ChatCompletion & RequestIdentified) {
    super(`The model refused: ${refusal}`, ClientErrorCode.refusal, completion);
    this.refusal = refusal;
  }

  static override isInstance<T extends ErrorClass>(this: T, value: unknown): value is InstanceType<T> {
    return hasCode(value, ClientErrorCode.refusal);
  }
}

/** The provider's content filter cut the output (`finish_reason: "content_filter"`). */
export class ContentFilterError extends OutputError {
  static override readonly errorName: string = 'ContentFilterError';
  constructor(completion: ChatCompletion & RequestIdentified) {
    super('The content filter stopped the output.', ClientErrorCode.contentFilter, completion);
  }

  static override isInstance<T extends ErrorClass>(this: T, value: unknown): value is InstanceType<T> {
    return hasCode(value, ClientErrorCode.contentFilter);
  }
}

/** The output hit the token limit (`finish_reason: "length"`), so its JSON is cut short. */
export class LengthFinishReasonError extends OutputError {
  static override readonly errorName: string = 'LengthFinishReasonError';
  constructor(completion: ChatCompletion & RequestIdentified) {
    super(
      'The output was cut at the token limit (finish_reason "length").',
      ClientErrorCode.outputTruncated,
      completion,
    );
  }

  static override isInstance<T extends ErrorClass>(this: T, value: unknown): value is InstanceType<T> {
    return hasCode(value, ClientErrorCode.outputTruncated);
  }
}

/** The output is not JSON, or does not match the schema; `issues` says where. */
export class OutputValidationError extends OutputError {
  static override readonly errorName: string = 'OutputValidationError';
  readonly issues: ValidationIssue[];
  /** The text the model produced. */
  readonly text: string;

  constructor(issues: ValidationIssue[], text: string, completion: ChatCompletion & RequestIdentified) {
    const detail = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message));
    super(
      `The output does not match the schema: ${detail.join('; ')}`,
      ClientErrorCode.outputInvalid,
      completion,
    );
    this.issues = issues;
    this.text = text;
  }

  static override isInstance<T extends ErrorClass>(this: T, value: unknown): value is InstanceType<T> {
    return hasCode(value, ClientErrorCode.outputInvalid);
  }
}
