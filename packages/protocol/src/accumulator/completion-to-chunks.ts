import type {
  ChatCompletion,
  ChatCompletionChoice,
  ChatCompletionChunk,
  ChunkChoice,
  ChunkDelta,
} from '../schemas/index.js';
import { KNOWN_DELTA_KEYS, KNOWN_TOOL_CALL_KEYS, vendorFields } from './merge-vendor-fields.js';

/** Options of {@link completionToChunks}. */
export interface CompletionToChunksOptions {
  /**
   * Mirror `stream_options.include_usage`: every chunk gets `usage: null` and a last chunk with
   * `choices: []` carries the completion's usage (when it has one).
   */
  includeUsage?: boolean;
}

/**
 * The chunks a streaming client would have received for a completion, in the order OpenAI sends
 * them, one choice after the other: a role chunk (`content: ""`, or `null` when the message's
 * content is null), reasoning, vendor fields, content, refusal, each tool call (identity once, then its arguments), a
 * finish chunk per choice, and, with `includeUsage`, the usage chunk. Logprobs ride on the role
 * chunk. Lets a server answer a stream request from a non-stream upstream.
 */
export function completionToChunks(
  completion: ChatCompletion,
  options: CompletionToChunksOptions = {},
): ChatCompletionChunk[] {
  const includeUsage = options.includeUsage ?? false;
  const chunks: ChatCompletionChunk[] = [];
  const chunkOf = (choices: ChunkChoice[]): ChatCompletionChunk => {
    const chunk: ChatCompletionChunk = {
      id: completion.id,
      object: 'chat.completion.chunk',
      created: completion.created,
      model: completion.model,
    } as ChatCompletionChunk;
    if (completion.system_fingerprint != null) chunk.system_fingerprint = completion.system_fingerprint;
    if (completion.service_tier != null) chunk.service_tier = completion.service_tier;
    chunk.choices = choices;
    if (includeUsage) chunk.usage = null;
    return chunk;
  };
  for (const choice of completion.choices) {
    const deltas = choiceDeltas(choice);
    for (let i = 0; i < deltas.length; i++) {
      // Logprobs ride on the first chunk of the choice.
      const logprobs = i === 0 ? (choice.logprobs ?? null) : null;
      chunks.push(chunkOf([{ index: choice.index, delta: deltas[i]!, logprobs, finish_reason: null }]));
    }
    chunks.push(
      chunkOf([{ index: choice.index, delta: {}, logprobs: null, finish_reason: choice.finish_reason }]),
    );
  }
  if (includeUsage && completion.usage) {
    const usageChunk = chunkOf([]);
    usageChunk.usage = completion.usage;
    chunks.push(usageChunk);
  }
  return chunks;
}

function choiceDeltas(choice: ChatCompletionChoice): ChunkDelta[] {
  const message = choice.message;
  const content = message.content;
  const deltas: ChunkDelta[] = [{ role: message.role, content: typeof content === 'string' ? '' : null }];
  const reasoning = message.reasoning_content ?? message.reasoning;
  if (typeof reasoning === 'string') deltas.push({ reasoning_content: reasoning });
  // Vendor fields (Anthropic's signed `reasoning_details`) right after the reasoning they sign and
  // before the text, as Anthropic streams them: a client that opens a block per kind keeps the
  // signature on the thinking block.
  const vendor = vendorFields(message as Record<string, unknown>, KNOWN_DELTA_KEYS);
  if (vendor) deltas.push(vendor as ChunkDelta);
  if (typeof content === 'string' && content !== '') deltas.push({ content });
  if (typeof message.refusal === 'string') deltas.push({ refusal: message.refusal });
  const toolCalls = message.tool_calls ?? [];
  for (let index = 0; index < toolCalls.length; index++) {
    const call = toolCalls[index]!;
    const { id, type, function: fn } = call;
    const extra = vendorFields(call as Record<string, unknown>, KNOWN_TOOL_CALL_KEYS);
    deltas.push({ tool_calls: [{ index, id, type, function: { name: fn.name, arguments: '' }, ...extra }] });
    if (fn.arguments !== '') deltas.push({ tool_calls: [{ index, function: { arguments: fn.arguments } }] });
  }
  const functionCall = message.function_call;
  if (functionCall) {
    deltas.push({ function_call: { name: functionCall.name, arguments: '' } });
    if (functionCall.arguments !== '') deltas.push({ function_call: { arguments: functionCall.arguments } });
  }
  return deltas;
}
