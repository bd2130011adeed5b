import { z } from 'zod';
import { ChatCompletionChunkSchema } from '../schemas/chat-completion-chunk-schema.js';
import { ChatCompletionRequestSchema } from '../schemas/chat-completion-request-schema.js';
import { ChatCompletionSchema } from '../schemas/chat-completion-schema.js';
import { ModelListSchema, ModelSchema } from '../schemas/model-schema.js';
import { UsageSchema } from '../schemas/usage-schema.js';

/** A JSON value of an OpenAPI document (kept open: the document is plain data). */
export type OpenAPIObject = { [key: string]: unknown };

/** The OpenAPI 3.1 document returned by {@link createOpenAPIDocument}. */
export interface OpenAPIDocument extends OpenAPIObject {
  openapi: '3.1.0';
  info: { title: string; version: string; description?: string };
  paths: Record<string, OpenAPIObject>;
  components: {
    schemas: Record<string, OpenAPIObject>;
    responses: Record<string, OpenAPIObject>;
    securitySchemes: Record<string, OpenAPIObject>;
  };
}

export interface OpenAPIDocumentOptions {
  title?: string;
  version?: string;
  description?: string;
  servers?: { url: string; description?: string }[];
  /**
   * Extra path items merged into `paths` (a gateway adds `/admin/*`, `/v1/usage`). They may
   * reference `#/components/schemas/<name>` for the built-in schemas and for `schemas` below,
   * and `#/components/responses/<name>` for the error responses.
   */
  paths?: Record<string, OpenAPIObject>;
  /** Extra zod schemas converted into `components.schemas` under their key. */
  schemas?: Record<string, z.ZodType>;
}

/** The `{"error":{…}}` body this server sends (stricter than the lenient parsing schema). */
const ErrorBodySchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable(),
    code: z.string().nullable(),
    request_id: z.string().optional(),
  }),
});

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const errorResponse = (description: string, headers?: OpenAPIObject) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema: ref('ErrorEnvelope') } },
});

const ERROR_RESPONSES = {
  BadRequest: errorResponse('The request is invalid; `param` names the offending field.'),
  Unauthorized: errorResponse('Missing or invalid API key.'),
  PermissionDenied: errorResponse('The API key may not do this.'),
  NotFound: errorResponse('Unknown model or route.'),
  RateLimited: errorResponse('Rate limit, quota or budget exceeded.', {
    'retry-after': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } },
    'x-should-retry': {
      description: '`false` when retrying cannot help (e.g. an exhausted balance).',
      schema: { type: 'string', enum: ['true', 'false'] },
    },
  }),
  ServerError: errorResponse('The server or an upstream provider failed.'),
};

const commonErrors = {
  '401': { $ref: '#/components/responses/Unauthorized' },
  '403': { $ref: '#/components/responses/PermissionDenied' },
  '429': { $ref: '#/components/responses/RateLimited' },
  '500': { $ref: '#/components/responses/ServerError' },
};

const SSE_DESCRIPTION = [
  'Server-sent events when `stream` is true. Each event is `data: <ChatCompletionChunk JSON>`',
  'followed by a blank line; the stream ends with `data: [DONE]`. With',
  '`stream_options.include_usage`, a last chunk with `choices: []` carries `usage`. An error after',
  'the stream started arrives as `data: {"error":{…}}` (see ErrorEnvelope) before the connection',
  'closes. Lines starting with `:` are keep-alive comments.',
].join(' ');

function builtInPaths(): Record<string, OpenAPIObject> {
  return {
    '/v1/chat/completions': {
      post: {
        operationId: 'createChatCompletion',
        summary: 'Create a chat completion',
        tags: ['Chat'],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: ref('ChatCompletionRequest') } },
        },
        responses: {
          '200': {
            description: 'The completion, or a stream of chunks when `stream` is true.',
            content: {
              'application/json': { schema: ref('ChatCompletion') },
              'text/event-stream': {
                schema: { type: 'string', description: SSE_DESCRIPTION },
                'x-sse-data': ref('ChatCompletionChunk'),
              },
            },
          },
          '400': { $ref: '#/components/responses/BadRequest' },
          '404': { $ref: '#/components/responses/NotFound' },
          ...commonErrors,
        },
      },
    },
    '/v1/models': {
      get: {
        operationId: 'listModels',
        summary: 'List the available models',
        tags: ['Models'],
        responses: {
          '200': {
            description: 'The models.',
            content: { 'application/json': { schema: ref('ModelList') } },
          },
          ...commonErrors,
        },
      },
    },
    '/v1/models/{id}': {
      get: {
        operationId: 'retrieveModel',
        summary: 'Retrieve one model',
        tags: ['Models'],
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': { description: 'The model.', content: { 'application/json': { schema: ref('Model') } } },
          '404': { $ref: '#/components/responses/NotFound' },
          ...commonErrors,
        },
      },
    },
  };
}

function componentSchemas(extra: Record<string, z.ZodType> = {}): Record<string, OpenAPIObject> {
  const registry = z.registry<{ id: string }>();
  const all: Record<string, z.ZodType> = {
    ChatCompletionRequest: ChatCompletionRequestSchema,
    ChatCompletion: ChatCompletionSchema,
    ChatCompletionChunk: ChatCompletionChunkSchema,
    Usage: UsageSchema,
    Model: ModelSchema,
    ModelList: ModelListSchema,
    ErrorEnvelope: ErrorBodySchema,
    ...extra,
  };
  for (const [id, schema] of Object.entries(all)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: 'any',
  });
  const out: Record<string, OpenAPIObject> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    // Component schemas are addressed by their location; `$id`/`$schema` would rebase refs.
    const { $id: _id, $schema: _schema, ...rest } = schema as OpenAPIObject;
    out[id] = rest;
  }
  return out;
}

/**
 * Builds the OpenAPI 3.1 document of the chat-completions API (`POST /v1/chat/completions`
 * with JSON and SSE responses, `GET /v1/models`, `GET /v1/models/{id}`, error envelopes),
 * generated from the zod schemas. Each call returns a fresh document.
 *
 * @example
 * ```ts
 * const doc = createOpenAPIDocument({
 *   servers: [{ url: 'https://gateway.example.com' }],
 *   schemas: { UsageReport: UsageReportSchema },
 *   paths: { '/v1/usage': { get: { responses: { '200': { description: 'Usage',
 *     content: { 'application/json': { schema: { $ref: '#/components/schemas/UsageReport' } } } } } } } },
 * });
 * ```
 */
export function createOpenAPIDocument(options: OpenAPIDocumentOptions = {}): OpenAPIDocument {
  return {
    openapi: '3.1.0',
    info: {
      title: options.title ?? 'Switchyard chat completions API',
      version: options.version ?? '1.0.0',
      ...(options.description ? { description: options.description } : {}),
    },
    ...(options.servers ? { servers: options.servers } : {}),
    security: [{ bearerAuth: [] }],
    paths: { ...builtInPaths(), ...options.paths },
    components: {
      schemas: componentSchemas(options.schemas),
      responses: structuredClone(ERROR_RESPONSES),
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
    },
  };
}

/** The JSON Schema (draft 2020-12) of a chat-completion request body. Cross-field rules are not expressible and are left out. */
export function chatCompletionRequestJSONSchema(): OpenAPIObject {
  return z.toJSONSchema(ChatCompletionRequestSchema, { unrepresentable: 'any' }) as OpenAPIObject;
}
