import type {
  ChatCompletionChunk,
  ProtocolError,
  ResponseObject,
  ResponseOutputFunctionCall,
  ResponseOutputItem,
  ResponseOutputMessage,
  ResponseOutputReasoning,
  Usage,
} from '@switchyard/protocol';
import type { StreamEncoder } from '../../front-door.js';
import { buildResponse, incompleteReasonOf } from './build-response.js';
import { newId } from './response-ids.js';
import type { ResponsesNative } from './responses-native.js';
import { encodeNamedEvent } from './sse-event.js';

type Part = ResponseOutputMessage['content'][number];

/** The output item being written, with its place in `output`. */
type Open =
  | {
      readonly kind: 'reasoning';
      readonly index: number;
      readonly item: ResponseOutputReasoning;
      text: string;
    }
  | {
      readonly kind: 'message';
      readonly index: number;
      readonly item: ResponseOutputMessage;
      /** The content part being written (the last of `item.content`). */
      part: Part | undefined;
    }
  | {
      readonly kind: 'call';
      readonly index: number;
      readonly item: ResponseOutputFunctionCall;
      /** The chat tool call's `index`, which later fragments of the same call repeat. */
      readonly callIndex: number;
    };

/** What the encoder does once the response is final (store it); its result is not awaited by `error`. */
export type OnResponse = (response: ResponseObject) => Promise<void>;

/**
 * Turns a canonical chunk stream into the Responses API's events, each with the next
 * `sequence_number`: `response.created` and `response.in_progress` first; for each output item
 * `response.output_item.added`, its deltas (`response.reasoning_summary_text.delta`,
 * `response.output_text.delta`, `response.refusal.delta`, `response.function_call_arguments.delta`)
 * inside their parts, the `.done` events; then `response.completed` or `response.incomplete`
 * carrying the whole response, or `error` and `response.failed`.
 */
export function createResponsesStreamEncoder(native: ResponsesNative, onResponse: OnResponse): StreamEncoder {
  let sequence = 0;
  const output: ResponseOutputItem[] = [];
  let open: Open | undefined;
  let finishReason: string | null | undefined;
  const event = (type: string, fields: Record<string, unknown>) =>
    encodeNamedEvent(type, { sequence_number: sequence++, ...fields });
  const at = (index: number, item: { readonly id?: string | null }) => ({
    item_id: item.id,
    output_index: index,
  });

  const closePart = (state: Extract<Open, { kind: 'message' }>): string => {
    const part = state.part;
    if (!part) return '';
    state.part = undefined;
    const where = { ...at(state.index, state.item), content_index: state.item.content.length - 1 };
    const done =
      part.type === 'output_text'
        ? event('response.output_text.done', { ...where, text: part.text, logprobs: [] })
        : event('response.refusal.done', { ...where, refusal: part.refusal });
    return done + event('response.content_part.done', { ...where, part });
  };

  const close = (): string => {
    const state = open;
    if (!state) return '';
    open = undefined;
    let out = '';
    if (state.kind === 'reasoning') {
      const where = { ...at(state.index, state.item), summary_index: 0 };
      const part = { type: 'summary_text' as const, text: state.text };
      state.item.summary.push(part);
      out +=
        event('response.reasoning_summary_text.done', { ...where, text: state.text }) +
        event('response.reasoning_summary_part.done', { ...where, part });
    } else if (state.kind === 'message') {
      out += closePart(state);
    } else {
      out += event('response.function_call_arguments.done', {
        ...at(state.index, state.item),
        arguments: state.item.arguments,
        name: state.item.name,
      });
    }
    if ('status' in state.item)
      state.item.status = incompleteReasonOf(finishReason) ? 'incomplete' : 'completed';
    return out + event('response.output_item.done', { output_index: state.index, item: state.item });
  };

  const add = (item: ResponseOutputItem): string => {
    output.push(item);
    return event('response.output_item.added', {
      output_index: output.length - 1,
      item,
    });
  };

  const reasoning = (delta: string): string => {
    let out = '';
    if (open?.kind !== 'reasoning') {
      out += close();
      const item: ResponseOutputReasoning = { type: 'reasoning', id: newId('rs'), summary: [] };
      out += add(item);
      open = { kind: 'reasoning', index: output.length - 1, item, text: '' };
      out += event('response.reasoning_summary_part.added', {
        ...at(open.index, item),
        summary_index: 0,
        part: { type: 'summary_text', text: '' },
      });
    }
    open.text += delta;
    return (
      out +
      event('response.reasoning_summary_text.delta', {
        ...at(open.index, open.item),
        summary_index: 0,
        delta,
      })
    );
  };

  const text = (kind: Part['type'], delta: string): string => {
    let out = '';
    if (open?.kind !== 'message') {
      out += close();
      const item: ResponseOutputMessage = {
        type: 'message',
        id: newId('msg'),
        role: 'assistant',
        status: 'in_progress',
        content: [],
      };
      out += add(item);
      open = { kind: 'message', index: output.length - 1, item, part: undefined };
    }
    const state = open;
    if (state.part?.type !== kind) {
      out += closePart(state);
      const part: Part =
        kind === 'output_text'
          ? { type: 'output_text', text: '', annotations: [], logprobs: [] }
          : { type: 'refusal', refusal: '' };
      state.item.content.push(part);
      state.part = part;
      out += event('response.content_part.added', {
        ...at(state.index, state.item),
        content_index: state.item.content.length - 1,
        part,
      });
    }
    const where = { ...at(state.index, state.item), content_index: state.item.content.length - 1 };
    const part = state.part;
    if (part?.type === 'output_text') {
      part.text += delta;
      return out + event('response.output_text.delta', { ...where, delta, logprobs: [] });
    }
    if (part?.type === 'refusal') part.refusal += delta;
    return out + event('response.refusal.delta', { ...where, delta });
  };

  const toolCall = (
    fragment: NonNullable<ChatCompletionChunk['choices'][number]['delta']['tool_calls']>[number],
  ): string => {
    let out = '';
    const callIndex =
      fragment.index ?? (open?.kind === 'call' && !fragment.id ? open.callIndex : output.length);
    if (open?.kind !== 'call' || open.callIndex !== callIndex) {
      out += close();
      const item: ResponseOutputFunctionCall = {
        type: 'function_call',
        id: newId('fc'),
        call_id: fragment.id ?? newId('fco'),
        name: fragment.function?.name ?? '',
        arguments: '',
        status: 'in_progress',
      };
      out += add(item);
      open = { kind: 'call', index: output.length - 1, item, callIndex };
    }
    const delta = fragment.function?.arguments;
    if (!delta) return out;
    open.item.arguments += delta;
    return out + event('response.function_call_arguments.delta', { ...at(open.index, open.item), delta });
  };

  const response = (ending: Omit<Parameters<typeof buildResponse>[1], 'output'>) =>
    buildResponse(native, { ...ending, output });

  return {
    start() {
      const snapshot = response({ status: 'in_progress' });
      return (
        event('response.created', { response: snapshot }) +
        event('response.in_progress', { response: snapshot })
      );
    },
    chunk(chunk) {
      const choice = chunk.choices.find((c) => c.index === 0);
      if (!choice) return '';
      const { delta } = choice;
      let out = '';
      const thought = delta.reasoning_content ?? delta.reasoning;
      if (thought) out += reasoning(thought);
      if (delta.content) out += text('output_text', delta.content);
      if (delta.refusal) out += text('refusal', delta.refusal);
      for (const fragment of delta.tool_calls ?? []) out += toolCall(fragment);
      if (choice.finish_reason) finishReason = choice.finish_reason;
      return out;
    },
    async end(usage: Usage | undefined) {
      const out = close();
      const incompleteReason = incompleteReasonOf(finishReason);
      const final = response({
        status: incompleteReason ? 'incomplete' : 'completed',
        usage,
        incompleteReason,
      });
      await onResponse(final);
      return (
        out + event(incompleteReason ? 'response.incomplete' : 'response.completed', { response: final })
      );
    },
    error(error: ProtocolError) {
      const failed = response({ status: 'failed', error });
      return (
        event('error', { code: error.code, message: error.message, param: error.param }) +
        event('response.failed', { response: failed })
      );
    },
  };
}
