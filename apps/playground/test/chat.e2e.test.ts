import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserMissing } from './support/browser.js';
import { playgroundSession, send, settledAnswers } from './support/playground-session.js';

// Simulated failures must neither be retried nor open the simulator's circuit breaker, which
// would fail the tests that follow them.
const session = playgroundSession({ routing: { retries: 0, breaker: { failureThreshold: 1000 } } });
const { open } = session;

/** The bodies of the chat requests the page sends from now on. */
function sentBodies(page: Page): { messages: { role: string; content: unknown }[] }[] {
  const bodies: { messages: { role: string; content: unknown }[] }[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/v1/chat/completions')) bodies.push(request.postDataJSON());
  });
  return bodies;
}

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

    it('leaves failed turns (429, 500, 401) out of the next request, and resends one that is retried', async () => {
      const { page } = await open();
      const bodies = sentBodies(page);
      const failed = page.locator('[data-testid="message-assistant"][data-status="error"]');
      for (const [index, prompt] of [
        '[simulate:error=rate_limit_exceeded]',
        '[simulate:error=server_error]',
        '[simulate:error=invalid_api_key]',
      ].entries()) {
        await send(page, prompt);
        await expect.poll(() => failed.count(), { timeout: 10_000 }).toBe(index + 1);
      }
      await send(page, 'after the failures');
      await settledAnswers(page, 4);
      expect(bodies.at(-1)?.messages).toEqual([{ role: 'user', content: 'after the failures' }]);
      // Retrying a failed answer sends its prompt again (and what came before it).
      await failed.nth(1).getByRole('button', { name: 'Re-run' }).click();
      await expect.poll(() => bodies.length).toBe(5);
      expect(bodies.at(-1)?.messages).toEqual([{ role: 'user', content: '[simulate:error=server_error]' }]);
    });

    it('renders Markdown safely, with highlighted code and copy buttons', async () => {
      const { page } = await open();
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
      // Single line breaks: the simulator's echo folds runs of whitespace into one space.
      const markdown = [
        '# Title',
        '| a | b |',
        '| --- | --- |',
        '| 1 | 2 |',
        '```ts',
        'const answer: number = 42;',
        '```',
        'Inline <img src="x" onerror="window.__xss = 1"><script>window.__xss = 2</script> [bad link](javascript:window.__xss=3) [good link](https://example.com/)',
        '- one',
        '- **two**',
      ].join('\n');
      await send(page, markdown);
      const answer = (await settledAnswers(page, 1)).last();
      const text = answer.getByTestId('answer-text');
      expect(await text.locator('h1').textContent()).toBe('Title');
      expect(await text.locator('li').allTextContents()).toEqual(['one', 'two']);
      expect(await text.locator('li strong').textContent()).toBe('two');
      expect(await text.locator('td').allTextContents()).toEqual(['1', '2']);
      const code = text.getByTestId('code-block');
      expect(await code.locator('code').textContent()).toBe('const answer: number = 42;');
      expect(await code.locator('.hljs-keyword').first().textContent()).toBe('const');
      // Raw HTML is shown as text, and nothing ran.
      expect(await text.locator('img, script').count()).toBe(0);
      expect(await text.textContent()).toContain('<script>window.__xss = 2</script>');
      expect(await text.locator('a', { hasText: 'bad link' }).getAttribute('href')).toBeNull();
      expect(await text.locator('a', { hasText: 'good link' }).getAttribute('rel')).toBe(
        'noopener noreferrer',
      );
      await page.waitForTimeout(100);
      expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
      // Copy the code block, then the whole message.
      await code.getByRole('button', { name: 'Copy code' }).click();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('const answer: number = 42;');
      await answer.getByRole('button', { name: 'Copy message' }).click();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(markdown);
    });

    it('usage: a Stop counts as a cancellation, not an error, and a failure is filed under the deployment that failed', async () => {
      const { gateway } = session;
      const chat = (body: object, signal?: AbortSignal) =>
        fetch(`${gateway.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${gateway.adminKey}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
          ...(signal ? { signal } : {}),
        });
      const failed = await chat({
        model: 'simulator/echo',
        messages: [{ role: 'user', content: 'fail [simulate:error=server_error]' }],
      });
      expect(failed.status).toBe(500);
      // A stream stopped by its client after the first chunk (the ledger's 499).
      const stop = new AbortController();
      const stream = await chat(
        {
          model: 'simulator/babble',
          stream: true,
          messages: [{ role: 'user', content: 'long [simulate:tps=5]' }],
        },
        stop.signal,
      );
      await stream.body?.getReader().read();
      stop.abort();
      const { page } = await open({ path: '/#/usage' });
      await page.getByLabel('Admin key').fill(gateway.adminKey);
      const count = async (label: string) =>
        Number(
          (
            await page
              .getByTestId('usage-totals')
              .locator('.tile', { hasText: label })
              .locator('dd')
              .textContent()
          )?.match(/^[\d,]+/)?.[0],
        );
      // The aborted stream's row is written once the gateway notices the client left.
      await expect
        .poll(
          async () => {
            await page.getByRole('button', { name: /Load|Refresh/ }).click();
            await page.getByTestId('usage-totals').waitFor();
            return count('Cancelled');
          },
          { timeout: 10_000 },
        )
        .toBeGreaterThanOrEqual(1);
      expect(await count('Errors')).toBeGreaterThanOrEqual(1);
      const rows = page
        .locator('figure', { hasText: 'Errors and cancellations by deployment' })
        .locator('tbody tr');
      const cells = async (deployment: string) =>
        rows
          .filter({ has: page.locator('th', { hasText: deployment }) })
          .locator('td')
          .allTextContents();
      expect(await rows.locator('th').allTextContents()).not.toContainEqual(expect.stringMatching(/^none/));
      expect((await cells('simulator/echo'))[0]).not.toBe('0%');
      expect(await cells('simulator/babble')).toEqual(['0%', '100%']);
    });

    it('"Export request" says it is the last request sent, and offers the next one with the draft', async () => {
      const { page } = await open();
      await send(page, 'first question');
      await settledAnswers(page, 1);
      await page.locator('#composer-input').fill('my draft');
      await page.getByRole('button', { name: 'Export request' }).click();
      const dialog = page.getByRole('dialog');
      const body = async () => {
        const code = (await dialog.getByTestId('export-code').textContent()) ?? '';
        return JSON.parse(code.slice(code.indexOf("-d '") + 4, code.lastIndexOf("'"))) as {
          messages: { role: string; content: string }[];
        };
      };
      expect(await dialog.getByTestId('export-note').textContent()).toMatch(/last request sent/i);
      expect((await body()).messages).toEqual([{ role: 'user', content: 'first question' }]);
      await dialog.getByRole('tab', { name: /Next request/ }).click();
      expect(await dialog.getByTestId('export-note').textContent()).toMatch(/draft/i);
      expect((await body()).messages).toEqual([
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: 'first question' },
        { role: 'user', content: 'my draft' },
      ]);
    });

    it('at phone width a message keeps its actions on one line, the rest in a "⋯" menu', async () => {
      const { page } = await open({ viewport: { width: 390, height: 844 } });
      await send(page, 'phone actions');
      const answer = (await settledAnswers(page, 1)).last();
      const row = answer.locator('.message__actions');
      const button = await answer.getByRole('button', { name: 'Edit' }).boundingBox();
      expect((await row.boundingBox())?.height).toBeLessThan((button?.height ?? 0) * 1.5);
      await answer.locator('summary.more-actions__toggle').click();
      await answer.getByRole('button', { name: 'Branch' }).click();
      // The branch is told apart in the sidebar: the mark first, and its size and time under it.
      const titles = page.locator('.conversation-item__title');
      expect(await titles.allTextContents()).toEqual(['Branch: phone actions', 'phone actions']);
      expect(await page.locator('.conversation-item__meta').first().textContent()).toMatch(/^2 messages · /);
    });

    it('Shift+Esc focuses the message box, from anywhere (after Ctrl+K too)', async () => {
      const { page } = await open();
      await page.keyboard.press('Control+k');
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('model-picker');
      await page.keyboard.press('Shift+Escape');
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('composer-input');
    });

    it('collapses a very long message, with a button to show it all', async () => {
      const { page } = await open();
      // Under the simulator's 4,096-token answer cap, so the echo holds every word.
      await send(page, 'word '.repeat(3000).trim());
      const answer = (await settledAnswers(page, 1)).last();
      const body = answer.getByTestId('message-body');
      expect((await body.boundingBox())?.height).toBeLessThan(500);
      await answer.getByRole('button', { name: 'Show all (3,000 words)' }).click();
      expect((await body.boundingBox())?.height).toBeGreaterThan(1000);
    }, 60_000);

    it('keeps the new answer in view after "Send result and continue"', async () => {
      const { page } = await open({ viewport: { width: 1280, height: 600 } });
      await page.locator('summary', { hasText: 'Tools' }).click();
      await page.getByRole('button', { name: 'Add a tool' }).click();
      await send(page, `What is the weather in Paris? ${'Some context. '.repeat(60)}`);
      await page.getByTestId('tool-call').waitFor();
      await page.getByLabel(/Result of get_weather/).fill(`{"sky": "${'cloudy '.repeat(80)}"}`);
      await page.getByRole('button', { name: 'Send result and continue' }).click();
      const answers = await settledAnswers(page, 2);
      await expect.poll(() => answers.last().getAttribute('data-status')).toBe('done');
      const metrics = answers.last().getByTestId('answer-metrics');
      const thread = await page.locator('.thread').boundingBox();
      await expect
        .poll(async () => (await metrics.boundingBox())?.y ?? Number.POSITIVE_INFINITY)
        .toBeLessThan((thread?.y ?? 0) + (thread?.height ?? 0));
    });

    it('the model picker can be searched, and Enter sends when asked to', async () => {
      const { page } = await open();
      await page.getByLabel('Search models').fill('thin');
      await expect.poll(() => page.locator('#model-picker').inputValue()).toBe('simulator/thinker');
      await page.getByLabel('Search models').fill('simulator');
      // echo, thinker, babble and embed (an embedding model: the gateway lists it like OpenAI's /v1/models does)
      expect(await page.locator('#model-picker option').count()).toBe(4);
      await page.getByLabel('Enter sends').check();
      await page.locator('#composer-input').fill('line one');
      await page.locator('#composer-input').press('Shift+Enter');
      await page.locator('#composer-input').press('Enter');
      await settledAnswers(page, 1);
      expect(await page.getByTestId('message-user').textContent()).toContain('line one');
      expect(await page.locator('#composer-input').inputValue()).toBe('');
    });
  },
);
