import { rmSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { launchChromium, storageScript } from './browser.js';
import { buildPlayground } from './build-playground.js';
import { type GatewayProcess, startGateway } from './gateway-process.js';

/** What a browser test file drives: the real gateway serving the build, and pages on it. */
export interface PlaygroundSession {
  readonly gateway: GatewayProcess;
  /**
   * A fresh browser context (empty localStorage, light theme, connected with `apiKey` or the admin
   * key; not connected when `apiKey` is `''`).
   */
  open(options?: {
    apiKey?: string;
    viewport?: { width: number; height: number };
    path?: string;
  }): Promise<{ page: Page; errors: string[]; requests: string[] }>;
}

/**
 * One build, one real gateway process (with `config`) and one browser for the whole test file,
 * registered as its beforeAll/afterAll; a fresh browser context per `open`.
 */
export function playgroundSession(
  config: Record<string, unknown> = {},
  gatewayOptions: Pick<Parameters<typeof startGateway>[0], 'adminKey' | 'logLevel'> = {},
): PlaygroundSession {
  let dist: string | undefined;
  let gateway: GatewayProcess | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    dist = await buildPlayground();
    [gateway, browser] = await Promise.all([
      startGateway({ playgroundDir: dist, config, ...gatewayOptions }),
      launchChromium(),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled(contexts.map((c) => c.close()));
    await browser?.close();
    await gateway?.stop();
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  return {
    get gateway() {
      if (!gateway) throw new Error('The gateway starts in beforeAll.');
      return gateway;
    },
    async open(options = {}) {
      if (!browser || !gateway) throw new Error('The browser starts in beforeAll.');
      const context = await browser.newContext({
        viewport: options.viewport ?? { width: 1280, height: 800 },
      });
      contexts.push(context);
      context.setDefaultTimeout(15_000);
      await context.addInitScript(
        storageScript({
          'switchyard.playground.connection.v1': {
            gatewayURL: '',
            apiKey: options.apiKey ?? gateway.adminKey,
          },
          'switchyard.playground.theme.v1': 'light',
        }),
      );
      const page = await context.newPage();
      // Uncaught errors, and console errors such as a content-security-policy violation.
      const errors: string[] = [];
      // The URL of every request the page makes, from the first.
      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => {
        // Failed requests are expected in the error scenarios; the page shows them itself.
        if (message.type() === 'error' && !/Failed to load resource/.test(message.text()))
          errors.push(message.text());
      });
      await page.goto(`${gateway.url}${options.path ?? '/'}`);
      await page.locator('[data-testid="connection-button"]:not([data-state="loading"])').waitFor();
      return { page, errors, requests };
    },
  };
}

/** Types `text` in the composer and sends it with the keyboard. */
export async function send(page: Page, text: string): Promise<void> {
  await page.locator('#composer-input').fill(text);
  await page.locator('#composer-input').press('Control+Enter');
}

/** The assistant answers in the active branch, once none is streaming. */
export async function settledAnswers(page: Page, count: number) {
  const answers = page.locator('[data-testid="message-assistant"]');
  await expect.poll(() => answers.count()).toBeGreaterThanOrEqual(count);
  await page
    .locator('[data-testid="message-assistant"][data-status="streaming"]')
    .first()
    .waitFor({ state: 'detached' });
  return answers;
}

/** The value of one metric of the last answer. */
export function metric(page: Page, name: string) {
  return page.locator(`[data-testid="answer-metrics"] [data-metric="${name}"] dd`).last();
}
