import { parseArgs } from 'node:util';
import type pino from 'pino';
import { type ConfigOverrides, loadConfig, redactedConfig, redactUrl } from '../config/index.js';
import { createLogger, SecretScrubber } from '../logging/create-logger.js';
import { StdoutDestination } from '../logging/stdout-destination.js';
import { createProviderAdapters } from '../providers/create-provider-adapters.js';
import { deploymentId } from '../routing/deployment.js';
import { Gateway } from '../server/create-gateway.js';
import { configSource, type Io } from './admin-commands.js';
import { renderBanner } from './banner.js';
import { parsePositive, table } from './cli-args.js';
import { cliInvocation, repeatedFlags } from './cli-invocation.js';
import { describeUnserved, unservedWarnings } from './unserved-warnings.js';

function overridesOf(values: {
  host?: string | undefined;
  port?: string | undefined;
  'data-dir'?: string | undefined;
}): ConfigOverrides {
  const port =
    values.port === undefined ? undefined : values.port === '0' ? 0 : parsePositive(values.port, '--port');
  return {
    ...(values.host ? { host: values.host } : {}),
    ...(port === undefined ? {} : { port }),
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
  };
}

/** After draining, how long the log destination may take to write what it holds before it is dropped. */
const LOG_FLUSH_MS = 2_000;

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  host: { type: 'string' },
  port: { type: 'string', short: 'p' },
  'data-dir': { type: 'string' },
} as const;

/**
 * Resolves once a first SIGTERM/SIGINT has drained the gateway. A second signal exits 1 at once,
 * its log line written only if stdout takes it without waiting.
 */
function untilStopped(gateway: Gateway, logger: pino.Logger, destination: StdoutDestination): Promise<void> {
  return new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        if (destination.writable) logger.warn({ signal }, 'second signal: exiting without draining');
        destination.abandon();
        process.exit(1);
      }
      stopping = true;
      logger.info({ signal }, 'shutting down');
      gateway.shutdown().then(resolve, (error: unknown) => {
        logger.error({ error: String(error) }, 'shutdown failed');
        resolve();
      });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

/**
 * `switchyard start`: runs the gateway until SIGTERM/SIGINT, then drains and exits 0; a second
 * signal exits 1 at once, whatever stdout is doing. JSON logs go to stdout (a destination that
 * does not take them within a bound loses the rest at exit); the start banner (with a newly
 * created admin key, once) goes to stderr.
 */
export async function startCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: OPTIONS });
  const config = loadConfig(configSource(io, values.config, overridesOf(values)));
  const scrubber = new SecretScrubber();
  const destination = new StdoutDestination();
  const logger = createLogger({
    level: config.logging.level,
    redact: config.logging.redact,
    scrubber,
    destination: destination.stream,
  });
  let gateway: Gateway;
  try {
    gateway = await Gateway.create({ config, logger, scrubber, deferAdminKey: true });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EACCES' || code === 'EROFS' || code === 'ENOTDIR' || code === 'SQLITE_CANTOPEN') {
      io.err(
        `Cannot use the data directory ${config.server.dataDir} (${code}): choose a writable one with --data-dir or SWITCHYARD_DATA_DIR.\n`,
      );
      return 1;
    }
    throw error;
  }
  let url: string;
  try {
    url = await gateway.listen();
  } catch (error) {
    await gateway.shutdown();
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE') {
      io.err(
        `Port ${config.server.port} on ${config.server.host} is in use: stop the other process or set PORT.\n`,
      );
      return 1;
    }
    throw error;
  }
  // Handlers before the announcement: a supervisor that signals as soon as it reads it gets a drain.
  const stopped = untilStopped(gateway, logger, destination);
  // Only now that it listens: a start that fails must not use up the key it could not show.
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
        flags: repeatedFlags(values),
      },
    }),
  );
  await stopped;
  await destination.close(LOG_FLUSH_MS);
  return 0;
}

/** `switchyard config check`: validates the config and builds every adapter, without network calls. */
export async function configCheckCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: { ...OPTIONS, json: { type: 'boolean' } } });
  const config = loadConfig(configSource(io, values.config, overridesOf(values)));
  const adapters = await createProviderAdapters(config);
  const warnings = await unservedWarnings(config, adapters);
  for (const warning of warnings) io.err(`warning: ${warning}\n`);
  if (values.json) {
    io.out(`${JSON.stringify(redactedConfig(config), null, 2)}\n`);
    return 0;
  }
  io.out(
    `Configuration OK${config.source ? ` (${config.source})` : ' (no config file: defaults and environment)'}${warnings.length > 0 ? `, with ${warnings.length} warning${warnings.length === 1 ? '' : 's'} (above)` : ''}\n\n`,
  );
  io.out(`  listen   ${config.server.host}:${config.server.port}\n  data     ${config.server.dataDir}\n\n`);
  io.out(
    `${table(
      ['PROVIDER', 'TYPE', 'FROM', 'BASE URL', 'KEY', 'MODELS'],
      config.providers.map((p) => [
        p.name,
        p.preset ? `${p.type} (${p.preset})` : p.type,
        p.origin,
        p.baseURL ? redactUrl(p.baseURL) : '(default)',
        p.apiKey ? 'set' : '-',
        p.models ? p.models.join(', ') : p.discover ? '(discovered)' : '-',
      ]),
    )}\n`,
  );
  if (config.models.length > 0) {
    io.out(
      `\n${table(
        ['MODEL', 'STRATEGY', 'DEPLOYMENTS', 'ALIASES'],
        config.models.map((m) => [
          m.name,
          m.strategy,
          m.deployments
            .map(
              (d) => `${deploymentId(d.provider, d.model)}${m.strategy === 'weighted' ? `×${d.weight}` : ''}`,
            )
            .join(', '),
          m.aliases.join(', '),
        ]),
      )}\n`,
    );
  }
  return 0;
}
