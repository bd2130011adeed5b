import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../apps/gateway/test/support/gateway-process.js';
import {
  eventually,
  metric,
  type RunningGateway,
  removeDir,
  startGateway,
} from '../faults/support/harness.js';
import {
  configFromDocs,
  deployDocSnippet,
  findNginx,
  freePort,
  type RunningNginx,
  startNginx,
} from './support/nginx-process.js';

/**
 * docs/deploy.md's nginx block, run as written (only its addresses changed) in front of two
 * gateway processes on loopback: the doc's claims about spreading, streaming and fail-over are
 * checked on every run, and the doc cannot drift from what is tested.
 */

const nginxBin = findNginx();
const required = process.env.SWITCHYARD_REQUIRE_SERVICES === '1';
if (!nginxBin && required)
  throw new Error('SWITCHYARD_REQUIRE_SERVICES=1 but nginx was not found (SWITCHYARD_NGINX)');
const skipNote = nginxBin
  ? ''
  : ' (skipped: nginx not found; install it or set SWITCHYARD_NGINX, e.g. scripts/services.sh up)';

const ADMIN_KEY = 'sk-sy-nginx-test-0123456789abcdef0123456789abcdef';
const REQUESTS = 20;

describe.skipIf(!nginxBin)(
  `docs/deploy.md's nginx config in front of two gateways${skipNote}`,
  { timeout: 60_000 },
  () => {
    let replicas: RunningGateway[] = [];
    let nginx: RunningNginx;
    let nginxDir: string | undefined;

    beforeAll(async () => {
      nginxDir = tempDir('switchyard-nginx-');
      replicas = await Promise.all(
        [0, 1].map(() => startGateway({ env: { SWITCHYARD_ADMIN_KEY: ADMIN_KEY } })),
      );
      const port = await freePort();
      const httpConfig = configFromDocs(
        deployDocSnippet(),
        replicas.map((replica) => new URL(replica.url).host),
        `127.0.0.1:${port}`,
      );
      nginx = await startNginx({ nginx: nginxBin!, dir: nginxDir, httpConfig, port, probePath: '/healthz' });
    });

    afterAll(async () => {
      await nginx?.stop();
      await Promise.all(replicas.map((replica) => replica.stop()));
      for (const replica of replicas) removeDir(replica.dataDir);
      if (nginxDir) removeDir(nginxDir);
    });

    const chat = (content: string, init: { stream?: boolean; signal?: AbortSignal } = {}) =>
      fetch(`${nginx.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'simulator/echo',
          stream: init.stream ?? false,
          messages: [{ role: 'user', content }],
        }),
        ...(init.signal ? { signal: init.signal } : {}),
      });

    /** Completed chat requests each replica counted itself. */
    const served = (replica: RunningGateway) =>
      metric(replica, 'switchyard_requests_total', { model: 'simulator/echo', status: '200' });

    it('spreads requests over both replicas', async () => {
      const before = await Promise.all(replicas.map(served));
      for (let i = 0; i < REQUESTS; i++) {
        const response = await chat(`hello ${i}`);
        expect(response.status).toBe(200);
        expect(((await response.json()) as { choices: unknown[] }).choices).toHaveLength(1);
      }
      const counts = (await Promise.all(replicas.map(served))).map(
        (after, i) => after - (before[i] as number),
      );
      expect(counts[0]! + counts[1]!).toBe(REQUESTS);
      expect(counts[0]).toBeGreaterThan(0);
      expect(counts[1]).toBeGreaterThan(0);
    });

    it('passes a stream through chunk by chunk: the first chunk arrives while the stream is still open', async () => {
      const controller = new AbortController();
      // The simulator sends one token, then holds the stream open until the client leaves: the
      // chunk can only reach the client if nginx does not wait for the end of the answer.
      const response = await chat('[simulate:stall] hello', { stream: true, signal: controller.signal });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      const reader = response.body!.getReader();
      let text = '';
      while (!text.includes('"content"')) {
        const { done, value } = await reader.read();
        if (done) throw new Error(`the stream ended before its first chunk: ${text}`);
        text += new TextDecoder().decode(value);
      }
      expect(text).not.toContain('[DONE]');
      const open = async () =>
        (await Promise.all(replicas.map((replica) => metric(replica, 'switchyard_inflight_streams')))).reduce(
          (a, b) => a + b,
        );
      expect(await open()).toBe(1);
      controller.abort();
      await eventually(async () => (await open()) === 0, 'the replica saw the client leave through nginx');
    });

    it('streams a whole answer to [DONE]', async () => {
      const response = await chat('one two three four five', { stream: true });
      const text = await response.text();
      expect(response.status).toBe(200);
      expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
      expect(text.split('\n\n').filter((frame) => frame.includes('"content"')).length).toBeGreaterThan(1);
    });

    it('fails over when a replica is killed: every request still succeeds', async () => {
      const [survivor, victim] = replicas as [RunningGateway, RunningGateway];
      await victim.stop('SIGKILL');
      const before = await served(survivor);
      const statuses: number[] = [];
      for (let i = 0; i < REQUESTS; i++) statuses.push((await chat(`after the crash ${i}`)).status);
      const stream = await chat('still streaming', { stream: true });
      expect(await stream.text()).toContain('data: [DONE]');
      expect(statuses).toEqual(Array(REQUESTS).fill(200));
      expect((await served(survivor)) - before).toBe(REQUESTS + 1);
    });
  },
);
