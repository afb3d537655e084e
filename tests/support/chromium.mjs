// Launches Debian's Chromium through playwright-core (Playwright's own browser download cannot work
// here), headless, with a fresh profile and no background traffic.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { startStaticServer } from './static_server.mjs';

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

// Serves `root` on 127.0.0.1 (cross-origin isolated with `isolated`), opens `urlPath` in a fresh
// Chromium, waits for window.convscopeReady, and calls fn({ page, server, problems }). `problems`
// collects console errors, page errors and any request that leaves the local server; `routes` maps
// URL globs to bodies served from memory.
export async function withTestPage(root, urlPath, fn, { routes = {}, isolated = false } = {}) {
  const server = await startStaticServer(root, {}, { isolated });
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    const problems = [];
    page.on('console', (msg) => msg.type() === 'error' && problems.push(msg.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => !r.url().startsWith(server.url) && problems.push(`request to ${r.url()}`));
    for (const [glob, body] of Object.entries(routes)) {
      await page.route(glob, (route) => route.fulfill({ body, contentType: 'application/octet-stream' }));
    }
    await page.goto(`${server.url}${urlPath}`);
    await page.waitForFunction(() => window.convscopeReady === true);
    return await fn({ page, server, problems });
  } finally {
    await browser.close();
    await server.close();
  }
}
