import type { AssistantMessageParam, ChatCompletionChunk, ToolCallParam, Usage } from '@switchyard/protocol';

/** An answer as it streams in (first choice only). */
export interface LiveAnswer {
  content: string;
  reasoning: string;
  refusal: string;
  toolCalls: ToolCallParam[];
  finishReason: string | null;
  usage: Usage | null;
  responseModel: string | null;
  /** When the first token (of content, reasoning, refusal or a tool call) arrived. */
  firstTokenAt: number | null;
}

export function emptyLiveAnswer(): LiveAnswer {
  return {
    content: '',
    reasoning: '',
    refusal: '',
    toolCalls: [],
    finishReason: null,
    usage: null,
    responseModel: null,
    firstTokenAt: null,
  };
}

/** Adds one chunk to the answer (in place: it runs once per token). */
export function applyChunk(live: LiveAnswer, chunk: ChatCompletionChunk, now: number): void {
  live.responseModel ??= chunk.model || null;
  if (chunk.usage) live.usage = chunk.usage;
  for (const choice of chunk.choices) {
    if (choice.index !== 0) continue;
    const delta = choice.delta;
    let token = false;
    if (delta.content) {
      live.content += delta.content;
      token = true;
    }
    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (reasoning) {
      live.reasoning += reasoning;
      token = true;
    }
    if (delta.refusal) {
      live.refusal += delta.refusal;
      token = true;
    }
    for (const part of delta.tool_calls ?? []) {
      token = true;
      // Fragments carry an index; without one (Gemini), a new id starts a call, else it continues the last.
      let call =
        typeof part.index === 'number'
          ? live.toolCalls[part.index]
          : part.id && !live.toolCalls.some((c) => c.id === part.id)
            ? undefined
            : live.toolCalls.at(-1);
      if (!call) {
        call = { id: part.id ?? '', type: 'function', function: { name: '', arguments: '' } };
        if (typeof part.index === 'number') live.toolCalls[part.index] = call;
        else live.toolCalls.push(call);
      }
      if (part.id) call.id = part.id;
      if (part.function?.name) call.function.name += part.function.name;
      if (part.function?.arguments) call.function.arguments += part.function.arguments;
    }
    if (token) live.firstTokenAt ??= now;
    if (choice.finish_reason) live.finishReason = choice.finish_reason;
  }
}

/** The assistant message to keep in the conversation. */
export function liveToMessage(live: LiveAnswer): AssistantMessageParam {
  const toolCalls = live.toolCalls.filter(Boolean);
  const message: AssistantMessageParam = {
    role: 'assistant',
    content: live.content === '' && toolCalls.length > 0 ? null : live.content,
  };
  if (toolCalls.length > 0)
    message.tool_calls = toolCalls.map((call) => ({ ...call, function: { ...call.function } }));
  if (live.reasoning) message.reasoning_content = live.reasoning;
  if (live.refusal) message.refusal = live.refusal;
  return message;
}
