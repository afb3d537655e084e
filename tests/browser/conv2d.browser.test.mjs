// The browser build in headless Chromium: the same convolution as the Node tests, checked
// against the naive reference inside the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { launchChromium } from '../support/chromium.mjs';
import { startStaticServer } from '../support/static_server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const seed = Number(process.env.CONVSCOPE_TEST_SEED ?? 20261129);

test(`Conv2d runs in Chromium and matches the reference (seed ${seed})`, async () => {
  const server = await startStaticServer(root);
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    const consoleErrors = [];
    page.on('console', (msg) => msg.type() === 'error' && consoleErrors.push(msg.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    const foreign = [];
    page.on('request', (r) => !r.url().startsWith(server.url) && foreign.push(r.url()));

    await page.goto(`${server.url}/tests/browser/conv2d.html`);
    await page.waitForFunction(() => window.convscopeReady === true);
    const result = await page.evaluate((s) => window.runConvscopeTest(s), seed);

    assert.equal(result.cases.length, 10);
    for (const row of result.cases) {
      assert.ok(row.f32 <= row.tolerance, `case ${row.case}: f32 error ${row.f32}`);
      assert.ok(row.int8 <= 0.03 * row.maxAbs + 1e-6, `case ${row.case}: int8 error ${row.int8}`);
    }
    assert.match(result.error, /^ConvscopeError: .*must be/);
    assert.ok(server.requests.includes('/build/wasm/convscope-web.wasm'), 'the wasm was served');
    assert.deepEqual(foreign, []);
    assert.deepEqual(consoleErrors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
