// Launches Debian's Chromium through playwright-core (Playwright's own browser download cannot work
// here), headless, with a fresh profile and no background traffic. Tests open pages with
// page.mjs's openPage; benchmarks use this directly.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const EXECUTABLE = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// contextOptions: Playwright's (colorScheme, viewport, ...).
export async function launchChromium(contextOptions = {}) {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'convscope-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    ...contextOptions,
    executablePath: EXECUTABLE,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
