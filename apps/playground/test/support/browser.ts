import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Why the browser tests cannot run here, or undefined when they can. Without a browser they are
 * skipped with this reason, unless SWITCHYARD_REQUIRE_BROWSER=1 (set by CI) makes that a failure.
 */
export const browserMissing: string | undefined =
  existsSync(executablePath) || process.env.SWITCHYARD_REQUIRE_BROWSER === '1'
    ? undefined
    : `no browser at ${executablePath} (apt-get install chromium, or set CHROMIUM_PATH)`;

/** Debian's chromium, headless; never a downloaded browser. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath,
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
