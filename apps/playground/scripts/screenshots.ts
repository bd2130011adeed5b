/**
 * Screenshots of the main views, light and dark, desktop (1280×800) and phone (390×844), saved
 * under docs/. Run with `pnpm --filter @switchyard/playground screenshots`.
 *
 * It builds the playground, starts a gateway process (its CLI, as the browser tests do) with the
 * simulator models slowed to realistic speeds, backfills its ledger (the SQLite file in its data
 * directory) with 24 hours of synthetic traffic so the usage charts have history, and drives
 * Debian's chromium through real requests.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, storageScript } from '../test/support/browser.js';
import { buildPlayground, PACKAGE_DIR } from '../test/support/build-playground.js';
import { type GatewayProcess, startGateway } from '../test/support/gateway-process.js';
import { HISTORY_MODELS, SCREENSHOT_GATEWAY_CONFIG } from './screenshot-config.js';

const DOCS = join(PACKAGE_DIR, 'docs');
const ADMIN_KEY = 'sk-sy-screenshots-admin-key-0001';
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/** A small deterministic PRNG, so every run draws the same synthetic traffic. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

async function createKey(gateway: GatewayProcess, name: string): Promise<{ id: string; secret: string }> {
  const response = await gateway.admin('/admin/keys', {
    method: 'POST',
    body: JSON.stringify({ name, rpm: 600 }),
  });
  if (response.status !== 201) throw new Error(`key creation failed: ${await response.text()}`);
  return (await response.json()) as { id: string; secret: string };
}

/** 24 hours of plausible traffic: a daily curve, three models, three keys, a few failures. */
function backfill(gateway: GatewayProcess, keyIds: string[]): void {
  // The ledger's columns as docs/config.md's `switchyard.db` holds them; the gateway reads the rows
  // back for its usage API. WAL mode lets this second connection write while the gateway runs.
  const db = new Database(join(gateway.dataDir, 'switchyard.db'));
  db.pragma('busy_timeout = 5000');
  const insert = db.prepare(
    `INSERT INTO ledger (id, ts, request_id, key_id, model, deployment, prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, cost, latency_ms, ttft_ms, status, error_code, stream, cached)
     VALUES (@id, @ts, @requestId, @keyId, @model, @deployment, @promptTokens, @completionTokens, @cachedTokens, @reasoningTokens, @cost, @latencyMs, @ttftMs, @status, @errorCode, @stream, @cached)`,
  );
  db.transaction(() => insertTraffic(insert, keyIds))();
  db.close();
}

function insertTraffic(insert: Database.Statement, keyIds: string[]): void {
  const next = random(42);
  const now = Date.now();
  const models = HISTORY_MODELS;
  for (let hour = 24; hour >= 1; hour--) {
    const start = now - hour * 3_600_000;
    const daytime = 0.55 + 0.45 * Math.sin(((new Date(start).getHours() - 8) / 24) * 2 * Math.PI);
    const count = Math.round(6 + 30 * daytime + next() * 8);
    for (let i = 0; i < count; i++) {
      const model = models[Math.floor(next() ** 1.4 * models.length)] as (typeof HISTORY_MODELS)[number];
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
      insert.run({
        id: `backfill-${hour}-${i}`,
        ts: start + Math.floor(next() * 3_600_000),
        requestId: `req_backfill_${hour}_${i}`,
        keyId,
        model,
        deployment: model,
        promptTokens: prompt,
        completionTokens: completion,
        cachedTokens: 0,
        cacheWriteTokens: 0,
        reasoningTokens: reasoning,
        // What a fresh gateway charges for the simulator: nothing.
        cost: 0,
        latencyMs: latency,
        ttftMs: failed ? null : ttft,
        // A few streams stopped by their user (499): cancellations, shown apart from errors.
        status: failed ? (next() < 0.5 ? 429 : 502) : cancelled ? 499 : 200,
        errorCode: failed ? 'upstream_error' : cancelled ? 'aborted' : null,
        stream: 1,
        cached: 0,
      });
    }
  }
}

async function send(page: Page, text: string): Promise<void> {
  await page.locator('#composer-input').fill(text);
  await page.locator('#composer-input').press('Control+Enter');
  await page.locator('[data-testid="message-assistant"]').last().waitFor();
  await page.locator('[data-status="streaming"]').first().waitFor({ state: 'detached', timeout: 60_000 });
}

async function newChat(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'New chat', exact: true }).click();
}

/** Builds the conversations the screenshots show, through the UI, with real requests. */
async function stageConversations(page: Page): Promise<void> {
  const settings = page.locator('#settings-panel');
  // Compare: three models side by side.
  await page.getByLabel('Compare with other models').check();
  await page.getByLabel('Second model').selectOption('simulator/thinker');
  await page.getByRole('button', { name: 'Add a third model' }).click();
  await page.getByLabel('Third model').selectOption('simulator/babble');
  await send(page, 'Explain what an API gateway does, in two sentences.');
  await page.getByLabel('Compare with other models').uncheck();

  // JSON Schema.
  await newChat(page);
  await settings.locator('summary', { hasText: 'Response format' }).click();
  await page.getByRole('radio', { name: 'JSON Schema' }).check();
  await page.getByLabel('Schema name').fill('city');
  await send(page, 'Give me a city, its country and population.');

  // The main chat: reasoning, then a tool call answered with the canned result.
  await newChat(page);
  await page.getByRole('radio', { name: 'Text' }).check();
  await page.locator('#model-picker').selectOption('simulator/thinker');
  await page.getByLabel('Thinking').selectOption('enabled');
  await page.getByLabel('System prompt').fill('You are a concise travel assistant.');
  await page.getByLabel('Temperature').fill('0.7');
  await send(page, 'Is Lisbon a good city for a long weekend in March?');
  await settings.locator('summary', { hasText: 'Tools' }).click();
  await page.getByRole('button', { name: 'Add a tool' }).click();
  await page.getByLabel('Thinking').selectOption('disabled');
  await send(page, 'And what is the weather in Lisbon right now?');
  await page.getByRole('button', { name: 'Send result and continue' }).click();
  await page.locator('[data-testid="message-assistant"]').nth(2).waitFor();
  await page.locator('[data-status="streaming"]').first().waitFor({ state: 'detached', timeout: 60_000 });
}

/** Opens the conversation with this title from the list (in its drawer on narrow screens). */
async function openChat(page: Page, title: RegExp): Promise<void> {
  if (!page.url().endsWith('#/')) await page.goto(page.url().replace(/#.*$/, '#/'));
  const list = page.locator('#chats-panel');
  const drawer = page.getByRole('button', { name: 'Chats', exact: true });
  if (await drawer.isVisible()) await drawer.click();
  await list.locator('.conversation-item__open', { hasText: title }).click();
  await page.locator('[data-testid="message-assistant"]').first().waitFor();
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(250);
  await page.screenshot({ path: join(DOCS, `${name}.png`) });
  console.log(`  docs/${name}.png`);
}

async function capture(
  browser: Browser,
  state: Awaited<ReturnType<BrowserContext['storageState']>>,
  url: string,
) {
  for (const theme of ['light', 'dark'] as const) {
    for (const [device, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      const context = await browser.newContext({ viewport, storageState: state, deviceScaleFactor: 1 });
      context.setDefaultTimeout(60_000);
      await context.addInitScript(storageScript({ 'switchyard.playground.theme.v1': theme }));
      const page = await context.newPage();
      await page.goto(`${url}/#/`);
      await page.locator('[data-testid="connection-button"][data-state="ready"]').waitFor();
      const suffix = `${device}-${theme}`;

      await openChat(page, /Lisbon a good city/);
      if (device === 'desktop') {
        await page
          .locator('[data-testid="reasoning"]')
          .first()
          .evaluate((el) => el.setAttribute('open', ''));
        await page.locator('.thread').evaluate((el) => el.scrollTo(0, 0));
      }
      await shoot(page, `chat-${suffix}`);
      if (device === 'phone') {
        await page.getByRole('button', { name: 'Settings' }).click();
        await shoot(page, `settings-${suffix}`);
        await page.keyboard.press('Escape');
      }
      if (device === 'desktop') {
        await openChat(page, /API gateway does/);
        await shoot(page, `compare-${suffix}`);
        await openChat(page, /Give me a city/);
        await page.locator('#settings-panel').evaluate((el) => el.scrollTo(0, el.scrollHeight));
        await shoot(page, `json-schema-${suffix}`);
        await page.locator('summary.more-actions__toggle').last().click();
        await page.getByRole('button', { name: 'Export', exact: true }).last().click();
        await page.getByRole('tab', { name: 'TypeScript' }).click();
        await shoot(page, `export-${suffix}`);
        await page.keyboard.press('Escape');
      }
      await page.goto(`${url}/#/usage`);
      await page.getByLabel('Admin key').fill(ADMIN_KEY);
      await page.getByRole('button', { name: 'Load' }).click();
      await page.getByTestId('usage-totals').waitFor();
      await shoot(page, `usage-${suffix}`);
      await context.close();
    }
  }
}

async function main(): Promise<void> {
  mkdirSync(DOCS, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'playground-screenshots-'));
  console.log('building the playground…');
  const dist = await buildPlayground(join(work, 'dist'));
  const gateway = await startGateway({
    playgroundDir: dist,
    adminKey: ADMIN_KEY,
    config: SCREENSHOT_GATEWAY_CONFIG,
  });
  const { url } = gateway;
  let browser: Browser | undefined;
  try {
    const keys = await Promise.all(
      ['web-app', 'batch-jobs', 'notebook'].map((name) => createKey(gateway, name)),
    );
    backfill(
      gateway,
      keys.map((key) => key.id),
    );
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: DESKTOP });
    context.setDefaultTimeout(60_000);
    await context.addInitScript(
      storageScript({ 'switchyard.playground.connection.v1': { gatewayURL: '', apiKey: keys[0]?.secret } }),
    );
    const page = await context.newPage();
    await page.goto(`${url}/#/`);
    await page.locator('[data-testid="connection-button"][data-state="ready"]').waitFor();
    console.log('making real requests…');
    await stageConversations(page);
    // The playground saves shortly after each change.
    await page.waitForTimeout(1_000);
    const state = await context.storageState();
    await context.close();
    console.log('taking screenshots:');
    await capture(browser, state, url);
  } finally {
    await browser?.close();
    await gateway.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
