import { rejectUnknownFields } from '@switchyard/adapter-kit';
import { BadRequestError, type ChatCompletionRequest, ErrorCode } from '@switchyard/protocol';
import type { LarchGenerateRequest } from './larch-api-types.js';

/** The request fields Larch has a place for; the rest are refused (see adapter-kit's policy). */
const MAPPED = new Set([
  'model',
  'messages',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'stop',
]);

function unsupported(param: string, message: string): BadRequestError {
  return new BadRequestError({ message, code: ErrorCode.unsupportedParameter, param });
}

/** The text of a message's content; Larch takes text only. */
function textOf(content: unknown, param: string): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content) && content.every((part) => part?.type === 'text')) {
    return content.map((part: { text: string }) => part.text).join('');
  }
  throw unsupported(param, 'Larch takes text only: send the content as a string or text parts.');
}

/** A validated chat-completions request as Larch's Generate request. */
export function convertToLarchRequest(request: ChatCompletionRequest, stream: boolean): LarchGenerateRequest {
  rejectUnknownFields(request, { adapterName: 'Larch', mapped: MAPPED });
  const instructions: string[] = [];
  const turns: LarchGenerateRequest['turns'] = [];
  request.messages.forEach((message, i) => {
    const param = `messages[${i}].content`;
    if (message.role === 'system' || message.role === 'developer')
      instructions.push(textOf(message.content, param));
    else if (message.role === 'user') turns.push({ speaker: 'human', text: textOf(message.content, param) });
    else if (message.role === 'assistant')
      turns.push({ speaker: 'model', text: textOf(message.content ?? '', param) });
    else throw unsupported(`messages[${i}].role`, `Larch has no ${message.role} turns.`);
  });
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  const stop = typeof request.stop === 'string' ? [request.stop] : request.stop;
  return {
    model: request.model,
    ...(instructions.length > 0 ? { instructions: instructions.join('\n\n') } : {}),
    turns,
    ...(maxTokens == null ? {} : { limits: { max_output_tokens: maxTokens } }),
    ...(request.temperature == null && request.top_p == null
      ? {}
      : {
          sampling: {
            ...(request.temperature == null ? {} : { temperature: request.temperature }),
            ...(request.top_p == null ? {} : { top_p: request.top_p }),
          },
        }),
    ...(stop == null ? {} : { stop_words: stop }),
    stream,
  };
}
