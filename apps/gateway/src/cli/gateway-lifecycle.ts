import type pino from 'pino';
import type { StdoutDestination } from '../logging/stdout-destination.js';
import { type CreateGatewayOptions, Gateway } from '../server/create-gateway.js';
import type { Io } from './admin-commands.js';

/** After draining, how long the log destination may take to write what it holds before it is dropped. */
export const LOG_FLUSH_MS = 2_000;

/**
 * Calls `stop` on a first SIGTERM/SIGINT; a second signal exits 1 at once, its log line written
 * only if stdout takes it without waiting.
 */
export function onStopSignal(
  logger: pino.Logger,
  destination: StdoutDestination,
  stop: (signal: NodeJS.Signals) => void,
  signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'],
): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) {
      if (destination.writable) logger.warn({ signal }, 'second signal: exiting without draining');
      destination.abandon();
      process.exit(1);
    }
    stopping = true;
    stop(signal);
  };
  for (const signal of signals) process.on(signal, handle);
}

/** Resolves once `gateway` has drained (logged as `shutdown failed` if it threw). */
export function drain(gateway: Gateway, logger: pino.Logger): Promise<void> {
  return gateway.shutdown().catch((error: unknown) => {
    logger.error({ error: String(error) }, 'shutdown failed');
  });
}

/**
 * Builds the gateway and listens; a data directory or a port it cannot use is said on stderr
 * (exit code 1).
 */
export async function openGateway(
  options: CreateGatewayOptions,
  io: Io,
): Promise<{ gateway: Gateway; url: string } | number> {
  const { config } = options;
  let gateway: Gateway;
  try {
    gateway = await Gateway.create(options);
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
  try {
    return { gateway, url: await gateway.listen() };
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
}
