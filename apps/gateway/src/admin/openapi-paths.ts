// The error responses that the protocol's OpenAPI document defines.
const errorResponses = {
  '400': { $ref: '#/components/responses/BadRequest' },
  '401': { $ref: '#/components/responses/Unauthorized' },
  '403': { $ref: '#/components/responses/PermissionDenied' },
  '404': { $ref: '#/components/responses/NotFound' },
};

const keyBody = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    allowed_models: { type: ['array', 'null'], items: { type: 'string' } },
    rpm: { type: ['integer', 'null'], minimum: 1, description: 'Requests per minute.' },
    tpm: { type: ['integer', 'null'], minimum: 1, description: 'Tokens per minute.' },
    budget_usd: { type: ['number', 'null'], minimum: 0 },
    budget_period: { type: 'string', enum: ['day', 'week', 'month', 'total'] },
    expires_at: { type: ['string', 'integer', 'null'], description: 'ISO-8601 time or epoch milliseconds.' },
    metadata: { type: 'object', additionalProperties: { type: 'string' } },
    is_admin: { type: 'boolean' },
  },
  additionalProperties: false,
};

const usageQuery = [
  {
    name: 'from',
    in: 'query',
    schema: { type: 'string' },
    description: 'ISO-8601 or epoch ms; default 24 h ago.',
  },
  { name: 'to', in: 'query', schema: { type: 'string' } },
  { name: 'model', in: 'query', schema: { type: 'string' } },
  {
    name: 'group_by',
    in: 'query',
    schema: { type: 'string', enum: ['model', 'key', 'deployment', 'status'] },
  },
  { name: 'bucket', in: 'query', schema: { type: 'string', enum: ['minute', 'hour', 'day'] } },
];

const json = (description: string) => ({
  description,
  content: { 'application/json': { schema: { type: 'object' } } },
});

/** OpenAPI 3.1 path items for the admin API and `/v1/usage`. */
export const ACCOUNTING_OPENAPI_PATHS = {
  '/admin/keys': {
    get: {
      summary: 'List API keys (admin key).',
      responses: { '200': json('Keys, without secrets.'), ...errorResponses },
    },
    post: {
      summary: 'Create an API key; the secret is in the response, once.',
      requestBody: {
        required: true,
        content: { 'application/json': { schema: { ...keyBody, required: ['name'] } } },
      },
      responses: { '201': json('The key and its secret.'), ...errorResponses },
    },
  },
  '/admin/keys/{id}': {
    parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
    get: { summary: 'One API key.', responses: { '200': json('The key.'), ...errorResponses } },
    patch: {
      summary: 'Change limits, budget, models, expiry or metadata of a key.',
      requestBody: { required: true, content: { 'application/json': { schema: keyBody } } },
      responses: { '200': json('The updated key.'), ...errorResponses },
    },
    delete: {
      summary: 'Revoke a key, effective immediately.',
      responses: { '200': json('The revoked key.'), ...errorResponses },
    },
  },
  '/admin/usage': {
    get: {
      summary: 'Usage over time by model, key, deployment or status, with latency percentiles.',
      parameters: [...usageQuery, { name: 'key_id', in: 'query', schema: { type: 'string' } }],
      responses: { '200': json('A usage report.'), ...errorResponses },
    },
  },
  '/v1/usage': {
    get: {
      summary: "The calling key's own usage.",
      parameters: usageQuery,
      responses: { '200': json('A usage report.'), ...errorResponses },
    },
  },
} as const;

/** Components the admin paths refer to. */
export const ACCOUNTING_OPENAPI_COMPONENTS = {
  securitySchemes: {
    bearer: { type: 'http', scheme: 'bearer', description: 'A Switchyard API key (sk-sy-…).' },
  },
} as const;
