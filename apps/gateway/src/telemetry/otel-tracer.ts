import {
  type Attributes,
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  type Span as RecordingSpan,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVICE_NAME,
  ATTR_URL_FULL,
  ATTR_URL_PATH,
  ATTR_URL_QUERY,
} from '@opentelemetry/semantic-conventions';
import {
  type ChatCompletion,
  ChatCompletionAccumulator,
  type ChatCompletionChunk,
  type ProtocolError,
} from '@switchyard/protocol';
import type { ChatFinishEvent, ChatRequestContext } from '@switchyard/server-kit';
import { redactUrl } from '../config/redact-config.js';
import type { TracingConfig } from '../config/tracing-config.js';
import type { Deployment } from '../routing/deployment.js';
import type { AttemptSpan, Verdict } from '../routing/router.js';
import type { RequestSpan, RequestSummary, RequestTracer } from './request-tracer.js';

// The GenAI semantic conventions are still "development": the OpenTelemetry project asks users to
// copy these names rather than import them from the package's incubating entry point.
const GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
const GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
const GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
const GEN_AI_REQUEST_MAX_TOKENS = 'gen_ai.request.max_tokens';
const GEN_AI_REQUEST_TEMPERATURE = 'gen_ai.request.temperature';
const GEN_AI_REQUEST_TOP_P = 'gen_ai.request.top_p';
const GEN_AI_RESPONSE_ID = 'gen_ai.response.id';
const GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
const GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
const GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
const GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
const GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
const GEN_AI_INPUT_MESSAGES = 'gen_ai.input.messages';
const GEN_AI_OUTPUT_MESSAGES = 'gen_ai.output.messages';
const GEN_AI_TIME_TO_FIRST_TOKEN = 'gen_ai.server.time_to_first_token';

/** The operation every span of this gateway serves (`/v1/chat/completions`). */
const OPERATION = 'chat';
/** The event on a streamed request's span when its first chunk arrived. */
export const FIRST_TOKEN_EVENT = 'gen_ai.first_token';

/** Epoch milliseconds of a `performance.now()` reading. */
const epochOf = (performanceMs: number): number => performance.timeOrigin + performanceMs;

class OtelAttemptSpan implements AttemptSpan {
  readonly #span: Span;
  readonly #context: Context;
  #ended = false;

  constructor(span: Span, parent: Context) {
    this.#span = span;
    this.#context = trace.setSpan(parent, span);
  }

  run<T>(fn: () => T): T {
    return context.with(this.#context, fn);
  }

  end(failure?: { readonly error: ProtocolError; readonly verdict: Verdict }): void {
    if (this.#ended) return;
    this.#ended = true;
    if (failure) {
      const { error, verdict } = failure;
      this.#span.setAttributes({
        [ATTR_ERROR_TYPE]: error.code,
        [ATTR_HTTP_RESPONSE_STATUS_CODE]: error.status,
        'switchyard.attempt.outcome': verdict,
      });
      this.#span.setStatus({ code: SpanStatusCode.ERROR, message: error.code });
    } else this.#span.setStatus({ code: SpanStatusCode.OK });
    this.#span.end();
  }
}

class OtelRequestSpan implements RequestSpan {
  readonly #tracer: Tracer;
  readonly #span: Span;
  readonly #context: Context;
  readonly #captureContent: boolean;
  readonly #attempts: OtelAttemptSpan[] = [];
  readonly #finishReasons: string[] = [];
  #responseId: string | undefined;
  #responseModel: string | undefined;
  #firstChunk = true;
  /** The streamed answer, accumulated only when content is captured. */
  #accumulator: ChatCompletionAccumulator | undefined;
  #output: ChatCompletion | undefined;

  constructor(tracer: Tracer, request: ChatRequestContext, captureContent: boolean) {
    this.#tracer = tracer;
    this.#captureContent = captureContent;
    const carrier: Record<string, string> = {};
    for (const name of ['traceparent', 'tracestate']) {
      const value = request.header(name);
      if (value !== undefined) carrier[name] = value;
    }
    const parent = propagation.extract(ROOT_CONTEXT, carrier);
    this.#span = tracer.startSpan(
      OPERATION,
      {
        kind: SpanKind.SERVER,
        startTime: epochOf(request.receivedAt),
        attributes: {
          [GEN_AI_OPERATION_NAME]: OPERATION,
          [ATTR_HTTP_REQUEST_METHOD]: request.method,
          [ATTR_URL_PATH]: request.path,
          'switchyard.request.id': request.requestId,
        },
      },
      parent,
    );
    this.#context = trace.setSpan(parent, this.#span);
  }

  attempt(deployment: Deployment): AttemptSpan {
    const span = this.#tracer.startSpan(
      `${OPERATION} ${deployment.model}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [GEN_AI_OPERATION_NAME]: OPERATION,
          [GEN_AI_PROVIDER_NAME]: deployment.provider,
          [GEN_AI_REQUEST_MODEL]: deployment.model,
          'switchyard.deployment.id': deployment.id,
        },
      },
      this.#context,
    );
    const attempt = new OtelAttemptSpan(span, this.#context);
    this.#attempts.push(attempt);
    return attempt;
  }

  answered(completion: ChatCompletion): void {
    this.#responseId = completion.id;
    this.#responseModel = completion.model;
    for (const choice of completion.choices) this.#finishReasons[choice.index] = choice.finish_reason;
    if (this.#captureContent) this.#output = completion;
  }

  chunk(chunk: ChatCompletionChunk): void {
    if (this.#firstChunk) {
      this.#firstChunk = false;
      this.#responseId = chunk.id;
      this.#responseModel = chunk.model;
      this.#span.addEvent(FIRST_TOKEN_EVENT);
      if (this.#captureContent) this.#accumulator = new ChatCompletionAccumulator();
    }
    for (const choice of chunk.choices)
      if (choice.finish_reason) this.#finishReasons[choice.index] = choice.finish_reason;
    this.#accumulator?.add(chunk);
  }

  finish(event: ChatFinishEvent, summary: RequestSummary): void {
    const request = event.context.request;
    const { usage, error } = event;
    const failed = event.aborted || (event.errorInStream && error !== undefined);
    for (const attempt of this.#attempts)
      attempt.end(failed && error ? { error, verdict: 'fatal' } : undefined);
    const attributes: Attributes = {
      [ATTR_HTTP_RESPONSE_STATUS_CODE]: event.status,
      'switchyard.key.id': summary.keyId,
      'switchyard.deployment.id': summary.deployment?.id,
      'switchyard.cached': summary.cached,
      [GEN_AI_PROVIDER_NAME]: summary.deployment?.provider,
      [GEN_AI_RESPONSE_ID]: this.#responseId,
      [GEN_AI_RESPONSE_MODEL]: this.#responseModel ?? summary.deployment?.model,
      [GEN_AI_USAGE_INPUT_TOKENS]: usage?.prompt_tokens,
      [GEN_AI_USAGE_OUTPUT_TOKENS]: usage?.completion_tokens,
      [GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: usage?.prompt_tokens_details?.cached_tokens ?? undefined,
      [ATTR_ERROR_TYPE]: error?.code ?? (event.aborted ? 'aborted' : undefined),
    };
    const finishReasons = this.#finishReasons.filter((reason) => reason !== undefined);
    if (finishReasons.length > 0) attributes[GEN_AI_RESPONSE_FINISH_REASONS] = finishReasons;
    if (request) {
      this.#span.updateName(`${OPERATION} ${request.model}`);
      attributes[GEN_AI_REQUEST_MODEL] = request.model;
      attributes[GEN_AI_REQUEST_MAX_TOKENS] =
        request.max_completion_tokens ?? request.max_tokens ?? undefined;
      attributes[GEN_AI_REQUEST_TEMPERATURE] = request.temperature ?? undefined;
      attributes[GEN_AI_REQUEST_TOP_P] = request.top_p ?? undefined;
      if (this.#captureContent) {
        attributes[GEN_AI_INPUT_MESSAGES] = JSON.stringify(request.messages);
        const output = this.#output ?? this.#streamedOutput();
        if (output) attributes[GEN_AI_OUTPUT_MESSAGES] = JSON.stringify(output.choices.map((c) => c.message));
      }
    }
    if (event.streamed && event.firstChunkAt !== undefined)
      attributes[GEN_AI_TIME_TO_FIRST_TOKEN] = (event.firstChunkAt - event.startedAt) / 1000;
    this.#span.setAttributes(attributes);
    // A server span is an error for a 5xx only; a refused request (4xx) is the caller's.
    if (error && (event.errorInStream || error.status >= 500))
      this.#span.setStatus({ code: SpanStatusCode.ERROR, message: error.code });
    this.#span.end(event.endedAt);
  }

  #streamedOutput(): ChatCompletion | undefined {
    try {
      return this.#accumulator?.complete();
    } catch {
      return undefined; // a stream cut before its end has no complete answer
    }
  }
}

/**
 * Hides credentials in the upstream URLs that undici's spans record (`url.full`, `url.query`):
 * userinfo and credential-like query parameters, as `config check` shows them.
 */
export class RedactedUrls implements SpanProcessor {
  onStart(span: RecordingSpan): void {
    const full = span.attributes[ATTR_URL_FULL];
    if (typeof full !== 'string') return;
    const redacted = redactUrl(full);
    span.setAttribute(ATTR_URL_FULL, redacted);
    if (span.attributes[ATTR_URL_QUERY])
      span.setAttribute(ATTR_URL_QUERY, redacted.includes('?') ? redacted.slice(redacted.indexOf('?')) : '');
  }
  onEnd(): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * The OpenTelemetry SDK set up for the gateway: spans batched to an OTLP/HTTP (JSON) exporter,
 * the W3C trace-context propagator and an async-local context (registered globally), and undici's
 * instrumentation, which gives each upstream HTTP call a span and its `traceparent` header.
 */
export function createOtelTracer(
  config: TracingConfig & { otlp: NonNullable<TracingConfig['otlp']> },
): RequestTracer {
  const exporter = new OTLPTraceExporter({
    ...(config.otlp.url ? { url: config.otlp.url } : {}),
    headers: { ...config.otlp.headers },
  });
  const provider = new NodeTracerProvider({
    // `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES` win over the default name.
    resource: defaultResource()
      .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'switchyard' }))
      .merge(detectResources({ detectors: [envDetector] })),
    spanProcessors: [new RedactedUrls(), new BatchSpanProcessor(exporter)],
  });
  provider.register();
  // Upstream calls outside a request (model discovery) get no span of their own.
  const undici = new UndiciInstrumentation({ requireParentforSpans: true });
  undici.setTracerProvider(provider);
  const tracer = provider.getTracer('switchyard-gateway');
  return {
    start: (request) => new OtelRequestSpan(tracer, request, config.captureContent),
    async shutdown() {
      undici.disable();
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
