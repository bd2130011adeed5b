import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserMissing } from './support/browser.js';
import { metric, playgroundSession, send, settledAnswers } from './support/playground-session.js';

const run = promisify(execFile);
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  help: string;
  nodes: { target: string[] }[];
}

/** WCAG 2.1 A/AA violations axe-core finds on the page as it is now (injected over CDP, so CSP allows it). */
async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run: (context: Document, options: object) => Promise<{ violations: unknown[] }> };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations;
  });
  return (violations as AxeViolation[]).map(
    (v) =>
      `${v.id}: ${v.help} (${v.nodes
        .map((n) => n.target.join(' '))
        .slice(0, 3)
        .join(', ')})`,
  );
}

const session = playgroundSession({
  prices: {
    'simulator/echo': { input: 2, output: 8 },
    'simulator/thinker': { input: 3, output: 15 },
    'simulator/babble': { input: 1, output: 4 },
  },
});
const { open } = session;

describe.skipIf(browserMissing)(
  `the playground in a real browser, against a real gateway${browserMissing ? ` (skipped: ${browserMissing})` : ''}`,
  () => {
    it('streams an answer and shows its metrics, cost, deployment and request id', async () => {
      const { page, errors } = await open();
      await send(page, 'Hello from the browser test');
      const answer = (await settledAnswers(page, 1)).last();
      await expect.poll(() => answer.getAttribute('data-status')).toBe('done');
      expect(await answer.getByTestId('answer-text').textContent()).toBe('Hello from the browser test');
      expect(await metric(page, 'ttft').textContent()).toMatch(/^\d+ ms$|^\d+\.\d+ s$/);
      expect(await metric(page, 'latency').textContent()).toMatch(/ms|s$/);
      // An instant simulator answer: too fast for a tokens/s figure to mean anything.
      expect(await metric(page, 'tps').textContent()).toBe('—');
      expect(Number(await metric(page, 'prompt').textContent())).toBeGreaterThan(0);
      expect(Number(await metric(page, 'completion').textContent())).toBeGreaterThan(0);
      expect(await metric(page, 'cost').textContent()).toMatch(/^\$0\.0*[1-9]\d?$/);
      expect(await metric(page, 'finish').textContent()).toBe('stop');
      expect(await metric(page, 'deployment').textContent()).toBe('simulator/echo');
      expect(await metric(page, 'request-id').locator('code').textContent()).toMatch(/\S{8,}/);
      // The conversation survives a reload (localStorage).
      await page.reload();
      await page.getByTestId('answer-text').waitFor();
      expect(await page.getByTestId('answer-text').textContent()).toBe('Hello from the browser test');
      // A request body (as exported) imports as a new conversation with its settings.
      const body = {
        model: 'simulator/thinker',
        messages: [{ role: 'user', content: 'Imported question' }],
        seed: 3,
      };
      await page.getByTestId('import-input').setInputFiles({
        name: 'request.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify(body)),
      });
      await page.locator('.conversation-item.is-active', { hasText: 'Imported question' }).waitFor();
      expect(await page.locator('#model-picker').inputValue()).toBe('simulator/thinker');
      expect(await page.getByLabel('Seed').inputValue()).toBe('3');
      expect(await page.getByTestId('message-user').textContent()).toContain('Imported question');
      expect(errors).toEqual([]);
    });

    it('shows reasoning apart from the answer, and Esc stops a slow stream, keeping the partial answer', async () => {
      const { page } = await open();
      await page.locator('#model-picker').selectOption('simulator/thinker');
      await page.getByLabel('Thinking').selectOption('enabled');
      await send(page, 'Why is the sky blue?');
      const answers = await settledAnswers(page, 1);
      expect(await answers.last().getByTestId('reasoning').locator('.reasoning__text').textContent()).toMatch(
        /\w+/,
      );
      expect(await answers.last().getByTestId('answer-text').textContent()).toBe('Why is the sky blue?');
      expect(Number(await metric(page, 'reasoning').textContent())).toBeGreaterThan(0);

      await page.getByLabel('Thinking').selectOption('disabled');
      await send(page, `${'slow words '.repeat(40)}[simulate:tps=15]`);
      const streaming = page.locator('[data-testid="message-assistant"][data-status="streaming"]');
      await streaming.getByTestId('answer-text').waitFor();
      await page.keyboard.press('Escape');
      const stopped = page.locator('[data-testid="message-assistant"][data-status="stopped"]');
      await stopped.waitFor();
      expect(await stopped.getByTestId('stopped').textContent()).toContain('partial');
      expect((await stopped.getByTestId('answer-text').textContent())?.length).toBeLessThan(440);
    });

    it('completes a tool call answered by hand', async () => {
      const { page } = await open();
      await page.locator('summary', { hasText: 'Tools' }).click();
      await page.getByRole('button', { name: 'Add a tool' }).click();
      await send(page, 'What is the weather in Paris?');
      const call = page.getByTestId('tool-call');
      await call.waitFor();
      expect(await call.locator('.tool-call__name').textContent()).toBe('get_weather');
      const result = page.getByLabel(/Result of get_weather/);
      await result.fill('{"temperature": 18, "sky": "cloudy"}');
      await page.getByRole('button', { name: 'Send result and continue' }).click();
      const answers = await settledAnswers(page, 2);
      await expect.poll(() => answers.last().getAttribute('data-status')).toBe('done');
      expect(await answers.last().getByTestId('answer-text').textContent()).toBe(
        'Tool results: get_weather: {"temperature": 18, "sky": "cloudy"}',
      );
      expect(await page.getByTestId('message-tool').count()).toBe(1);
      expect(await page.getByTestId('tool-results').count()).toBe(0);
    });

    it('validates a json_schema answer, and marks the errors of an edited one', async () => {
      const { page } = await open();
      await page.locator('summary', { hasText: 'Response format' }).click();
      await page.getByRole('radio', { name: 'JSON Schema' }).check();
      await send(page, 'Name a city.');
      await settledAnswers(page, 1);
      const verdict = page.getByTestId('json-verdict');
      await verdict.waitFor();
      expect(await verdict.textContent()).toBe('✓ Valid against schema answer');
      const answer = page.getByTestId('message-assistant').last();
      await answer.getByRole('button', { name: 'Edit' }).click();
      await answer.getByRole('textbox').fill('{"city": 42, "country": "France", "extra": true}');
      await answer.getByRole('button', { name: 'Save', exact: true }).click();
      expect(await verdict.textContent()).toBe('✗ 3 schema errors against answer');
      const marked = answer.locator('.json-line--error');
      expect(await marked.allTextContents()).toEqual([
        '{  ← missing required property "population"\n',
        '  "city": 42,  ← must be string (got integer)\n',
        '  "extra": true  ← unexpected property "extra"\n',
      ]);
    });

    it('compare mode shows two models side by side', async () => {
      const { page } = await open();
      await page.getByLabel('Compare with other models').check();
      await page.getByLabel('Second model').selectOption('simulator/thinker');
      await send(page, 'Compare me');
      const group = page.getByTestId('compare-group');
      await group.waitFor();
      await settledAnswers(page, 2);
      const columns = group.getByTestId('message-assistant');
      expect(await columns.count()).toBe(2);
      expect(await columns.locator('.message__role').allTextContents()).toEqual([
        'simulator/echo',
        'simulator/thinker',
      ]);
      expect(await columns.getByTestId('answer-text').allTextContents()).toEqual([
        'Compare me',
        'Compare me',
      ]);
      expect(await columns.locator('[data-metric="deployment"] dd').allTextContents()).toEqual([
        'simulator/echo',
        'simulator/thinker',
      ]);
      // Continue with the second model's answer.
      await columns.nth(1).getByRole('button', { name: 'Continue with this' }).click();
      expect(await columns.nth(1).getByText('continues the chat').count()).toBe(1);
    });

    it('the exported curl command, run by a shell, returns the same answer', async () => {
      const { page } = await open();
      await page.locator('#model-picker').selectOption('simulator/babble');
      await page.getByLabel('Seed').fill('7');
      await page.getByLabel('Max tokens').fill('40');
      await send(page, 'Tell me something. [simulate:words=30]');
      const answer = (await settledAnswers(page, 1)).last();
      const shown = await answer.getByTestId('answer-text').textContent();
      expect(shown?.length).toBeGreaterThan(20);
      await answer.locator('summary.more-actions__toggle').click();
      await answer.getByRole('button', { name: 'Export' }).click();
      const code = await page.getByTestId('export-code').textContent();
      expect(code).toMatch(/^curl -sS -N /);
      const { stdout } = await run('sh', ['-c', code ?? ''], {
        env: { ...process.env, SWITCHYARD_API_KEY: session.gateway.adminKey },
      });
      const content = stdout
        .split('\n')
        .filter((line) => line.startsWith('data: {'))
        .map((line) => JSON.parse(line.slice(6)) as { choices: { delta?: { content?: string } }[] })
        .map((chunk) => chunk.choices[0]?.delta?.content ?? '')
        .join('');
      expect(content).toBe(shown);
      expect(stdout).toMatch(/data: \[DONE\]\n\n$/);
    });

    it('shows a bad key and a rate-limited key as what they are, with the request id', async () => {
      const { page } = await open({ apiKey: 'sk-sy-not-a-real-key' });
      const banner = page.getByTestId('error-notice').first();
      await banner.waitFor();
      expect(await banner.locator('.error-notice__title').textContent()).toContain('API key rejected');
      expect(await banner.getByTestId('error-request-id').textContent()).toMatch(/\S{8,}/);

      const limited = await session.gateway.createKey({ name: 'playground-e2e-rpm-1', rpm: 1 });
      await page.getByRole('button', { name: 'Connection: API key needed' }).click();
      await page.getByRole('textbox', { name: 'API key' }).fill(limited);
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.locator('[data-testid="connection-button"][data-state="ready"]').waitFor();
      await send(page, 'first request');
      await settledAnswers(page, 1);
      await send(page, 'second request');
      const error = page.locator(
        '[data-testid="message-assistant"][data-status="error"] [data-testid="error-notice"]',
      );
      await error.waitFor();
      expect(await error.locator('.error-notice__title').textContent()).toMatch(/^Rate limited.*HTTP 429/);
      expect(await error.locator('.error-notice__hint').textContent()).toMatch(/retry in \d+ seconds?/);
      const requestId = await error.getByTestId('error-request-id').textContent();
      expect(requestId).toMatch(/\S{8,}/);
    });

    it('shows usage charts from the admin API', async () => {
      const key = await session.gateway.createKey({ name: 'playground-e2e-usage' });
      for (const bearer of [key, key, session.gateway.adminKey]) {
        const response = await fetch(`${session.gateway.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'simulator/echo', messages: [{ role: 'user', content: 'usage' }] }),
        });
        expect(response.status).toBe(200);
      }
      const { page, errors } = await open({ path: '/#/usage' });
      await page.getByLabel('Admin key').fill(session.gateway.adminKey);
      await page.getByRole('button', { name: 'Load' }).click();
      const totals = page.getByTestId('usage-totals');
      await totals.waitFor();
      expect(
        Number((await totals.locator('dd').first().textContent())?.replace(/,/g, '')),
      ).toBeGreaterThanOrEqual(3);
      expect(await page.locator('figure.chart svg rect[fill]').count()).toBeGreaterThan(0);
      expect(await page.locator('figcaption', { hasText: 'Latency percentiles by deployment' }).count()).toBe(
        1,
      );
      expect(await page.locator('.hbars__label', { hasText: 'simulator/echo' }).count()).toBeGreaterThan(0);
      await page.getByRole('button', { name: 'By key' }).click();
      expect(await page.locator('.legend li', { hasText: 'playground-e2e-usage' }).count()).toBe(3);
      expect(errors).toEqual([]);
    });

    it('works at phone width: no sideways scrolling, settings in a drawer, keyboard shortcuts', async () => {
      const { page } = await open({ viewport: { width: 390, height: 844 } });
      const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(await overflow()).toBeLessThanOrEqual(0);
      expect(await page.locator('#settings-panel').isVisible()).toBe(false);
      await page.keyboard.press('Control+k');
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('model-picker');
      expect(await page.locator('#settings-panel').isVisible()).toBe(true);
      await page.getByRole('button', { name: 'Close the panel' }).click({ position: { x: 5, y: 5 } });
      await send(page, 'phone');
      await settledAnswers(page, 1);
      expect(await overflow()).toBeLessThanOrEqual(0);
      await page.keyboard.press('Control+Shift+O');
      await expect.poll(() => page.getByTestId('message-assistant').count()).toBe(0);
    });

    it('has no WCAG 2.1 A/AA violations (axe-core) in the main views, light and dark', async () => {
      const { page } = await open();
      await page.locator('#model-picker').selectOption('simulator/thinker');
      await page.getByLabel('Thinking').selectOption('enabled');
      await page.locator('summary', { hasText: 'Tools' }).click();
      await page.getByRole('button', { name: 'Add a tool' }).click();
      await page.locator('summary', { hasText: 'Response format' }).click();
      await send(page, 'Check my contrast');
      await settledAnswers(page, 1);
      const found: string[] = [];
      for (const theme of ['light', 'dark']) {
        if (theme === 'dark') await page.getByRole('button', { name: 'Switch to dark theme' }).click();
        await page.goto(`${session.gateway.url}/#/`);
        found.push(...(await accessibilityViolations(page)).map((v) => `${theme} chat: ${v}`));
        await page.getByTestId('message-assistant').locator('summary.more-actions__toggle').click();
        await page.getByTestId('message-assistant').getByRole('button', { name: 'Export' }).click();
        found.push(...(await accessibilityViolations(page)).map((v) => `${theme} export: ${v}`));
        await page.keyboard.press('Escape');
        await page.goto(`${session.gateway.url}/#/usage`);
        await page.getByLabel('Admin key').fill(session.gateway.adminKey);
        await page.getByRole('button', { name: /Load|Refresh/ }).click();
        await page.getByTestId('usage-totals').waitFor();
        found.push(...(await accessibilityViolations(page)).map((v) => `${theme} usage: ${v}`));
      }
      expect(found).toEqual([]);
    }, 60_000);
  },
);
