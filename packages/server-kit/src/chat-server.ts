import type { ChatAdapter } from '@switchyard/adapter-kit';
import {
  AuthenticationError,
  BadRequestError,
  clip,
  ErrorCode,
  NotFoundError,
  parseChatCompletionRequest,
} from '@switchyard/protocol';
import { missingApiKeyMessage } from './authorization.js';
import { completeChat, streamChat } from './chat-completion.js';
import type {
  ChatServer,
  ChatServerOptions,
  ChatServerRequest,
  ChatServerResult,
} from './chat-server-types.js';
import { silentLogger } from './logger.js';
import { listAllModels, ModelAdapterIndex } from './model-adapter-index.js';
import { modelNotFoundError } from './model-not-found.js';
import { checkContentType, DEFAULT_BODY_LIMIT, parseJsonBody, readBodyBytes } from './read-json-body.js';
import { resolveRequestId } from './request-id.js';
import { RequestState } from './request-state.js';
import { envelope, errorResult, jsonResult } from './results.js';
import { matchRoute, pathOf } from './routes.js';
import { fetchHandler } from './web-fetch.js';

/** Longest client text (a method, a path) quoted in an error message. */
const QUOTE_LENGTH = 200;

/**
 * Creates a chat-completions server: `POST /v1/chat/completions`, `GET /v1/models` and
 * `GET /v1/models/:id` over your adapters, with validation, the protocol's error envelope,
 * request ids, SSE streaming with backpressure and keep-alives, and abort propagation.
 * Serve it with `server.fetch` (web `Request`/`Response`), `createNodeHandler` (`node:http`) or
 * `createExpressMiddleware` (`@switchyard/server-kit/express`).
 *
 * @example
 * ```ts
 * const server = createChatServer({ adapters: [myAdapter] });
 * http.createServer(createNodeHandler(server)).listen(8080);
 * ```
 */
export function createChatServer(options: ChatServerOptions = {}): ChatServer {
  const adapters = options.adapters ?? [];
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const logger = options.logger ?? silentLogger;
  const index = new ModelAdapterIndex(adapters);

  async function resolveAdapter(model: string, state: RequestState): Promise<ChatAdapter> {
    const adapter = options.resolveAdapter
      ? await options.resolveAdapter(model, state)
      : await index.find(model);
    if (adapter) return adapter;
    throw modelNotFoundError(model);
  }

  async function authenticate(state: RequestState): Promise<void> {
    if (!options.authenticate) return;
    const principal = await options.authenticate(state);
    if (principal === undefined || principal === null) {
      throw new AuthenticationError({
        message:
          state.apiKey === null
            ? missingApiKeyMessage(state.header('authorization'))
            : 'Incorrect API key provided.',
        code: ErrorCode.invalidApiKey,
      });
    }
    state.principal = principal;
  }

  async function chatCompletion(state: RequestState, request: ChatServerRequest): Promise<ChatServerResult> {
    checkContentType(request.header('content-type'));
    const body =
      request.parsedBody === undefined
        ? parseJsonBody(await readBodyBytes(request.body, bodyLimit, request.header('content-length')))
        : typeof request.parsedBody === 'string' || request.parsedBody instanceof Uint8Array
          ? parseJsonBody(request.parsedBody)
          : request.parsedBody;
    const parsed = parseChatCompletionRequest(body);
    state.request = parsed;
    state.adapter = await resolveAdapter(parsed.model, state);
    await options.beforeCompletion?.(state);
    state.startDeadline(options.timeoutMs);
    return parsed.stream === true
      ? streamChat(state, state.adapter, parsed, options, keepAliveMs)
      : completeChat(state, state.adapter, parsed, options);
  }

  async function models(state: RequestState, modelId: string | undefined): Promise<ChatServerResult> {
    const context = { signal: state.signal, requestId: state.requestId, locals: state.locals };
    if (modelId === undefined) {
      const data = await listAllModels(adapters, context);
      return jsonResult(state, 200, { object: 'list', data });
    }
    const owners = options.resolveAdapter ? [await options.resolveAdapter(modelId, state)] : adapters;
    const candidates = owners.filter((adapter): adapter is ChatAdapter => adapter !== undefined);
    const model = (await listAllModels(candidates, context)).find((m) => m.id === modelId);
    if (model) return jsonResult(state, 200, model);
    throw modelNotFoundError(modelId);
  }

  async function handle(request: ChatServerRequest): Promise<ChatServerResult> {
    const requestId = resolveRequestId(request.header('x-request-id'));
    const path = pathOf(request.url);
    const match = matchRoute(path);
    if (match === undefined) {
      const error = new NotFoundError({
        message: `Unknown route: ${clip(request.method, QUOTE_LENGTH)} ${clip(path, QUOTE_LENGTH)}`,
        code: ErrorCode.notFound,
        requestId,
      });
      return { ...envelope(error, { 'x-request-id': requestId }), matched: false };
    }
    const state = new RequestState({
      requestId,
      route: match.route,
      method: request.method,
      path,
      header: request.header,
      clientSignal: request.signal,
      onClientGone: request.onClientGone,
      options,
      logger,
    });
    const result = await answer(state, request, match);
    // The body leaves once `onFinish` settled (a ledger row committed, for instance).
    if (result.type === 'json' && state.settled) await state.settled;
    return result;
  }

  async function answer(
    state: RequestState,
    request: ChatServerRequest,
    match: NonNullable<ReturnType<typeof matchRoute>>,
  ): Promise<ChatServerResult> {
    try {
      if (request.method !== match.allow) {
        state.setHeader('allow', match.allow);
        throw new BadRequestError({
          message: `Method ${clip(request.method, QUOTE_LENGTH)} is not allowed on ${state.path}; use ${match.allow}.`,
          code: ErrorCode.methodNotAllowed,
        });
      }
      if (match.route === 'chat.completions') {
        // A declared oversize body is refused before anything else, even authentication.
        await readBodyBytes(null, bodyLimit, request.header('content-length'));
      }
      await authenticate(state);
      if (match.route === 'chat.completions') return await chatCompletion(state, request);
      return await models(state, match.modelId);
    } catch (thrown) {
      return errorResult(state, thrown);
    }
  }

  return {
    handle,
    fetch: fetchHandler(handle),
  };
}
