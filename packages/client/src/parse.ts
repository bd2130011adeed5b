// Errors of `client.chat.completions.parse()`. They live apart from the main entry so that the
// code of parse() (loaded on first use) stays out of the core bundle.
export {
  ContentFilterError,
  LengthFinishReasonError,
  OutputError,
  OutputValidationError,
  RefusalError,
} from './output-errors.js';
