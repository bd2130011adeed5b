import { describe, expect, it } from 'vitest';
import { browserMissing } from './support/browser.js';
import { metric, playgroundSession, send, settledAnswers } from './support/playground-session.js';

// A first start: the gateway creates the admin key and prints it, with the playground link, in its
// banner. Every request is logged (info), so the test can see what reached the server's logs.
const session = playgroundSession({}, { adminKey: 'created', logLevel: 'info' });
const { open } = session;

describe.skipIf(browserMissing)(
  `connecting the playground${browserMissing ? ` (skipped: ${browserMissing})` : ''}`,
  () => {
    it('greets a first visit with a connect step, not an error, and connects with a pasted key', async () => {
      const { page, errors, requests } = await open({ apiKey: '' });
      const step = page.getByTestId('connect-step');
      await step.waitFor();
      expect(await step.textContent()).toMatch(/start banner/);
      expect(await page.getByTestId('error-notice').count()).toBe(0);
      const button = page.getByTestId('connection-button');
      expect(await button.getAttribute('data-state')).toBe('idle');
      expect(await button.locator('.dot').getAttribute('class')).not.toMatch(/dot--ok/);
      // Nothing was asked of the gateway without a key.
      expect(requests.filter((url) => url.includes('/v1/'))).toEqual([]);
      // While the models load, the dot is not green yet.
      let release = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      await page.route('**/v1/models', async (route) => {
        await held;
        await route.continue();
      });
      await step.getByLabel('API key').fill(session.gateway.adminKey);
      await step.getByRole('button', { name: 'Connect' }).click();
      await page.locator('[data-testid="connection-button"][data-state="loading"]').waitFor();
      expect(await button.locator('.dot').getAttribute('class')).not.toMatch(/dot--ok/);
      release();
      await page.locator('[data-testid="connection-button"][data-state="ready"]').waitFor();
      expect(await step.count()).toBe(0);
      expect(await page.getByTestId('error-notice').count()).toBe(0);
      expect(errors).toEqual([]);
    });

    it("opens connected from the start banner's link, and the key reaches no URL and no log", async () => {
      const { gateway } = session;
      const key = gateway.adminKey;
      const link = `${gateway.url}/#key=${encodeURIComponent(key)}`;
      const banner = gateway.output();
      expect(banner).toContain(`Open the playground connected with it:\n    ${link}`);
      const logged = banner.length;
      const { page, errors, requests } = await open({ apiKey: '', path: link.slice(gateway.url.length) });
      await page.locator('[data-testid="connection-button"][data-state="ready"]').waitFor();
      expect(page.url()).toBe(`${gateway.url}/`);
      expect(await page.evaluate(() => window.location.hash)).toBe('');
      expect(
        await page.evaluate(() => localStorage.getItem('switchyard.playground.connection.v1')),
      ).toContain(key);
      await send(page, 'Hello over the linked key');
      await settledAnswers(page, 1);
      expect(await page.getByTestId('answer-text').textContent()).toBe('Hello over the linked key');
      expect(requests.length).toBeGreaterThan(2);
      expect(requests.filter((url) => url.includes(key) || url.includes(encodeURIComponent(key)))).toEqual(
        [],
      );
      // The requests were logged (info), without the key.
      const logs = gateway.output().slice(logged);
      expect(logs).toMatch(/request finished/);
      expect(logs).not.toContain(key);
      expect(errors).toEqual([]);
    });

    it("the Usage tab uses the connection's key when it is an admin key, and says when it is not", async () => {
      const admin = await open({ path: '/#/usage' });
      await admin.page.getByTestId('usage-totals').waitFor();
      expect(await admin.page.getByTestId('usage-needs-admin-key').count()).toBe(0);
      const appKey = await session.gateway.createKey({ name: 'playground-connect-app' });
      const app = await open({ apiKey: appKey, path: '/#/usage' });
      await app.page.getByTestId('usage-needs-admin-key').waitFor();
      expect(await app.page.getByTestId('usage-needs-admin-key').textContent()).toMatch(/not an admin key/);
      expect(await app.page.getByTestId('error-notice').count()).toBe(0);
      await app.page.getByLabel('Admin key').fill(session.gateway.adminKey);
      await app.page.getByRole('button', { name: 'Load' }).click();
      await app.page.getByTestId('usage-totals').waitFor();
      expect(admin.errors).toEqual([]);
    });

    it('shows tokens/s only when it measures generation, not for an instant answer', async () => {
      const { page } = await open();
      await send(page, 'An instant answer from the simulator, all at once');
      await settledAnswers(page, 1);
      expect(await metric(page, 'tps').textContent()).toBe('—');
      // About a second of streaming: measurable even when a loaded machine delivers chunks in bursts.
      await send(page, `${'paced words '.repeat(12)}[simulate:tps=25]`);
      await settledAnswers(page, 2);
      const tps = Number(await metric(page, 'tps').textContent());
      expect(tps).toBeGreaterThan(10);
      expect(tps).toBeLessThan(200);
    });
  },
);
