import { createOpenAPIDocument, type OpenAPIDocument } from '@switchyard/protocol';
import { ACCOUNTING_OPENAPI_COMPONENTS, ACCOUNTING_OPENAPI_PATHS } from '../admin/openapi-paths.js';
import { messagesOpenAPIPaths } from '../messages/messages-openapi.js';
import { responsesOpenAPIPaths } from '../responses/openapi-paths.js';

const text = (description: string, type = 'text/plain') => ({
  description,
  content: { [type]: { schema: { type: 'string' } } },
});

const OPERATIONAL_PATHS = {
  '/healthz': {
    get: {
      summary: 'Liveness: the process is up.',
      security: [],
      responses: { '200': text('`{"status":"ok"}`', 'application/json') },
    },
  },
  '/readyz': {
    get: {
      summary:
        'Readiness: the gateway accepts traffic (503 while draining on shutdown). Lists providers and circuit breakers.',
      security: [],
      responses: {
        '200': text('`{"status":"ready", providers, deployments}`', 'application/json'),
        '503': text('`{"status":"draining"}`', 'application/json'),
      },
    },
  },
  '/metrics': {
    get: {
      summary: 'Prometheus metrics (text exposition format 0.0.4).',
      security: [],
      responses: { '200': text('Prometheus text') },
    },
  },
};

/**
 * The gateway's OpenAPI document: the protocol routes, the admin and usage API of accounting, and
 * the operational endpoints.
 */
export function createGatewayOpenAPIDocument(): OpenAPIDocument {
  const document = createOpenAPIDocument({
    title: 'Switchyard gateway',
    description:
      'The chat-completions protocol with keys, limits, budgets and a usage ledger. Responses carry `x-request-id`, `x-switchyard-deployment` (which upstream served the request) and `x-switchyard-overhead-ms` (time the gateway itself added).',
    paths: {
      ...messagesOpenAPIPaths(),
      ...responsesOpenAPIPaths(),
      ...(ACCOUNTING_OPENAPI_PATHS as Record<string, Record<string, unknown>>),
      ...OPERATIONAL_PATHS,
    },
  });
  const components = document.components as Record<string, Record<string, unknown>>;
  components.securitySchemes = {
    ...components.securitySchemes,
    ...ACCOUNTING_OPENAPI_COMPONENTS.securitySchemes,
    anthropicApiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
  };
  return document;
}
