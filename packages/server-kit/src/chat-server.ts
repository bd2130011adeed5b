import type { ChatAdapter } from '@switchyard/adapter-kit';
import { AuthenticationError, BadRequestError, clip, ErrorCode, NotFoundError } from '@switchyard/protocol';
import { missingApiKeyMessage } from './authorization.js';
import { completeChat, streamChat } from './chat-completion.js';
import type {
  ChatServer,
  ChatServerOptions,
  ChatServerRequest,
  ChatServerResult,
  Locals,
} from './chat-server-types.js';
import { chatCompletionsDoor } from './doors/chat-completions/chat-completions-door.js';
import type { FrontDoor } from './front-door.js';
import { silentLogger } from './logger.js';
import { listAllModels, ModelAdapterIndex } from './model-adapter-index.js';
import { modelNotFoundError } from './model-not-found.js';
import { checkContentType, DEFAULT_BODY_LIMIT, parseJsonBody, readBodyBytes } from './read-json-body.js';
import { resolveRequestId } from './request-id.js';
import { RequestState } from './request-state.js';
import { envelope, errorResult, jsonResult } from './results.js';
import { matchRoute, pathOf, type RouteMatch } from './routes.js';
import { fetchHandler } from './web-fetch.js';

/** Longest client text (a method, a path) quoted in an error message. */
const QUOTE_LENGTH = 200;

/**
 * Creates a chat-completions server: `POST /v1/chat/completions`, `GET /v1/models` and
 * `GET /v1/models/:id` over your adapters, with validation, the protocol's error envelope,
 * request ids, SSE streaming with backpressure and keep-alives, and abort propagation. More wire
 * protocols are served over the same hooks and adapters as `doors` (see {@link FrontDoor}).
 * Serve it with `server.fetch` (web `Request`/`Response`), `createNodeHandler` (`node:http`) or
 * `createExpressMiddleware` (`@switchyard/server-kit/express`).
 *
 * @example
 * ```ts
 * const server = createChatServer({ adapters: [myAdapter] });
 * http.createServer(createNodeHandler(server)).listen(8080);
 * ```
 */
export function createChatServer<Vars extends Locals = Locals>(
  options: ChatServerOptions<Vars> = {},
): ChatServer {
  const adapters = options.adapters ?? [];
  const doors: readonly FrontDoor[] = [chatCompletionsDoor, ...(options.doors ?? [])];
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const logger = options.logger ?? silentLogger;
  const index = new ModelAdapterIndex(adapters);

  async function resolveAdapter(model: string, state: RequestState<Vars>): Promise<ChatAdapter> {
    const adapter = options.resolveAdapter
      ? await options.resolveAdapter(model, state)
      : await index.find(model);
    if (adapter) return adapter;
    throw modelNotFoundError(model);
  }

  async function authenticate(state: RequestState<Vars>): Promise<void> {
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

  async function readBody(request: ChatServerRequest): Promise<unknown> {
    checkContentType(request.header('content-type'));
    const { parsedBody } = request;
    if (parsedBody === undefined)
      return parseJsonBody(await readBodyBytes(request.body, bodyLimit, request.header('content-length')));
    return typeof parsedBody === 'string' || parsedBody instanceof Uint8Array
      ? parseJsonBody(parsedBody)
      : parsedBody;
  }

  async function completion(
    state: RequestState<Vars>,
    door: FrontDoor,
    request: ChatServerRequest,
  ): Promise<ChatServerResult> {
    const decoded = await door.decode(await readBody(request), state);
    const parsed = decoded.request;
    state.request = parsed;
    state.native = decoded.native;
    state.adapter = await resolveAdapter(parsed.model, state);
    const replacement = await options.beforeCompletion?.(state);
    if (replacement) state.adapter = replacement;
    state.startDeadline(options.timeoutMs);
    return parsed.stream === true
      ? streamChat(state, door, state.adapter, parsed, options, keepAliveMs)
      : completeChat(state, door, state.adapter, parsed, options);
  }

  async function models(state: RequestState<Vars>, modelId: string | undefined): Promise<ChatServerResult> {
    const listed = options.listModels
      ? await options.listModels(state, modelId)
      : await listAllModels(
          modelId === undefined || options.resolveAdapter === undefined
            ? adapters
            : [await options.resolveAdapter(modelId, state)].filter((a): a is ChatAdapter => a !== undefined),
          { signal: state.signal, requestId: state.requestId, locals: state.locals },
        );
    if (modelId === undefined) return jsonResult(state, 200, { object: 'list', data: listed });
    const model = listed.find((m) => m.id === modelId);
    if (model) return jsonResult(state, 200, model);
    throw modelNotFoundError(modelId);
  }

  async function handle(request: ChatServerRequest): Promise<ChatServerResult> {
    const requestId = resolveRequestId(request.header('x-request-id'));
    const path = pathOf(request.url);
    const match = matchRoute(path, request.method, doors);
    if (match === undefined) {
      const error = new NotFoundError({
        message: `Unknown route: ${clip(request.method, QUOTE_LENGTH)} ${clip(path, QUOTE_LENGTH)}`,
        code: ErrorCode.notFound,
        requestId,
      });
      return {
        ...envelope(error, { 'x-request-id': requestId }, chatCompletionsDoor.encodeError(error)),
        matched: false,
      };
    }
    const state = new RequestState<Vars>({
      requestId,
      route: match.route,
      door: match.kind === 'models' ? undefined : match.door,
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
    state: RequestState<Vars>,
    request: ChatServerRequest,
    match: RouteMatch,
  ): Promise<ChatServerResult> {
    try {
      if (request.method !== match.allow) {
        state.setHeader('allow', match.allow);
        throw new BadRequestError({
          message: `Method ${clip(request.method, QUOTE_LENGTH)} is not allowed on ${state.path}; use ${match.allow}.`,
          code: ErrorCode.methodNotAllowed,
        });
      }
      if (match.allow === 'POST') {
        // A declared oversize body is refused before anything else, even authentication.
        await readBodyBytes(null, bodyLimit, request.header('content-length'));
      }
      await authenticate(state);
      switch (match.kind) {
        case 'completion':
          return await completion(state, match.door, request);
        case 'door-route': {
          const body = match.allow === 'POST' ? await readBody(request) : undefined;
          const answered = await match.doorRoute.handle({ context: state, params: match.params, body });
          return jsonResult(state, answered.status, answered.body);
        }
        case 'models':
          return await models(state, match.modelId);
      }
    } catch (thrown) {
      return errorResult(state, thrown);
    }
  }

  return {
    handle,
    fetch: fetchHandler(handle),
    encodeError(url, error) {
      const match = matchRoute(pathOf(url), 'POST', doors);
      return (match && match.kind !== 'models' ? match.door : chatCompletionsDoor).encodeError(error);
    },
  };
}
