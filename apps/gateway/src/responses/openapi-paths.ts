import { EmbeddingRequestSchema, ResponsesRequestSchema } from '@switchyard/protocol';
import { z } from 'zod';

const errorResponses = {
  '400': { $ref: '#/components/responses/BadRequest' },
  '401': { $ref: '#/components/responses/Unauthorized' },
  '404': { $ref: '#/components/responses/NotFound' },
};

const json = (description: string) => ({
  description,
  content: { 'application/json': { schema: { type: 'object' } } },
});

const requestBody = (schema: z.ZodType) => ({
  required: true,
  content: { 'application/json': { schema: z.toJSONSchema(schema, { unrepresentable: 'any' }) } },
});

const id = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };

/** OpenAPI 3.1 path items of the Responses API and of embeddings. */
export function responsesOpenAPIPaths(): Record<string, Record<string, unknown>> {
  return {
    '/v1/responses': {
      post: {
        summary:
          'OpenAI Responses API over every model the gateway serves; stored (unless store: false) for retrieval and previous_response_id.',
        requestBody: requestBody(ResponsesRequestSchema),
        responses: {
          '200': {
            description: 'The response object, or with stream: true its server-sent events.',
            content: {
              'application/json': { schema: { type: 'object' } },
              'text/event-stream': { schema: { type: 'string' } },
            },
          },
          ...errorResponses,
        },
      },
    },
    '/v1/responses/{id}': {
      get: {
        summary: 'A stored response of the caller’s key (another key’s id is a 404).',
        parameters: [id],
        responses: { '200': json('The response object.'), ...errorResponses },
      },
      delete: {
        summary: 'Deletes a stored response of the caller’s key.',
        parameters: [id],
        responses: { '200': json('`{id, object: "response", deleted: true}`'), ...errorResponses },
      },
    },
    '/v1/responses/{id}/input_items': {
      get: {
        summary: 'The input items of a stored response (the continued conversation included), newest first.',
        parameters: [id],
        responses: { '200': json('A list of input items.'), ...errorResponses },
      },
    },
    '/v1/embeddings': {
      post: {
        summary:
          'Embeddings (float or base64) from an embedding model, with the same keys, limits, budgets and ledger.',
        requestBody: requestBody(EmbeddingRequestSchema),
        responses: {
          '200': json('`{object: "list", data: [{embedding, index}], model, usage}`'),
          ...errorResponses,
        },
      },
    },
  };
}
