import { afterAll, beforeAll, describe, it } from 'vitest';
import { ADMIN_KEY, type RunningGateway, removeDir, startGateway } from '../faults/support/harness.js';
import { fuzzModelNames, fuzzRequests, fuzzRoutes } from './properties.js';

let gateway: RunningGateway;

beforeAll(async () => {
  gateway = await startGateway({ env: { SWITCHYARD_ADMIN_KEY: ADMIN_KEY } });
});

afterAll(async () => {
  await gateway?.stop();
  if (gateway) removeDir(gateway.dataDir);
});

describe('the request schema under fuzzing, over HTTP against a gateway process', () => {
  it('never a 5xx, never a hang, every refusal an error envelope with message, type, param and code', async () => {
    await fuzzRequests(gateway.url, ADMIN_KEY, 400);
    const health = await gateway.fetch('/healthz', { key: null });
    if (health.status !== 200) throw new Error(`unhealthy after fuzzing: ${health.status}`);
  }, 60_000);

  it('every route, any method, path and body: never a 5xx, never a hang', async () => {
    await fuzzRoutes(gateway.url, ADMIN_KEY, 300);
  }, 60_000);

  it('made-up and huge model names keep /metrics and /readyz bounded', async () => {
    await fuzzModelNames(gateway.url, ADMIN_KEY, 200);
  }, 60_000);
});
