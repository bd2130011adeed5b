import { describe, expect, it } from 'vitest';
import { browserMissing } from './support/browser.js';
import { playgroundSession, send, settledAnswers } from './support/playground-session.js';

const { open } = playgroundSession();

const SLOW = `${'slow words '.repeat(40)}[simulate:tps=15]`;

describe.skipIf(browserMissing)(
  `chatting in the playground, in a real browser against a real gateway${browserMissing ? ` (skipped: ${browserMissing})` : ''}`,
  () => {
    it('a mouse click on Stop only stops: the draft typed meanwhile stays in the composer', async () => {
      const { page } = await open();
      await send(page, SLOW);
      const streaming = page.locator('[data-testid="message-assistant"][data-status="streaming"]');
      await streaming.getByTestId('answer-text').waitFor();
      await page.locator('#composer-input').fill('a draft, not to be sent yet');
      await page.getByRole('button', { name: /^Stop/ }).click();
      await page.locator('[data-testid="message-assistant"][data-status="stopped"]').waitFor();
      // Give a wrongly submitted form the time to start a second turn.
      await page.waitForTimeout(300);
      expect(await page.getByTestId('message-user').count()).toBe(1);
      expect(await page.getByTestId('message-assistant').count()).toBe(1);
      expect(await page.locator('#composer-input').inputValue()).toBe('a draft, not to be sent yet');
      // With an empty composer, no "Type a message first." either.
      await send(page, SLOW);
      await streaming.getByTestId('answer-text').waitFor();
      await page.getByRole('button', { name: /^Stop/ }).click();
      await expect.poll(() => page.locator('[data-status="stopped"]').count()).toBe(2);
      await page.waitForTimeout(300);
      expect(await page.locator('.toast').count()).toBe(0);
      expect(await page.getByTestId('message-user').count()).toBe(2);
    });
  },
);
