import type { AdapterContext, ChatAdapter } from '@switchyard/adapter-kit';
import type { ChatCompletionChunk } from '@switchyard/protocol';

/** What the conformance kit sees of one adapter call. */
export interface ObservedCall {
  /** Resolves when the server called the adapter. */
  readonly started: Promise<void>;
  /** Resolves with `performance.now()` when the adapter's signal fired. */
  readonly aborted: Promise<number>;
  /** Resolves with `performance.now()` when the adapter's work ended (its stream finished or its promise settled). */
  readonly finished: Promise<number>;
  ended(): boolean;
}

interface Tracker extends ObservedCall {
  start(signal: AbortSignal): void;
  end(): void;
}

function tracker(): Tracker {
  let started!: () => void;
  let aborted!: (at: number) => void;
  let finished!: (at: number) => void;
  let ended = false;
  return {
    started: new Promise<void>((resolve) => {
      started = resolve;
    }),
    aborted: new Promise<number>((resolve) => {
      aborted = resolve;
    }),
    finished: new Promise<number>((resolve) => {
      finished = resolve;
    }),
    ended: () => ended,
    start(signal) {
      started();
      if (signal.aborted) aborted(performance.now());
      else signal.addEventListener('abort', () => aborted(performance.now()), { once: true });
    },
    end() {
      ended = true;
      finished(performance.now());
    },
  };
}

/**
 * Wraps the adapter under test so the kit can watch one call at a time: when the server calls
 * it, when its signal fires, and when its work really ends.
 */
export class AdapterObserver {
  #inner: ChatAdapter | undefined;
  #adapter: ChatAdapter | undefined;
  #armed: Tracker | undefined;

  get adapter(): ChatAdapter {
    if (!this.#adapter) throw new Error('AdapterObserver: wrap() an adapter first');
    return this.#adapter;
  }

  wrap(inner: ChatAdapter): void {
    this.#inner = inner;
    const take = () => {
      const armed = this.#armed;
      this.#armed = undefined;
      return armed;
    };
    const adapter: ChatAdapter = {
      specificationVersion: 'v1',
      provider: inner.provider,
      listModels: (context) => inner.listModels(context),
    };
    if (inner.capabilities) Object.assign(adapter, { capabilities: inner.capabilities });
    const complete = inner.complete?.bind(inner);
    if (complete) {
      adapter.complete = async (request, context: AdapterContext) => {
        const call = take();
        call?.start(context.signal);
        try {
          return await complete(request, context);
        } finally {
          call?.end();
        }
      };
    }
    const stream = inner.stream?.bind(inner);
    if (stream) {
      adapter.stream = (request, context) => {
        const call = take();
        call?.start(context.signal);
        const source = stream(request, context);
        if (!call) return source;
        return (async function* (): AsyncGenerator<ChatCompletionChunk> {
          try {
            yield* source;
          } finally {
            call.end();
          }
        })();
      };
    }
    this.#adapter = adapter;
  }

  /** Whether the adapter streams natively (a disconnect can then happen mid-answer). */
  supportsStream(): boolean {
    return typeof this.#inner?.stream === 'function';
  }

  /** Watches the next call the server makes. */
  nextCall(): ObservedCall {
    this.#armed = tracker();
    return this.#armed;
  }
}
