import { AbortError, ProtocolError } from '@switchyard/protocol';
import { chunkText } from './chat-completion-stream.js';
import type { ToolRunEvent, ToolRunResult } from './tool-run-result.js';

/**
 * A streaming tool run. Iterate it (once) for every chunk of every model call and each
 * finished step, or read {@link ToolRunStream.result} / {@link ToolRunStream.textStream}.
 * Leaving the loop early or calling {@link ToolRunStream.abort} stops the run.
 *
 * @example
 * ```ts
 * const run = client.chat.completions.runTools({ model, messages, tools, stream: true });
 * for await (const text of run.textStream()) process.stdout.write(text);
 * const { steps, usage } = await run.result();
 * ```
 */
export class ToolRunStream implements AsyncIterable<ToolRunEvent> {
  readonly #loop: AsyncGenerator<ToolRunEvent, ToolRunResult, undefined>;
  readonly #controller: AbortController;
  #started = false;
  #result: ToolRunResult | undefined;
  #error: unknown;
  readonly #ended: Promise<void>;
  #markEnded!: () => void;

  /** @internal Created by `runTools` with `stream: true`. */
  constructor(loop: AsyncGenerator<ToolRunEvent, ToolRunResult, undefined>, controller: AbortController) {
    this.#loop = loop;
    this.#controller = controller;
    this.#ended = new Promise((resolve) => {
      this.#markEnded = resolve;
    });
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<ToolRunEvent, void, undefined> {
    if (this.#started) {
      throw new ProtocolError({
        message: 'This tool run was already consumed: iterate it once, or use result().',
        code: 'stream_consumed',
        status: 400,
      });
    }
    this.#started = true;
    try {
      while (true) {
        const next = await this.#loop.next();
        if (next.done) {
          this.#result = next.value;
          return;
        }
        yield next.value;
      }
    } catch (error) {
      this.#error = error;
      throw error;
    } finally {
      // An early `break` lands here with the loop suspended: closing it cancels the model call.
      if (!this.#result && this.#error === undefined) await this.#loop.return(undefined as never);
      this.#markEnded();
    }
  }

  /** Runs (or waits for) the rest of the loop and returns its outcome. */
  async result(): Promise<ToolRunResult> {
    if (this.#started) await this.#ended;
    else for await (const _event of this);
    if (this.#error !== undefined) throw this.#error;
    if (!this.#result) {
      throw new AbortError({ message: 'The tool run was stopped before it finished.', code: 'aborted' });
    }
    return this.#result;
  }

  /** Yields the text of every model call as it arrives (first choice only). */
  async *textStream(): AsyncGenerator<string, void, undefined> {
    for await (const event of this) {
      const text = event.type === 'chunk' ? chunkText(event.chunk) : '';
      if (text) yield text;
    }
  }

  /** Aborts the current model call and signals the running tools. */
  abort(): void {
    this.#controller.abort();
  }
}
