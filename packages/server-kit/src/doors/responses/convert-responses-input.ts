import {
  type AssistantMessageParam,
  BadRequestError,
  type ChatMessage,
  ErrorCode,
  type ResponseInputContentPart,
  type ResponseInputItem,
  type UserContentPart,
} from '@switchyard/protocol';

/** The wire path of item `index` of the conversation, for errors (`input[2]`). */
export type ItemPath = (index: number) => string;

function refuse(param: string, message: string): BadRequestError {
  return new BadRequestError({ message, code: ErrorCode.unsupportedParameter, param });
}

function textOf(parts: string | readonly ResponseInputContentPart[], path: string): string {
  if (typeof parts === 'string') return parts;
  return parts
    .map((part, i) => {
      if (part.type === 'input_text' || part.type === 'output_text') return part.text;
      if (part.type === 'refusal') return part.refusal;
      throw refuse(`${path}[${i}]`, `${path}[${i}] of type '${part.type}' is not supported here: send text`);
    })
    .join('');
}

function userPart(part: ResponseInputContentPart, path: string): UserContentPart {
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: part.text };
    case 'refusal':
      return { type: 'text', text: part.refusal };
    case 'input_image':
      if (part.image_url == null)
        throw refuse(`${path}.file_id`, `${path}.file_id is not supported: send the image as image_url`);
      return {
        type: 'image_url',
        image_url: { url: part.image_url, ...(part.detail ? { detail: part.detail } : {}) },
      };
    case 'input_file':
      return {
        type: 'file',
        file: {
          ...(part.file_data != null ? { file_data: part.file_data } : {}),
          ...(part.file_id != null ? { file_id: part.file_id } : {}),
          ...(part.filename != null ? { filename: part.filename } : {}),
        },
      };
  }
}

/**
 * Turns Responses input items into chat messages: `instructions` first as a system message,
 * function calls onto the assistant turn they belong to (one assistant message with
 * `tool_calls`), their outputs into tool messages, and reasoning into the `reasoning_content` of
 * the assistant turn that follows it.
 */
export function toChatMessages(
  instructions: string | null | undefined,
  items: readonly ResponseInputItem[],
  pathOf: ItemPath,
): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (instructions) messages.push({ role: 'system', content: instructions });
  let reasoning: string | undefined;
  // The assistant turn function calls are added to, while nothing else came after it.
  let assistant: AssistantMessageParam | undefined;
  const openAssistant = (content: string | null): AssistantMessageParam => {
    const message: AssistantMessageParam = { role: 'assistant', content };
    if (reasoning !== undefined) message.reasoning_content = reasoning;
    reasoning = undefined;
    messages.push(message);
    return message;
  };
  items.forEach((item, index) => {
    const path = pathOf(index);
    switch (item.type) {
      case 'message': {
        const content = `${path}.content`;
        if (item.role === 'assistant') {
          assistant = openAssistant(textOf(item.content, content));
          return;
        }
        assistant = undefined;
        if (item.role === 'user') {
          messages.push({
            role: 'user',
            content:
              typeof item.content === 'string'
                ? item.content
                : item.content.map((part, i) => userPart(part, `${content}[${i}]`)),
          });
        } else messages.push({ role: item.role, content: textOf(item.content, content) });
        return;
      }
      case 'function_call': {
        assistant ??= openAssistant(null);
        const call = {
          id: item.call_id,
          type: 'function' as const,
          function: { name: item.name, arguments: item.arguments },
        };
        assistant.tool_calls = [...(assistant.tool_calls ?? []), call];
        return;
      }
      case 'function_call_output':
        assistant = undefined;
        messages.push({
          role: 'tool',
          tool_call_id: item.call_id,
          content: textOf(item.output, `${path}.output`),
        });
        return;
      case 'reasoning': {
        const text = item.summary.map((part) => part.text).join('\n\n');
        if (text) reasoning = reasoning === undefined ? text : `${reasoning}\n\n${text}`;
        return;
      }
    }
  });
  return messages;
}
