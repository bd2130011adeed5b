import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  ADMIN_KEY,
  assertHealthy,
  type RunningGateway,
  removeDir,
  startGateway,
} from '../faults/support/harness.js';
import { fuzzHeavyRequests } from './properties.js';

let gateway: RunningGateway;

beforeAll(async () => {
  gateway = await startGateway({ env: { SWITCHYARD_ADMIN_KEY: ADMIN_KEY } });
  // The tokenizer's tables load in the background at start: the subject is the request.
  await assertHealthy(gateway, 'simulator/echo');
});

afterAll(async () => {
  await gateway?.stop();
  if (gateway) removeDir(gateway.dataDir);
});

describe('heavy requests under fuzzing, over HTTP against a gateway process (issue 22)', () => {
  it('one-character prompts up to 4 MB, n up to 128: 200, a bounded answer, /healthz responsive', async () => {
    await fuzzHeavyRequests(gateway.url, ADMIN_KEY, 8);
  }, 120_000);
});
