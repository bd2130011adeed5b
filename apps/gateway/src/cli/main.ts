import { readFileSync } from 'node:fs';
import { ProtocolError } from '@switchyard/protocol';
import { ConfigError } from '../config/config-error.js';
import type { Io } from './admin-commands.js';
import { UsageError } from './cli-args.js';

const HELP = `Usage: switchyard <command> [options]

Commands:
  start                 Run the gateway (default 127.0.0.1:8787; PORT, HOST, SWITCHYARD_DATA_DIR)
    -c, --config <file>   Config file (YAML or JSON; default ./switchyard.yaml|yml|json if present)
    -p, --port <n>        Port (0 = any free port)     --host <addr>   Interface to listen on
    --data-dir <dir>      Where the SQLite database lives (default ./.switchyard)
    --workers <n|auto>    Processes serving the port (node:cluster; default 1; auto: one per core)
  keys create --name <name> [--models a,b] [--rpm n] [--tpm n] [--budget usd]
              [--period day|week|month|total] [--expires 30d|2026-12-31] [--admin] [--meta k=v]
                        Create an API key; prints it once
  keys list [--all]     List keys (never their secrets); --all includes revoked ones
  keys revoke <id>      Revoke a key, effective immediately
  usage [--since 7d] [--until <date>] [--key <id>] [--model <m>] [--group-by model|key|deployment|status]
                        Usage and cost from the ledger
  config check          Validate the configuration and show what it resolves to
  prices [model]        Which price applies to a model's deployments (or every configured one) and
                        where it comes from: the config's prices: or the bundled price catalogue

Every command takes --config, --data-dir and --json (machine-readable output).
Docs: docs/config.md and apps/gateway/README.md.
`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Runs `switchyard <argv>`; resolves with the exit code (0 ok, 1 failure, 2 bad usage or config). */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      // Commands load only what they use: `keys` and `usage` need no adapters or server.
      case 'start':
        return await (await import('./start-command.js')).startCommand(rest, io);
      case 'keys':
        return await (await import('./admin-commands.js')).keysCommand(rest, io);
      case 'usage':
        return await (await import('./admin-commands.js')).usageCommand(rest, io);
      case 'prices':
        return await (await import('./prices-command.js')).pricesCommand(rest, io);
      case 'config':
        if (rest[0] !== 'check') throw new UsageError('config: the only action is "check"');
        return await (await import('./start-command.js')).configCheckCommand(rest.slice(1), io);
      case '--version':
      case '-v':
        io.out(`${version()}\n`);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(HELP);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(`${error.message}\n`);
      return 2;
    }
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`switchyard: ${(error as Error).message}\n\n${HELP}`);
      return 2;
    }
    if (ProtocolError.isInstance(error)) {
      io.err(`switchyard: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
