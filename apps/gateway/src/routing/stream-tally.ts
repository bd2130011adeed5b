import type { ChatCompletionChunk, Usage } from '@switchyard/protocol';

// About four characters per token, as the prompt estimate counts (estimate-prompt-tokens.ts).
const CHARS_PER_TOKEN = 4;

const lengthOf = (text: string | null | undefined): number => (typeof text === 'string' ? text.length : 0);

/**
 * What an upstream stream has sent so far, for billing a stream the client cut: the last usage
 * it reported, the characters of output (text, reasoning, refusals, tool-call arguments), and
 * whether every choice has finished (then only the usage chunk is still to come).
 */
export class StreamTally {
  usage: Usage | undefined;
  #chunks = 0;
  #outputChars = 0;
  readonly #running = new Set<number>();
  readonly #finished = new Set<number>();

  add(chunk: ChatCompletionChunk): void {
    this.#chunks += 1;
    if (chunk.usage) this.usage = chunk.usage;
    for (const choice of chunk.choices) {
      const delta = choice.delta;
      if (delta) {
        let chars =
          lengthOf(delta.content) +
          lengthOf(delta.reasoning_content) +
          lengthOf(delta.reasoning) +
          lengthOf(delta.refusal);
        if (delta.tool_calls) {
          for (const call of delta.tool_calls)
            chars += lengthOf(call.function?.name) + lengthOf(call.function?.arguments);
        }
        this.#outputChars += chars;
      }
      if (choice.finish_reason) {
        this.#running.delete(choice.index);
        this.#finished.add(choice.index);
      } else if (!this.#finished.has(choice.index)) this.#running.add(choice.index);
    }
  }

  /** The upstream sent at least one chunk (so it read the prompt and billed it). */
  get started(): boolean {
    return this.#chunks > 0;
  }

  /** Every choice seen so far has its `finish_reason`. */
  get allFinished(): boolean {
    return this.#finished.size > 0 && this.#running.size === 0;
  }

  /** Output tokens, estimated from the characters streamed. */
  get estimatedOutputTokens(): number {
    return Math.ceil(this.#outputChars / CHARS_PER_TOKEN);
  }
}
