import type pino from 'pino';
import type { Gateway } from '../server/create-gateway.js';
import type { Io } from './admin-commands.js';
import { renderBanner } from './banner.js';
import { cliInvocation, repeatedFlags } from './cli-invocation.js';
import { describeUnserved } from './unserved-warnings.js';

/**
 * Once the gateway listens (every worker, in a cluster): creates the first admin key if there is
 * none (only now, so that a start that fails does not use up the key it could not show), logs
 * `listening` and prints the banner on stderr.
 */
export async function announceStart(options: {
  readonly gateway: Gateway;
  readonly url: string;
  readonly logger: pino.Logger;
  readonly io: Io;
  /** The command's parsed flags, to show how to start it again. */
  readonly flags: Parameters<typeof repeatedFlags>[0];
}): Promise<void> {
  const { gateway, url, logger, io } = options;
  const { config } = gateway;
  const adminKey = gateway.accounting.createFirstAdminKey();
  await gateway.accounting.store.flush();
  const warnings = describeUnserved(gateway.catalog);
  for (const warning of warnings)
    logger.warn({ warning }, 'deployment names a model its provider does not serve');
  logger.info(
    {
      url,
      providers: config.providers.map((p) => p.name),
      data_dir: config.server.dataDir,
      config: config.source ?? null,
      ...(config.server.workers > 1 ? { workers: config.server.workers } : {}),
    },
    'listening',
  );
  io.err(
    renderBanner({
      url,
      playground: gateway.playground !== undefined,
      adminKey,
      model: gateway.catalog.list()[0]?.id,
      providers: config.providers.map((p) => p.name),
      dataDir: config.server.dataDir,
      configFile: config.source,
      warnings,
      cli: {
        command: cliInvocation(process.argv[1] ?? 'switchyard', process.cwd()),
        flags: repeatedFlags(options.flags),
      },
    }),
  );
}
