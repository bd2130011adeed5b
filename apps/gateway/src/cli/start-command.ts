import cluster from 'node:cluster';
import { parseArgs } from 'node:util';
import type pino from 'pino';
import { runPrimary } from '../cluster/cluster-primary.js';
import { runWorker } from '../cluster/cluster-worker.js';
import { type ConfigOverrides, loadConfig, redactedConfig, redactUrl } from '../config/index.js';
import { parseWorkers, WORKERS_EXPECTED } from '../config/worker-count.js';
import { createLogger, SecretScrubber } from '../logging/create-logger.js';
import { StdoutDestination } from '../logging/stdout-destination.js';
import { createProviderAdapters } from '../providers/create-provider-adapters.js';
import { deploymentId } from '../routing/deployment.js';
import type { Gateway } from '../server/create-gateway.js';
import { configSource, type Io } from './admin-commands.js';
import { announceStart } from './announce-start.js';
import { parsePositive, table, UsageError } from './cli-args.js';
import { drain, LOG_FLUSH_MS, onStopSignal, openGateway } from './gateway-lifecycle.js';
import { unservedWarnings } from './unserved-warnings.js';

function overridesOf(values: {
  host?: string | undefined;
  port?: string | undefined;
  'data-dir'?: string | undefined;
  workers?: string | undefined;
}): ConfigOverrides {
  const port =
    values.port === undefined ? undefined : values.port === '0' ? 0 : parsePositive(values.port, '--port');
  const workers = values.workers === undefined ? undefined : parseWorkers(values.workers);
  if (values.workers !== undefined && workers === undefined)
    throw new UsageError(`--workers: expected ${WORKERS_EXPECTED}, got "${values.workers}"`);
  return {
    ...(values.host ? { host: values.host } : {}),
    ...(port === undefined ? {} : { port }),
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    ...(workers === undefined ? {} : { workers }),
  };
}

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  host: { type: 'string' },
  port: { type: 'string', short: 'p' },
  'data-dir': { type: 'string' },
} as const;

const START_OPTIONS = { ...OPTIONS, workers: { type: 'string' } } as const;

/** Resolves once a first SIGTERM/SIGINT has drained the gateway. */
function untilStopped(gateway: Gateway, logger: pino.Logger, destination: StdoutDestination): Promise<void> {
  return new Promise<void>((resolve) => {
    onStopSignal(logger, destination, (signal) => {
      logger.info({ signal }, 'shutting down');
      void drain(gateway, logger).then(resolve);
    });
  });
}

/**
 * `switchyard start`: runs the gateway until SIGTERM/SIGINT, then drains and exits 0; a second
 * signal exits 1 at once, whatever stdout is doing. JSON logs go to stdout (a destination that
 * does not take them within a bound loses the rest at exit); the start banner (with a newly
 * created admin key, once) goes to stderr. With `--workers N` (N > 1), this process is the
 * cluster's primary and N workers serve (see `cluster/`).
 */
export async function startCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: START_OPTIONS });
  const config = loadConfig(configSource(io, values.config, overridesOf(values)));
  const scrubber = new SecretScrubber();
  const destination = new StdoutDestination();
  const logger = createLogger({
    level: config.logging.level,
    redact: config.logging.redact,
    scrubber,
    destination: destination.stream,
  });
  if (config.server.workers > 1) {
    const run = cluster.isPrimary ? runPrimary : runWorker;
    const code = await run({ config, logger, scrubber, destination, io, flags: values });
    await destination.close(LOG_FLUSH_MS);
    return code;
  }
  const opened = await openGateway({ config, logger, scrubber, deferAdminKey: true }, io);
  if (typeof opened === 'number') return opened;
  const { gateway, url } = opened;
  // Handlers before the announcement: a supervisor that signals as soon as it reads it gets a drain.
  const stopped = untilStopped(gateway, logger, destination);
  await announceStart({ gateway, url, logger, io, flags: values });
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
