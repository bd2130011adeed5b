import {
  type CountMessagesTokens,
  type Logger,
  MESSAGES_DOOR,
  modelNotFoundError,
} from '@switchyard/server-kit';
import type { Principal } from '../accounting/index.js';
import { estimatePromptTokens } from '../pipeline/estimate-prompt-tokens.js';
import { mayUse } from '../pipeline/gateway-hooks.js';
import type { ModelCatalog } from '../routing/model-catalog.js';

/**
 * `POST /v1/messages/count_tokens` for the gateway: the model is resolved like a completion's
 * (aliases, key scopes: a model the key may not use is a 404); when the route's first deployment
 * can count (`ChatAdapter.countTokens`: Anthropic, the simulator), it counts; elsewhere the answer is the gateway's
 * estimate (about four characters per token, the same one rate limits reserve with).
 */
export function countMessagesTokens(catalog: ModelCatalog, logger: Logger): CountMessagesTokens {
  return async ({ request, native, context }) => {
    const route = catalog.resolve(request.model) ?? (await catalog.resolveFresh(request.model));
    if (!route || !mayUse(context.principal as Principal | undefined, catalog.namesOf(route)))
      throw modelNotFoundError(request.model, context.requestId);
    const primary = route.deployments[0];
    if (!primary?.adapter.countTokens) return estimatePromptTokens(request);
    return primary.adapter.countTokens(
      { ...request, model: primary.model },
      {
        requestId: context.requestId,
        signal: context.signal,
        deadline: undefined,
        logger,
        locals: {},
        frontDoor: { name: MESSAGES_DOOR, native },
      },
    );
  };
}
