/**
 * The gateway the README screenshots are taken on: a fresh gateway as `pnpm start` makes one (no
 * prices, so simulator answers cost $0, as a user sees them), with the simulator models slowed to
 * realistic speeds and 24 hours of synthetic history in its ledger for the usage charts.
 */
// The gateway's public entry point, by path: a package dependency would make the workspace
// graph cyclic as soon as the gateway depends on the playground build.
import { createLogger, Gateway, resolveConfig, SecretScrubber } from '../../gateway/src/index.js';

/** The admin key of the screenshot gateway. */
export const ADMIN_KEY = 'sk-sy-screenshots-admin-key-0001';
const MODELS = ['simulator/echo', 'simulator/thinker', 'simulator/babble'] as const;

/** A small deterministic PRNG, so every run draws the same synthetic traffic. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/** Starts the gateway on loopback and a free port, serving the playground build in `playground`. */
export async function startScreenshotGateway(
  dataDir: string,
  playground: string,
): Promise<{ gateway: Gateway; url: string }> {
  const config = resolveConfig({
    file: {
      server: { playground },
      providers: { simulator: { type: 'simulator', options: { ttftMs: 240, tokensPerSecond: 70 } } },
      logging: { level: 'warn' },
    },
    env: { SWITCHYARD_ADMIN_KEY: ADMIN_KEY },
    cwd: dataDir,
    overrides: { host: '127.0.0.1', port: 0, dataDir },
  });
  const scrubber = new SecretScrubber();
  const logger = createLogger({ level: 'warn', scrubber });
  const gateway = await Gateway.create({ config, logger, scrubber });
  return { gateway, url: await gateway.listen() };
}

/** Creates an API key through the admin API. */
export async function createKey(url: string, name: string): Promise<{ id: string; secret: string }> {
  const response = await fetch(`${url}/admin/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, rpm: 600 }),
  });
  if (response.status !== 201) throw new Error(`key creation failed: ${await response.text()}`);
  return (await response.json()) as { id: string; secret: string };
}

/**
 * 24 hours of plausible traffic: a daily curve, three models, three keys, a few failures and
 * cancellations. It costs what simulator traffic costs on a fresh gateway: nothing.
 */
export function backfill(gateway: Gateway, keyIds: string[]): void {
  const next = random(42);
  const now = Date.now();
  for (let hour = 24; hour >= 1; hour--) {
    const start = now - hour * 3_600_000;
    const daytime = 0.55 + 0.45 * Math.sin(((new Date(start).getHours() - 8) / 24) * 2 * Math.PI);
    const count = Math.round(6 + 30 * daytime + next() * 8);
    for (let i = 0; i < count; i++) {
      const model = MODELS[Math.floor(next() ** 1.4 * MODELS.length)] ?? 'simulator/echo';
      const keyId = keyIds[Math.floor(next() ** 1.2 * keyIds.length)] ?? null;
      const thinker = model === 'simulator/thinker';
      const failed = next() < (model === 'simulator/babble' ? 0.06 : 0.015);
      const cancelled = !failed && next() < 0.03;
      const prompt = Math.round(200 + next() * 1800);
      const completion = failed ? 0 : Math.round(40 + next() * (thinker ? 900 : 400));
      const reasoning = thinker && !failed ? Math.round(completion * 0.4) : 0;
      const ttft = Math.round((thinker ? 600 : 180) * (0.7 + next() * next() * 3));
      const latency = failed
        ? Math.round(ttft * 0.5)
        : ttft + Math.round((completion / 70) * 1000 * (0.8 + next() * 0.5));
      gateway.accounting.store.appendLedger({
        id: `backfill-${hour}-${i}`,
        ts: start + Math.floor(next() * 3_600_000),
        requestId: `req_backfill_${hour}_${i}`,
        keyId,
        model,
        deployment: model,
        promptTokens: prompt,
        completionTokens: completion,
        cachedTokens: 0,
        reasoningTokens: reasoning,
        cost: 0,
        usageEstimated: false,
        latencyMs: latency,
        ttftMs: failed ? null : ttft,
        // A few streams stopped by their user (499): cancellations, shown apart from errors.
        status: failed ? (next() < 0.5 ? 429 : 502) : cancelled ? 499 : 200,
        errorCode: failed ? 'upstream_error' : cancelled ? 'aborted' : null,
        stream: true,
        cached: false,
      });
    }
  }
}
