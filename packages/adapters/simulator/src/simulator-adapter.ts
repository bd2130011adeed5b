import type { AdapterContext, ChatAdapter } from '@switchyard/adapter-kit';
import {
  BadRequestError,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  createProtocolError,
  ErrorCode,
  type Model,
  NotFoundError,
  type ProtocolError,
  sleep,
  type Usage,
} from '@switchyard/protocol';
import { type Directives, parseDirectiveList, parseDirectives } from './directives.js';
import { SIMULATOR_EMBEDDING_MODEL, simulatorEmbed } from './embed-text.js';
import { messageText, planAnswer, SIMULATOR_MODELS } from './plan-answer.js';
import {
  choiceOf,
  countPromptTokens,
  interleave,
  type RenderedChoice,
  renderChoice,
  type Step,
  stepsOf,
  usageOf,
} from './render-answer.js';
import { loadTokenizer, Tokenizer } from './tokenizer.js';

/** Options of {@link createSimulatorAdapter}. */
export interface SimulatorOptions {
  /** Milliseconds before the first chunk (default 0). `[simulate:slow_first_byte=ms]` overrides it. */
  readonly ttftMs?: number;
  /** Pace of streamed tokens; 0 (the default) streams as fast as possible. `[simulate:tps=n]` overrides it. */
  readonly tokensPerSecond?: number;
  /**
   * Directives applied to every request, e.g. `'error=overloaded'` for a deployment that always
   * fails, or `'slow_first_byte=2000 tps=30'`. Directives in a request add to these.
   */
  readonly directives?: string;
  /** `owned_by` of the listed models (default `switchyard-simulator`). */
  readonly ownedBy?: string;
  /**
   * Load the tokenizer in the background as the adapter is created (the default), so that the
   * first request does not wait for it; `false` loads it on first use instead. It holds ~60 MB of
   * memory once loaded (~20 MB of it live heap) and takes 0.3–1 s to load.
   */
  readonly warmTokenizer?: boolean;
}

/** 2026-01-01T00:00:00Z: a fixed `created` keeps the model list deterministic. */
const MODELS_CREATED = 1_767_225_600;

interface Prepared {
  readonly directives: Directives;
  readonly choices: readonly RenderedChoice[];
  readonly usage: Usage;
  readonly id: string;
  readonly created: number;
}

function simulatedError(code: string, streamStarted: boolean): ProtocolError {
  return createProtocolError({
    message: `Simulated ${code} (requested by a [simulate:…] directive).`,
    code,
    streamStarted,
    ...(code === ErrorCode.rateLimitExceeded ? { retryAfterMs: 1000 } : {}),
  });
}

/**
 * The simulator: a deterministic, offline model for every protocol feature, the default model of
 * a fresh gateway and the engine of tests and benchmarks. Serves `simulator/echo` (repeats the
 * last user message), `simulator/thinker` (thinks first), `simulator/babble` (seeded prose) and `simulator/embed`
 * (embeddings: deterministic unit vectors from the words of the text).
 * Tool calls with schema-valid arguments, `json_schema` output, `thinking`, `max_tokens`, `stop`,
 * `n`, `seed` and real token usage (o200k_base) are supported; `[simulate:…]` directives in the
 * last user message inject failures and delays (see the README).
 *
 * @example
 * ```ts
 * const server = createChatServer({ adapters: [createSimulatorAdapter({ ttftMs: 200, tokensPerSecond: 60 })] });
 * ```
 */
export function createSimulatorAdapter(options: SimulatorOptions = {}): ChatAdapter {
  const baseDirectives = options.directives ? parseDirectiveList(options.directives) : {};
  const ownedBy = options.ownedBy ?? 'switchyard-simulator';
  let tokenizer: Promise<Tokenizer> | undefined;
  const getTokenizer = () => {
    tokenizer ??= loadTokenizer().then((encoding) => new Tokenizer(encoding));
    return tokenizer;
  };
  // Warm the tokenizer up in the background so the first request does not pay for it.
  if (options.warmTokenizer !== false) getTokenizer().catch(() => {});

  async function prepare(request: ChatCompletionRequest, signal: AbortSignal): Promise<Prepared> {
    if (!(request.model in SIMULATOR_MODELS)) {
      throw new NotFoundError({
        message: `The model '${request.model}' does not exist: the simulator serves ${Object.keys(SIMULATOR_MODELS).join(', ')}.`,
        code: ErrorCode.modelNotFound,
        param: 'model',
      });
    }
    if (request.model === SIMULATOR_EMBEDDING_MODEL) {
      throw new BadRequestError({
        message: `The model '${request.model}' is an embedding model: call POST /v1/embeddings with it, or use a chat model here.`,
        code: ErrorCode.invalidRequest,
        param: 'model',
      });
    }
    const lastUser = request.messages.findLast((message) => message.role === 'user');
    const { directives, text } = parseDirectives(messageText(lastUser), baseDirectives);
    const tok = await getTokenizer();
    const choices: RenderedChoice[] = [];
    for (const plan of planAnswer(request, directives, text)) {
      choices.push(await renderChoice(plan, request, tok, signal));
    }
    return {
      directives,
      choices,
      usage: usageOf(await countPromptTokens(request, tok, signal), choices),
      id: `chatcmpl-sim-${crypto.randomUUID().replaceAll('-', '').slice(0, 24)}`,
      created: Math.floor(Date.now() / 1000),
    };
  }

  const ttftOf = (directives: Directives) => directives.slowFirstByteMs ?? options.ttftMs ?? 0;
  const tpsOf = (directives: Directives) => directives.tokensPerSecond ?? options.tokensPerSecond ?? 0;

  async function* stream(
    request: ChatCompletionRequest,
    context: AdapterContext,
  ): AsyncGenerator<ChatCompletionChunk> {
    const { signal } = context;
    const prepared = await prepare(request, signal);
    const { directives } = prepared;
    const ttft = ttftOf(directives);
    if (ttft > 0) await sleep(ttft, signal);
    if (directives.error) throw simulatedError(directives.error, false);

    const steps = interleave(prepared.choices.map(stepsOf));
    const tokenSteps = steps.filter((step) => step.token).length;
    const failAfter = Math.max(1, Math.floor(tokenSteps / 2));
    const tps = tpsOf(directives);
    const chunkOf = (step: Step): ChatCompletionChunk => ({
      id: prepared.id,
      object: 'chat.completion.chunk',
      created: prepared.created,
      model: request.model,
      choices: [
        { index: step.index, delta: step.delta, logprobs: null, finish_reason: step.finishReason ?? null },
      ],
    });

    const start = Date.now();
    let tokens = 0;
    let sent = 0;
    for (const step of steps) {
      if (signal.aborted) throw signal.reason;
      if (step.finishReason !== undefined && directives.truncate) continue;
      if (step.token && tps > 0) {
        const wait = start + (tokens * 1000) / tps - Date.now();
        if (wait >= 1) await sleep(wait, signal);
      }
      yield chunkOf(step);
      sent++;
      if (step.token) tokens++;
      if (directives.stall && sent === 1) await sleep(2 ** 31 - 1, signal);
      if (directives.midstreamError && (tokens === failAfter || (tokenSteps === 0 && sent === 1))) {
        throw simulatedError(directives.midstreamError, true);
      }
    }
    if (directives.truncate) return;
    yield {
      id: prepared.id,
      object: 'chat.completion.chunk',
      created: prepared.created,
      model: request.model,
      choices: [],
      usage: prepared.usage,
    };
  }

  async function complete(request: ChatCompletionRequest, context: AdapterContext): Promise<ChatCompletion> {
    const { signal } = context;
    const prepared = await prepare(request, signal);
    const { directives } = prepared;
    const tps = tpsOf(directives);
    const tokens = prepared.usage.completion_tokens;
    const delay = ttftOf(directives) + (directives.error || tps <= 0 ? 0 : (tokens * 1000) / tps);
    if (delay > 0) await sleep(delay, signal);
    if (directives.error) throw simulatedError(directives.error, false);
    if (directives.midstreamError) throw simulatedError(directives.midstreamError, false);
    if (directives.stall) await sleep(2 ** 31 - 1, signal);
    if (directives.truncate) {
      throw createProtocolError({
        message: 'Simulated dropped connection (requested by [simulate:truncate]).',
        code: ErrorCode.streamIncomplete,
      });
    }
    return {
      id: prepared.id,
      object: 'chat.completion',
      created: prepared.created,
      model: request.model,
      choices: prepared.choices.map(choiceOf),
      usage: prepared.usage,
    };
  }

  return {
    specificationVersion: 'v1',
    provider: 'simulator',
    capabilities: {
      tools: true,
      jsonSchema: true,
      thinking: true,
      multipleChoices: true,
      stop: true,
      deterministic: true,
    },
    async listModels(): Promise<Model[]> {
      return Object.keys(SIMULATOR_MODELS).map((id) => ({
        id,
        object: 'model',
        created: MODELS_CREATED,
        owned_by: ownedBy,
      }));
    },
    stream,
    complete,
    /** Exactly the `prompt_tokens` an answer would report (the same tokenizer and framing). */
    async countTokens(request, context): Promise<number> {
      return countPromptTokens(request, await getTokenizer(), context.signal);
    },
    async embed(request, context) {
      return simulatorEmbed(request, context, await getTokenizer());
    },
  };
}
