import { MessagesCountTokensRequestSchema, MessagesRequestSchema } from '@switchyard/protocol';
import { z } from 'zod';

const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
const schemaOf = (schema: z.ZodType) => z.toJSONSchema(schema, { unrepresentable: 'any' });
const ANTHROPIC_ERROR = {
  description:
    'Anthropic\'s error envelope `{"type":"error","error":{"type","message"},"request_id"}` (400 invalid_request_error, 401 authentication_error, 403 permission_error, 404 not_found_error, 413 request_too_large, 429 rate_limit_error, 5xx api_error, 529 overloaded_error).',
  ...json({ type: 'object' }),
};
const security = [{ bearerAuth: [] }, { anthropicApiKey: [] }];

/** The Anthropic Messages front door's routes, for the gateway's OpenAPI document (see docs/messages.md). */
export function messagesOpenAPIPaths(): Record<string, Record<string, unknown>> {
  return {
    '/v1/messages': {
      post: {
        summary:
          'Anthropic Messages API: passed through natively to Anthropic deployments, translated for any other. Key in `x-api-key` or `Authorization: Bearer`; `anthropic-beta` is forwarded.',
        security,
        requestBody: { required: true, ...json(schemaOf(MessagesRequestSchema)) },
        responses: {
          '200': {
            description: 'A Messages answer, or its SSE event stream with `stream: true`.',
            content: {
              'application/json': { schema: { type: 'object' } },
              'text/event-stream': { schema: { type: 'string' } },
            },
          },
          default: ANTHROPIC_ERROR,
        },
      },
    },
    '/v1/messages/count_tokens': {
      post: {
        summary:
          'Input tokens of a Messages request: counted by Anthropic on Anthropic deployments, estimated elsewhere.',
        security,
        requestBody: { required: true, ...json(schemaOf(MessagesCountTokensRequestSchema)) },
        responses: {
          '200': { description: '`{"input_tokens": N}`', ...json({ type: 'object' }) },
          default: ANTHROPIC_ERROR,
        },
      },
    },
  };
}
