/**
 * Long fuzzing run, outside CI: the same properties as the CI tests with many more cases.
 *
 *   node --conditions=@switchyard/source --import tsx test/fuzz/run-long.ts [--runs 20000] [--seed n]
 *                                          [--url http://127.0.0.1:8787 --key sk-sy-…]
 *
 * Without --url it starts a gateway process from source (simulator models, temp data dir).
 * A failure prints fast-check's report with the seed and the shrunk counterexample; rerun with
 * that --seed to reproduce it.
 */
import { parseArgs } from 'node:util';
import { ADMIN_KEY, type RunningGateway, removeDir, startGateway } from '../faults/support/harness.js';
import {
  fuzzDecoder,
  fuzzHeavyRequests,
  fuzzModelNames,
  fuzzRequests,
  fuzzRoundTrip,
  fuzzRoutes,
} from './properties.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20000' },
    seed: { type: 'string' },
    url: { type: 'string' },
    key: { type: 'string' },
  },
});
const runs = Number(values.runs);
const seed = values.seed === undefined ? Date.now() % 2_147_483_647 : Number(values.seed);

async function timed(name: string, run: () => Promise<void>): Promise<void> {
  const started = performance.now();
  await run();
  console.log(`${name}: ${runs} cases passed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

console.log(`fuzzing with ${runs} cases per property, seed ${seed}`);
let gateway: RunningGateway | undefined;
let failed = false;
try {
  await timed('decodeSSE, arbitrary bytes', () => fuzzDecoder(runs, seed));
  await timed('decodeSSE, round trip', () => fuzzRoundTrip(runs, seed));
  let url = values.url;
  let key = values.key ?? ADMIN_KEY;
  if (!url) {
    gateway = await startGateway({ env: { SWITCHYARD_ADMIN_KEY: ADMIN_KEY } });
    url = gateway.url;
    key = ADMIN_KEY;
  }
  await timed(`request schema over HTTP (${url})`, () => fuzzRequests(url, key, runs, seed));
  await timed(`routes, methods and paths over HTTP (${url})`, () => fuzzRoutes(url, key, runs, seed));
  await timed(`made-up model names over HTTP (${url})`, () => fuzzModelNames(url, key, runs, seed));
  // Each heavy case sends up to 4 MB: a hundredth of the runs.
  await timed(`heavy requests over HTTP (${url})`, () =>
    fuzzHeavyRequests(url, key, Math.max(10, Math.floor(runs / 100)), seed),
  );
} catch (error) {
  failed = true;
  console.error(error instanceof Error ? error.message : error);
} finally {
  if (gateway) {
    await gateway.stop();
    removeDir(gateway.dataDir);
  }
}
process.exit(failed ? 1 : 0);
