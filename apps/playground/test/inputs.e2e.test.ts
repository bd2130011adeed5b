import { describe, expect, it } from 'vitest';
import { browserMissing } from './support/browser.js';
import { playgroundSession, send, settledAnswers } from './support/playground-session.js';

const { open } = playgroundSession();

// A 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const PNG_URL = `data:image/png;base64,${PNG.toString('base64')}`;

describe.skipIf(browserMissing)(
  `editors and inputs of the playground${browserMissing ? ` (skipped: ${browserMissing})` : ''}`,
  () => {
    it('edits a tool schema in a wide dialog where its lines do not wrap', async () => {
      const { page, errors } = await open();
      await page.locator('summary', { hasText: 'Tools' }).click();
      await page.getByRole('button', { name: 'Add a tool' }).click();
      await page.getByRole('button', { name: 'Edit in a wide editor' }).first().click();
      const dialog = page.getByRole('dialog', { name: 'Parameters (JSON Schema)' });
      const editor = dialog.getByLabel('Parameters (JSON Schema)');
      expect((await editor.boundingBox())?.width).toBeGreaterThan(700);
      expect(await editor.getAttribute('wrap')).toBe('off');
      const schema = `{ "type": "object", "properties": { "city": { "type": "string", "description": "${'The name of the city to look up, '.repeat(3)}" } } }`;
      await editor.fill(schema);
      await expect.poll(() => dialog.locator('.status').textContent()).toBe('Valid JSON Schema');
      // One line stays one line: the box scrolls sideways instead of wrapping it.
      expect(await editor.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
      await dialog.getByRole('button', { name: 'Done' }).click();
      expect(await page.locator('#settings-panel').getByLabel('Parameters (JSON Schema)').inputValue()).toBe(
        schema,
      );
      expect(errors).toEqual([]);
    });

    it('sends an attached or pasted image as an image_url part and shows it in the message', async () => {
      const { page, errors } = await open();
      const bodies: string[] = [];
      page.on('request', (request) => {
        if (request.url().endsWith('/v1/chat/completions')) bodies.push(request.postData() ?? '');
      });
      await page
        .getByTestId('image-input')
        .setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: PNG });
      await page.getByAltText('Attachment 1').waitFor();
      // A pasted image joins it.
      await page.locator('#composer-input').evaluate((input, base64) => {
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const data = new DataTransfer();
        data.items.add(new File([bytes], 'pasted.png', { type: 'image/png' }));
        input.dispatchEvent(
          new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
        );
      }, PNG.toString('base64'));
      await page.getByAltText('Attachment 2').waitFor();
      await send(page, 'What is in these pictures?');
      await settledAnswers(page, 1);
      const sent = JSON.parse(bodies[0] ?? '{}') as { messages: { role: string; content: unknown }[] };
      expect(sent.messages.at(-1)).toEqual({
        role: 'user',
        content: [
          { type: 'text', text: 'What is in these pictures?' },
          { type: 'image_url', image_url: { url: PNG_URL } },
          { type: 'image_url', image_url: { url: PNG_URL } },
        ],
      });
      const message = page.getByTestId('message-user').last();
      expect(await message.locator('.message-images img').count()).toBe(2);
      expect(await message.locator('.message-images img').first().getAttribute('src')).toBe(PNG_URL);
      // Sent: the composer has no attachments left.
      expect(await page.locator('.attachments__thumb').count()).toBe(0);
      expect(await page.getByTestId('answer-text').last().textContent()).toContain(
        'What is in these pictures?',
      );
      expect(errors).toEqual([]);
    });

    it('keeps Attach image within a phone-width composer (nothing scrolls sideways)', async () => {
      const { page } = await open({ viewport: { width: 390, height: 844 } });
      await page.getByText('Attach image').waitFor();
      const overflow = await page.evaluate(() =>
        [...document.querySelectorAll('.chat-main, .composer, .composer__bar')].map(
          (el) => el.scrollWidth - el.clientWidth,
        ),
      );
      expect(overflow.every((extra) => extra <= 0)).toBe(true);
      expect((await page.getByRole('button', { name: 'Send' }).boundingBox())?.x).toBeLessThan(390);
      // Back to a chat through the drawer after a reload: the chat is not shifted sideways.
      await send(page, 'Is Lisbon a good city for a long weekend in March?');
      await settledAnswers(page, 1);
      await page.reload();
      await page.getByTestId('message-assistant').first().waitFor();
      await page.getByRole('button', { name: 'Chats', exact: true }).click();
      await page.locator('#chats-panel .conversation-item__open').first().click();
      await page.waitForTimeout(300);
      expect(await page.locator('.chat-layout').evaluate((el) => el.scrollLeft)).toBe(0);
    });

    it('saves, loads and deletes named presets of settings, kept across reloads', async () => {
      const { page, errors } = await open();
      const settings = page.locator('#settings-panel');
      await settings.getByLabel('System prompt').fill('Answer like a pirate.');
      await settings.getByLabel('Temperature').fill('0.3');
      await settings.getByLabel('Preset name').fill('Pirate');
      await settings.getByRole('button', { name: 'Save preset' }).click();
      await settings.getByLabel('System prompt').fill('Be brief.');
      await settings.getByLabel('Temperature').fill('1');
      await page.reload();
      await settings.getByRole('button', { name: 'Load preset Pirate' }).click();
      expect(await settings.getByLabel('System prompt').inputValue()).toBe('Answer like a pirate.');
      expect(await settings.getByLabel('Temperature').inputValue()).toBe('0.3');
      await settings.getByRole('button', { name: 'Delete preset Pirate' }).click();
      expect(await settings.getByLabel('Saved presets').count()).toBe(0);
      await page.reload();
      expect(await settings.getByLabel('Saved presets').count()).toBe(0);
      expect(errors).toEqual([]);
    });
  },
);
