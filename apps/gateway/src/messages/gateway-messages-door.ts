import { type Logger, MESSAGES_DOOR, messagesDoor } from '@switchyard/server-kit';
import type { ModelCatalog } from '../routing/model-catalog.js';
import { countMessagesTokens } from './count-messages-tokens.js';

/**
 * The gateway's `/v1/messages` door: `count_tokens` through the catalog (native on Anthropic,
 * estimated elsewhere), and fields the canonical request cannot carry forwarded for models whose
 * every deployment passes Messages through (Anthropic), refused for the others.
 */
export function gatewayMessagesDoor(catalog: ModelCatalog, logger: Logger): ReturnType<typeof messagesDoor> {
  return messagesDoor({
    countTokens: countMessagesTokens(catalog, logger),
    servedNatively: (model) => {
      const route = catalog.resolve(model);
      return (
        route !== undefined &&
        route.deployments.length > 0 &&
        route.deployments.every((d) => d.adapter.capabilities?.nativeDoors?.includes(MESSAGES_DOOR))
      );
    },
  });
}
