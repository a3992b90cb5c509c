// Launches Debian's Chromium headless through playwright-core (never a downloaded browser).
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Launches the browser. playwright-core gives every launch a fresh temporary user-data-dir of its own
 * (it refuses an explicit --user-data-dir outside launchPersistentContext), and each newContext() has
 * its own cookies: two contexts are two independent users.
 */
export async function launch() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return browser;
}
