import { parseArgs } from 'node:util';
import { HONO_NODE_SERVER_VERSION, PORTKEY_VERSION } from './portkey.js';
import type { AnchorName, BenchAdmission, GatewayFrom, ProxyKind } from './targets.js';

export const HELP = `Usage: pnpm bench:gateway [options]

Side-by-side overhead benchmark: mock upstream, bare pass-through proxy and the gateway, each a
separate process on 127.0.0.1, loaded with wrk; results printed and saved under bench/results/.

Throughput (default):
  --rounds <n>            Interleaved rounds; medians are reported (default 3)
  --duration <s>          Seconds per wrk run (default 10)
  --concurrency <list>    wrk connections per run (default 8,32,64)
  --modes <list>          json, stream or both (default json,stream)
  --ttfb-requests <n>     Sequential stream requests per target for the TTFB probe (default 300)
  --threads <n>           wrk threads (default 1: the cores are shared with the targets)
  --quick                 Smoke run: 1 round, 3 s, 32 connections, 100 TTFB requests
  --label <name>          Result file bench/results/<date>-<label>.json (default quick|full)
  --no-save               Print only

Other modes:
  --soak                  2,000 concurrent slow streams (20 chunks/s) for 60 s through the gateway:
                          PASS if peak RSS < 300 MB and every stream arrives complete
  --soak-long             10-minute mixed soak (streams, cut streams, non-stream, bad requests):
                          RSS over time and its trend (linear regression)
    --soak-concurrency <n>  (default 2000; 500 for --soak-long)
    --soak-duration <s>     (default 60; 600 for --soak-long)
    --soak-chunks <n>       Content chunks per soak stream (default 200: 10 s streams)
    --soak-rss-limit <mb>   (default 300)
    --soak-ramp <s>         Clients start evenly over this many seconds (default 10), so that the
                            soak measures concurrent streams rather than a connection storm
    --soak-target <name>    gateway (default) or proxy: the same soak through the bare
                            pass-through proxy, the floor (--soak only)
  --profile               Gateway under --cpu-prof during a stream load and a non-stream load;
                          prints the top self-time functions (profiles in bench/results/profiles/)

Proxy:
  --proxy <bare|ledger>   The floor the gateway is compared with (default bare): the bare
                          pass-through proxy, or the same plus the least a gateway that keeps a
                          usage ledger must do (key hashed, body parsed, answer or every stream
                          event parsed for usage, one SQLite row per request); see ledger-proxy.ts

Anchor (throughput only):
  --anchor portkey        Also run Portkey's open-source gateway (@portkey-ai/gateway ${PORTKEY_VERSION}, with
                          @hono/node-server ${HONO_NODE_SERVER_VERSION}) as a target in front of the same mock, and
                          report gateway ÷ portkey req/s (goal ≥ 5×). Installed with npm on first use
                          into bench/.anchors/portkey/ (git-ignored), reused afterwards

Gateway:
  --gateway-from <dist|source>  The built CLI (default; what users run) or sources via tsx
  --no-build              Do not run the gateway's build before starting it
  --log-level <level>     The gateway's log level (default info, as shipped)
  --keep                  Keep the temp directory (logs, database, config)
  --admission <off|n>     The gateway's admission control: off (server.admission.enabled: false,
                          what an overload did before it) or n requests in flight at most
                          (server.admission.maxInFlight); default: as shipped
  --workers <n|auto>      switchyard start --workers: n processes on the port (default 1); the
                          gateway's CPU, RSS and starvation are summed over the primary and workers
`;

export interface Options {
  readonly mode: 'throughput' | 'soak' | 'soak-long' | 'profile';
  readonly quick: boolean;
  readonly rounds: number;
  readonly durationS: number;
  readonly concurrency: readonly number[];
  readonly modes: readonly ('json' | 'stream')[];
  readonly ttfbRequests: number;
  readonly threads: number;
  readonly label: string;
  readonly save: boolean;
  readonly soakConcurrency: number;
  readonly soakDurationS: number;
  readonly soakChunks: number;
  readonly soakRssLimitMb: number;
  readonly soakRampS: number;
  readonly soakTarget: 'gateway' | 'proxy';
  readonly proxy: ProxyKind;
  readonly gatewayFrom: GatewayFrom;
  readonly build: boolean;
  readonly logLevel: string;
  readonly keep: boolean;
  readonly admission: BenchAdmission;
  /** Another gateway run beside ours as a target (`--anchor`), or none. */
  readonly anchor: AnchorName | undefined;
  /** `switchyard start --workers` (default 1: no cluster). */
  readonly workers: string;
}

function positive(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag}: expected a positive number, got "${value}"`);
  return n;
}

function admissionOf(value: string | undefined): BenchAdmission {
  if (value === undefined) return 'default';
  if (value === 'off') return value;
  const limit = positive(value, '--admission');
  if (limit === undefined || !Number.isInteger(limit))
    throw new Error('--admission: expected off or a whole number');
  return limit;
}

function anchorOf(value: string | undefined, mode: Options['mode']): AnchorName | undefined {
  if (value === undefined) return undefined;
  if (value !== 'portkey') throw new Error(`--anchor: expected portkey, got "${value}"`);
  if (mode !== 'throughput')
    throw new Error('--anchor goes with the throughput run (not --soak, --soak-long or --profile)');
  return value;
}

function workersOf(value: string | undefined): string {
  if (value === undefined || value === 'auto') return value ?? '1';
  const n = positive(value, '--workers');
  if (n === undefined || !Number.isInteger(n)) throw new Error('--workers: expected auto or a whole number');
  return value;
}

function list(value: string, flag: string): number[] {
  return value.split(',').map((part) => positive(part.trim(), flag)!);
}

/** Parses the command line; throws on a mistake (the caller prints it with the help). */
export function parseOptions(argv: readonly string[]): Options | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      help: { type: 'boolean', short: 'h' },
      quick: { type: 'boolean' },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      concurrency: { type: 'string' },
      modes: { type: 'string' },
      'ttfb-requests': { type: 'string' },
      threads: { type: 'string' },
      label: { type: 'string' },
      'no-save': { type: 'boolean' },
      soak: { type: 'boolean' },
      'soak-long': { type: 'boolean' },
      'soak-concurrency': { type: 'string' },
      'soak-duration': { type: 'string' },
      'soak-chunks': { type: 'string' },
      'soak-rss-limit': { type: 'string' },
      'soak-ramp': { type: 'string' },
      'soak-target': { type: 'string' },
      proxy: { type: 'string' },
      profile: { type: 'boolean' },
      'gateway-from': { type: 'string' },
      'no-build': { type: 'boolean' },
      'log-level': { type: 'string' },
      keep: { type: 'boolean' },
      admission: { type: 'string' },
      anchor: { type: 'string' },
      workers: { type: 'string' },
    },
  });
  if (values.help) return 'help';
  const chosen = (['soak', 'soak-long', 'profile'] as const).filter((m) => values[m]);
  if (chosen.length > 1) throw new Error(`choose one of --${chosen.join(', --')}`);
  const mode = chosen[0] ?? 'throughput';
  const quick = values.quick === true;
  const modes = (values.modes ?? 'json,stream').split(',').map((m) => m.trim());
  for (const m of modes) if (m !== 'json' && m !== 'stream') throw new Error(`--modes: unknown mode "${m}"`);
  const from = values['gateway-from'] ?? 'dist';
  if (from !== 'dist' && from !== 'source') throw new Error('--gateway-from: expected dist or source');
  const long = mode === 'soak-long';
  const soakTarget = values['soak-target'] ?? 'gateway';
  if (soakTarget !== 'gateway' && soakTarget !== 'proxy')
    throw new Error('--soak-target: expected gateway or proxy');
  const proxy = values.proxy ?? 'bare';
  if (proxy !== 'bare' && proxy !== 'ledger') throw new Error('--proxy: expected bare or ledger');
  // The mixed soak's bad keys and bad requests need the gateway to refuse them.
  if (soakTarget === 'proxy' && mode !== 'soak') throw new Error('--soak-target proxy goes with --soak');
  const anchor = anchorOf(values.anchor, mode);
  return {
    mode,
    quick,
    rounds: Math.round(positive(values.rounds, '--rounds') ?? (quick ? 1 : 3)),
    durationS: positive(values.duration, '--duration') ?? (quick ? 3 : 10),
    concurrency: values.concurrency ? list(values.concurrency, '--concurrency') : quick ? [32] : [8, 32, 64],
    modes: modes as ('json' | 'stream')[],
    ttfbRequests: Math.round(positive(values['ttfb-requests'], '--ttfb-requests') ?? (quick ? 100 : 300)),
    threads: Math.round(positive(values.threads, '--threads') ?? 1),
    label: values.label ?? (mode === 'throughput' ? (quick ? 'quick' : 'full') : mode),
    save: values['no-save'] !== true,
    soakConcurrency: Math.round(
      positive(values['soak-concurrency'], '--soak-concurrency') ?? (long ? 500 : 2000),
    ),
    soakDurationS: positive(values['soak-duration'], '--soak-duration') ?? (long ? 600 : 60),
    soakChunks: Math.round(positive(values['soak-chunks'], '--soak-chunks') ?? 200),
    soakRssLimitMb: positive(values['soak-rss-limit'], '--soak-rss-limit') ?? 300,
    soakRampS: positive(values['soak-ramp'], '--soak-ramp') ?? 10,
    soakTarget,
    proxy,
    gatewayFrom: from,
    build: values['no-build'] !== true,
    logLevel: values['log-level'] ?? 'info',
    keep: values.keep === true,
    admission: admissionOf(values.admission),
    anchor,
    workers: workersOf(values.workers),
  };
}
