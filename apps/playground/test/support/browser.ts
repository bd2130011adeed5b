import { type Browser, chromium } from 'playwright-core';

/** Debian's chromium, headless; never a downloaded browser. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A script that seeds localStorage before the page's own scripts run, on the first load only
 * (a reload keeps what the page saved since).
 */
export function storageScript(values: Record<string, unknown>): string {
  const entries = Object.entries(values).map(([key, value]) => [key, JSON.stringify(value)]);
  return `if (!sessionStorage.getItem('seeded')) { sessionStorage.setItem('seeded', '1'); for (const [k, v] of ${JSON.stringify(entries)}) localStorage.setItem(k, v); }`;
}
