import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOT_GATEWAY_CONFIG } from '../scripts/screenshot-config.js';
import { browserMissing, launchChromium, storageScript } from './support/browser.js';
import { buildPlayground } from './support/build-playground.js';
import { type GatewayProcess, startGateway } from './support/gateway-process.js';
import { metric, send, settledAnswers } from './support/playground-session.js';

// The README's pictures are taken on this gateway: they must show what a fresh one shows.
describe.skipIf(browserMissing)(
  `the screenshot gateway shows what a fresh gateway shows${browserMissing ? ` (skipped: ${browserMissing})` : ''}`,
  () => {
    let work: string;
    let gateway: GatewayProcess;
    let browser: Browser;
    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), 'playground-screenshot-test-'));
      const dist = await buildPlayground(join(work, 'dist'));
      gateway = await startGateway({ playgroundDir: dist, config: SCREENSHOT_GATEWAY_CONFIG });
      browser = await launchChromium();
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      await gateway?.stop();
      rmSync(work, { recursive: true, force: true });
    });

    it('a simulator answer costs $0 in the chat and the usage history, as on a fresh gateway', async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      context.setDefaultTimeout(30_000);
      await context.addInitScript(
        storageScript({
          'switchyard.playground.connection.v1': { gatewayURL: '', apiKey: gateway.adminKey },
        }),
      );
      const page = await context.newPage();
      await page.goto(`${gateway.url}/#/`);
      await page.locator('[data-testid="connection-button"][data-state="ready"]').waitFor();
      await page.locator('#model-picker').selectOption('simulator/thinker');
      await send(page, 'Is Lisbon a good city for a long weekend in March?');
      await settledAnswers(page, 1);
      expect(await metric(page, 'cost').textContent()).toBe('$0');
      await page.goto(`${gateway.url}/#/usage`);
      const cost = page.getByTestId('usage-totals').locator('.tile', { hasText: 'Cost' }).locator('dd');
      await cost.waitFor();
      expect(await cost.textContent()).toBe('$0');
      await context.close();
    });
  },
);
