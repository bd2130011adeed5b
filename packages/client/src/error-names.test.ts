import { describe, expect, it } from 'vitest';
import { completion } from '../test/support/local-server.js';
import {
  ContentFilterError,
  LengthFinishReasonError,
  MaxStepsExceededError,
  OutputError,
  OutputValidationError,
  type ProtocolError,
  RefusalError,
  ToolCallError,
} from './index.js';

const answer = { ...completion({ content: 'x' }), _requestId: 'req_1' };

/** Each client error class with a way to build one; the entry's key is the name it must keep. */
const errors: Record<string, [object, () => ProtocolError]> = {
  OutputError: [OutputError, () => new OutputError('x', 'output_invalid', answer)],
  RefusalError: [RefusalError, () => new RefusalError('no', answer)],
  ContentFilterError: [ContentFilterError, () => new ContentFilterError(answer)],
  LengthFinishReasonError: [LengthFinishReasonError, () => new LengthFinishReasonError(answer)],
  OutputValidationError: [OutputValidationError, () => new OutputValidationError([], '{', answer)],
  MaxStepsExceededError: [MaxStepsExceededError, () => new MaxStepsExceededError(3, [], 'req_1')],
  ToolCallError: [ToolCallError, () => new ToolCallError('x')],
};

describe('client error names', () => {
  it.each(Object.entries(errors))(
    '%s keeps its name when a minifier renames the class',
    (name, [Class, make]) => {
      const original = Object.getOwnPropertyDescriptor(Class, 'name') as PropertyDescriptor;
      // What a minified browser bundle does: `class RefusalError` becomes `class e`.
      Object.defineProperty(Class, 'name', { value: 'e' });
      try {
        const error = make();
        expect(error.name).toBe(name);
        expect(String(error)).toMatch(new RegExp(`^${name}: `));
      } finally {
        Object.defineProperty(Class, 'name', original);
      }
    },
  );

  it('a subclass of a client error that sets no errorName keeps its own class name', () => {
    class PolicyRefusalError extends RefusalError {}
    expect(new PolicyRefusalError('no', answer).name).toBe('PolicyRefusalError');
  });
});
