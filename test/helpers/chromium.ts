/**
 * Real headless Chromium for the browser tests (Debian's /usr/bin/chromium, driven by playwright-core; never a
 * downloaded browser). Suites wrap themselves in `describeWithCommands(..., ['chromium'], ...)` so they skip with
 * the reason where it is not installed (.ci/run installs it).
 */
import type { Browser } from 'playwright-core';

/** Where Debian installs Chromium. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags for a quiet sandbox-free run in CI containers: no GPU, no network chatter, no first-run UI. */
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launch headless Chromium with a fresh profile (playwright-core's default). */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
}
