// `pnpm bench:gateway`: the gateway's overhead next to a bare proxy (see docs/performance.md).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileScripts } from './compile-scripts.js';
import { buildGateway, environment, formatLoad, saveResult } from './environment.js';
import { HELP, type Options, parseOptions } from './options.js';
import { AnchorInstallError } from './portkey.js';
import { installCleanup, loadAverage, removeOnExit, stopAll } from './processes.js';
import { renderProfile, runProfile } from './profile.js';
import { renderSoak, runSoak } from './soak.js';
import { runThroughput } from './throughput.js';
import { renderThroughput } from './throughput-report.js';

async function main(): Promise<number> {
  let options: Options | 'help';
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`bench:gateway: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  installCleanup();
  if (options.build) buildGateway(options.gatewayFrom);
  const env = environment();
  const runDir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  if (!options.keep) removeOnExit(runDir);
  compileScripts(runDir);
  process.stderr.write(
    `bench:gateway ${options.mode}: gateway from ${options.gatewayFrom}, ${options.proxy} proxy, commit ${env.commit}${env.dirty ? ' (+ uncommitted changes)' : ''}, node ${env.node}, ${formatLoad(env.loadAtStart, env.cpus)}\n`,
  );
  let exitCode = 0;
  try {
    let result: unknown;
    if (options.mode === 'throughput') {
      const throughput = await runThroughput(options, runDir);
      process.stdout.write(`${renderThroughput(throughput, options)}\n`);
      result = throughput;
    } else if (options.mode === 'profile') {
      const profile = await runProfile(options, runDir);
      process.stdout.write(`${renderProfile(profile)}\n`);
      result = profile;
    } else {
      const soak = await runSoak(options, runDir);
      process.stdout.write(`${renderSoak(soak)}\n`);
      if (!soak.pass) exitCode = 1;
      result = soak;
    }
    const loadAtEnd = loadAverage();
    process.stdout.write(
      `\nMachine: ${env.cpus} × ${env.cpuModel}; ${formatLoad(env.loadAtStart, env.cpus)} at start, ${formatLoad(loadAtEnd, env.cpus)} at the end\n`,
    );
    if (options.save) {
      const { mode, label } = options;
      const path = saveResult(label, { kind: mode, environment: env, options, loadAtEnd, result });
      process.stdout.write(`Saved ${path}\n`);
    }
  } finally {
    await stopAll();
    if (options.keep) process.stderr.write(`kept ${runDir}\n`);
  }
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    // A failed anchor install is the user's to fix by hand: its message says how, a stack would not.
    const text =
      error instanceof AnchorInstallError
        ? error.message
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error);
    process.stderr.write(`bench:gateway: ${text}\n`);
    await stopAll();
    process.exit(1);
  },
);
