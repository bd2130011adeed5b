import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  ProtocolError,
} from '@switchyard/protocol';
import type { AdapterContext, ChatAdapter } from '@switchyard/server-kit';

/** What one call to a scripted adapter does. */
export type Step =
  | { readonly kind: 'answer'; readonly text: string }
  | { readonly kind: 'fail'; readonly error: ProtocolError }
  /** Never answers and ignores its signal (a hung upstream). */
  | { readonly kind: 'hang' }
  /** Streams `text` word by word, then fails before finishing. */
  | { readonly kind: 'break'; readonly text: string; readonly error: ProtocolError }
  /** Sends one chunk, then goes silent forever. */
  | { readonly kind: 'stall'; readonly text: string }
  /** Sends one chunk, then goes silent until its signal fires, and fails with the signal's reason. */
  | { readonly kind: 'wait'; readonly text: string };

export interface ScriptedAdapter extends ChatAdapter {
  /** The requests it received, in order. */
  readonly calls: { model: string; signal: AbortSignal }[];
}

function completion(model: string, text: string): ChatCompletion {
  return {
    id: 'chatcmpl-scripted',
    object: 'chat.completion',
    created: 1,
    model,
    choices: [
      { index: 0, message: { role: 'assistant', content: text }, logprobs: null, finish_reason: 'stop' },
    ],
    usage: {
      prompt_tokens: 3,
      completion_tokens: text.split(' ').length,
      total_tokens: 3 + text.split(' ').length,
    },
  } as ChatCompletion;
}

function chunk(
  model: string,
  delta: Record<string, unknown>,
  finish: string | null = null,
): ChatCompletionChunk {
  return {
    id: 'chatcmpl-scripted',
    object: 'chat.completion.chunk',
    created: 1,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  } as ChatCompletionChunk;
}

const forever = () => new Promise<never>(() => {});
const aborted = (signal: AbortSignal) =>
  new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });

/**
 * A real in-process adapter that plays `steps` in order, one per call (the last one repeats), in
 * either mode. `modes` limits it to `complete` or `stream` to exercise the router's conversions.
 */
export function scriptedAdapter(
  provider: string,
  steps: Step[],
  modes: readonly ('complete' | 'stream')[] = ['complete', 'stream'],
): ScriptedAdapter {
  const calls: ScriptedAdapter['calls'] = [];
  let index = 0;
  const nextStep = (request: ChatCompletionRequest, context: AdapterContext): Step => {
    calls.push({ model: request.model, signal: context.signal });
    const step = steps[Math.min(index, steps.length - 1)]!;
    index += 1;
    return step;
  };
  const adapter: ScriptedAdapter = {
    specificationVersion: 'v1',
    provider,
    calls,
    async listModels() {
      return [{ id: `${provider}-model`, object: 'model', created: 0, owned_by: provider }];
    },
  };
  if (modes.includes('complete')) {
    (adapter as { complete: ChatAdapter['complete'] }).complete = async (request, context) => {
      const step = nextStep(request, context);
      if (step.kind === 'fail') throw step.error;
      if (step.kind === 'answer') return completion(request.model, step.text);
      return forever();
    };
  }
  if (modes.includes('stream')) {
    (adapter as { stream: ChatAdapter['stream'] }).stream = async function* (request, context) {
      const step = nextStep(request, context);
      if (step.kind === 'fail') throw step.error;
      if (step.kind === 'hang') return yield* [await forever()];
      yield chunk(request.model, { role: 'assistant', content: '' });
      const words = step.text.split(' ');
      for (const [i, word] of words.entries()) {
        yield chunk(request.model, { content: i === 0 ? word : ` ${word}` });
        if (step.kind === 'stall') await forever();
        if (step.kind === 'wait') await aborted(context.signal);
      }
      if (step.kind === 'break') throw step.error;
      yield chunk(request.model, {}, 'stop');
      yield {
        ...chunk(request.model, {}),
        choices: [],
        usage: { prompt_tokens: 3, completion_tokens: words.length, total_tokens: 3 + words.length },
      } as ChatCompletionChunk;
    };
  }
  return adapter;
}
