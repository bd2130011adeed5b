import {
  type ChatCompletionChunk,
  ErrorCode,
  encodeComment,
  ServerError,
  SSE_HEADERS,
  type Usage,
} from '@switchyard/protocol';
import type { ChatServerOptions, Locals, SSEWriter, StreamResult } from './chat-server-types.js';
import type { ChunkSource } from './chunk-source.js';
import { protocolErrorFor } from './error-response.js';
import type { StreamEncoder } from './front-door.js';
import type { RequestState } from './request-state.js';
import { DEFAULT_RESPONSE_LIMIT, responseTooLarge } from './response-size.js';
import { utf8Length } from './utf8-length.js';

const KEEP_ALIVE = encodeComment('keep-alive');

/** The first step of a stream: its first chunk, or a sign that the adapter is still thinking. */
export type FirstStep =
  | { readonly kind: 'chunk'; readonly result: IteratorResult<ChatCompletionChunk> }
  | { readonly kind: 'waiting'; readonly pending: Promise<IteratorResult<ChatCompletionChunk>> };

/**
 * Waits for the adapter's first chunk for up to `keepAliveMs`: errors until then are real HTTP
 * errors. An adapter that takes longer gets the 200 and keep-alive comments while it thinks, so
 * proxies do not cut an idle connection; a later error is an error event.
 */
export async function awaitFirstChunk(source: ChunkSource, keepAliveMs: number): Promise<FirstStep> {
  const pending = source.next();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const waiting = new Promise<FirstStep>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'waiting', pending }), keepAliveMs);
  });
  try {
    return await Promise.race([pending.then((result): FirstStep => ({ kind: 'chunk', result })), waiting]);
  } finally {
    clearTimeout(timer);
  }
}

/** Error for a stream that ended without `finish_reason` on every choice. */
export function streamIncomplete(message: string): ServerError {
  return new ServerError({ message, code: ErrorCode.streamIncomplete });
}

/**
 * The 200 streaming answer. Its `pipe` writes each chunk as the door's `encoder` frames it,
 * waiting for `drain` when the client reads slowly; sends keep-alive comments on idle; takes the
 * usage out of the chunks (reported to `onFinish`, handed to the encoder's `end`); checks every
 * choice finished; ends with the encoder's `end` frames or one error event.
 */
export function streamResult<Vars extends Locals>(
  state: RequestState<Vars>,
  source: ChunkSource,
  first: FirstStep,
  encoder: StreamEncoder,
  options: ChatServerOptions<Vars>,
  keepAliveMs: number,
): StreamResult {
  return {
    type: 'stream',
    status: 200,
    headers: Object.assign({}, SSE_HEADERS, state.headers), // not two spreads (see logger.ts)
    matched: true,
    async pipe(writer: SSEWriter): Promise<void> {
      let lastWrite = Date.now();
      const write = (frame: string): boolean => {
        lastWrite = Date.now();
        return writer.write(frame);
      };
      const limit = options.responseLimit ?? DEFAULT_RESPONSE_LIMIT;
      let sent = 0;
      /** Writes a chunk's event, unless it would take the answer past the response limit. */
      const writeChunk = (frame: string): boolean => {
        sent += utf8Length(frame);
        if (sent > limit) throw responseTooLarge(limit, state.requestId);
        return write(frame);
      };
      let timer: ReturnType<typeof setTimeout> | undefined;
      const keepAlive = () => {
        const idle = Date.now() - lastWrite;
        if (idle >= keepAliveMs) write(KEEP_ALIVE);
        timer = setTimeout(keepAlive, idle >= keepAliveMs ? keepAliveMs : keepAliveMs - idle);
        (timer as { unref?: () => void }).unref?.();
      };
      if (first.kind === 'waiting') write(KEEP_ALIVE);
      const opening = encoder.start();
      if (opening) write(opening);
      timer = setTimeout(keepAlive, keepAliveMs);
      (timer as { unref?: () => void }).unref?.();

      let usage: Usage | undefined;
      let usageTransformed = false;
      const finalUsage = (): Usage | undefined => {
        if (usage && !usageTransformed && options.transformUsage)
          usage = options.transformUsage(usage, state);
        usageTransformed = true;
        return usage;
      };
      let usageTemplate: ChatCompletionChunk | undefined;
      let firstChunkAt: number | undefined;
      const seen = new Set<number>();
      const finished = new Set<number>();
      let done = false;
      try {
        let result = first.kind === 'chunk' ? first.result : await first.pending;
        while (!result.done) {
          let chunk = result.value;
          firstChunkAt ??= Date.now();
          if (chunk.usage) {
            usage = chunk.usage;
            usageTemplate = chunk;
            if (chunk.choices.length === 0) {
              result = source.takeReady() ?? (await source.next());
              continue;
            }
            chunk = { ...chunk };
            delete chunk.usage;
          }
          const choices = chunk.choices;
          for (let i = 0; i < choices.length; i++) {
            const choice = choices[i] as ChatCompletionChunk['choices'][number];
            seen.add(choice.index);
            if (choice.finish_reason) finished.add(choice.index);
          }
          const frames = encoder.chunk(chunk);
          if (frames && !writeChunk(frames)) await writer.drain();
          // The rest of a network read is at hand: taken without a promise per chunk.
          result = source.takeReady() ?? (await source.next());
        }
        done = true;
        if (seen.size === 0) throw streamIncomplete('The model stream ended without any choice.');
        for (const index of seen) {
          if (!finished.has(index)) {
            throw streamIncomplete(
              `The model stream ended before choice ${index} finished (no finish_reason).`,
            );
          }
        }
        finalUsage();
        // Report before the last bytes: a gateway's ledger row is then on disk before the client
        // sees the end of the stream, so a crash cannot leave a completed response unrecorded.
        const committed = state.finish({ status: 200, usage, streamed: true, firstChunkAt });
        if (committed) await committed;
        const closing = await encoder.end(usage, usageTemplate);
        if (closing) write(closing);
      } catch (thrown) {
        const error = protocolErrorFor(state.signal.aborted ? state.signal.reason : thrown, state.requestId);
        if (!state.clientGone) write(encoder.error(error));
        try {
          finalUsage();
        } catch {
          // Already failing: report the usage as the adapter gave it.
        }
        state.finish({ status: 200, error, errorInStream: true, usage, streamed: true, firstChunkAt });
      } finally {
        clearTimeout(timer);
        source.close(done);
      }
    },
  };
}
