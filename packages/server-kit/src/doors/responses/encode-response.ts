import type {
  ChatCompletion,
  ResponseObject,
  ResponseOutputFunctionCall,
  ResponseOutputItem,
  ResponseOutputMessage,
} from '@switchyard/protocol';
import { buildResponse, incompleteReasonOf } from './build-response.js';
import { newId } from './response-ids.js';
import type { ResponsesNative } from './responses-native.js';

/**
 * A whole chat completion as the Responses API's response object: the reasoning
 * (`reasoning_content`) as a reasoning item with its summary, the text and refusal as one
 * assistant message, each tool call as a `function_call` item. `length` and `content_filter`
 * make the response `incomplete` with that reason.
 */
export function encodeResponse(completion: ChatCompletion, native: ResponsesNative): ResponseObject {
  const choice = completion.choices[0];
  const output: ResponseOutputItem[] = [];
  const message = choice?.message;
  const incompleteReason = incompleteReasonOf(choice?.finish_reason);
  const itemStatus = incompleteReason ? 'incomplete' : 'completed';
  const reasoning = message?.reasoning_content ?? message?.reasoning;
  if (reasoning) {
    output.push({ type: 'reasoning', id: newId('rs'), summary: [{ type: 'summary_text', text: reasoning }] });
  }
  const content: ResponseOutputMessage['content'] = [];
  if (message?.content)
    content.push({ type: 'output_text', text: message.content, annotations: [], logprobs: [] });
  if (message?.refusal) content.push({ type: 'refusal', refusal: message.refusal });
  if (content.length > 0) {
    output.push({ type: 'message', id: newId('msg'), role: 'assistant', status: itemStatus, content });
  }
  for (const call of message?.tool_calls ?? []) {
    const item: ResponseOutputFunctionCall = {
      type: 'function_call',
      id: newId('fc'),
      call_id: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
      status: itemStatus,
    };
    output.push(item);
  }
  return buildResponse(native, {
    status: incompleteReason ? 'incomplete' : 'completed',
    output,
    usage: completion.usage ?? undefined,
    incompleteReason,
  });
}
