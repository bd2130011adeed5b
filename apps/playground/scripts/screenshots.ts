/**
 * Screenshots of the main views, light and dark, desktop (1280×800) and phone (390×844), saved
 * under docs/. Run with `pnpm --filter @switchyard/playground screenshots`.
 *
 * It builds the playground, runs a gateway in this process (its public API, from source) as a fresh
 * `pnpm start` makes one (no prices: simulator answers cost $0) with the simulator models slowed to
 * realistic speeds, backfills its ledger with 24 hours of synthetic traffic so the usage charts have
 * history, and drives Debian's chromium through real requests (see screenshot-gateway.ts).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, storageScript } from '../test/support/browser.js';
import { buildPlayground, PACKAGE_DIR } from '../test/support/build-playground.js';
import { ADMIN_KEY, backfill, createKey, startScreenshotGateway } from './screenshot-gateway.js';

const DOCS = join(PACKAGE_DIR, 'docs');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
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
  const { gateway, url } = await startScreenshotGateway(join(work, 'data'), dist);
  let browser: Browser | undefined;
  try {
    const keys = await Promise.all(['web-app', 'batch-jobs', 'notebook'].map((name) => createKey(url, name)));
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
    await gateway.shutdown();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
