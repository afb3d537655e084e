// Benchmark: opening a 553 MB Keras VGG16 .h5 in the page (dist/convscope.html, headless Chromium):
// conversion time (h5wasm reads, the wasm converter quantizes) and load time, and the memory the
// browser used meanwhile: the resident memory of every Chromium process, sampled every 50 ms, as
// the peak of the sum and of the largest process (the tab's renderer, which hosts the worker),
// each also above the page's resting level before the drop. Then a reload, opened from the cache.
// Also the same conversion in Node (one process, the Node build) for comparison.
//
//   node bench/keras_import_bench.mjs [--file build/native/test-models/vgg16-full-keras2.h5]
// Needs scripts/build.sh (dist/ and the test models).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import h5wasm from 'h5wasm/node';
import { Hdf5Reader } from '../web/src/hdf5_reader.js';
import { browserRss, sampler } from './process_memory.mjs';
import { launchChromium } from '../tests/support/chromium.mjs';
import { loadConvscope } from '../tests/support/load_module.mjs';
import { root } from '../tests/support/models.mjs';

const i = process.argv.indexOf('--file');
const file =
  i > 0 ? path.resolve(process.argv[i + 1]) : path.join(root, 'build/native/test-models/vgg16-weights-2016.h5');
const MB = 1024 * 1024;

const ready = (page) =>
  page.waitForFunction(
    () => window.convscopeReady === true && window.convscopeApp.state.run && !window.convscopeApp.active,
    null,
    { timeout: 600000 },
  );

async function inChromium() {
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.goto(`file://${path.join(root, 'dist/convscope.html')}`);
    await ready(page);
    await new Promise((r) => setTimeout(r, 1000));
    const resting = browserRss();
    const s = sampler();
    const t0 = performance.now();
    await page.setInputFiles('#model-input', file);
    await page.waitForFunction(
      (name) => document.getElementById('model-info').textContent.startsWith(name),
      path.basename(file),
      { timeout: 600000 },
    );
    await ready(page);
    const openMs = performance.now() - t0;
    s.stop();
    const info = await page.textContent('#model-info');
    const t1 = performance.now();
    await page.reload();
    await ready(page);
    const cachedMs = performance.now() - t1;
    const conversions = await page.evaluate(() => window.convscopeApp.stats.conversions);
    await page.click('#cached-summary');
    await page.click('#forget-cached');
    return { resting, peak: s.peak, openMs, cachedMs, info, conversions };
  } finally {
    await browser.close();
  }
}

async function inNode() {
  const m = await loadConvscope();
  m.hdf5 = new Hdf5Reader(h5wasm, await h5wasm.ready);
  const t0 = performance.now();
  const r = m.convertKeras(file);
  return { ms: performance.now() - t0, bytes: r.bytes.length, rss: process.memoryUsage().rss, heap: m.HEAPU8.length };
}

const size = readFileSync(file).length; // (read once to warm the page cache for both runs)
console.log(`${path.basename(file)}: ${(size / 1e6).toFixed(1)} MB`);
const c = await inChromium();
console.log(`Chromium: opened (converted + loaded + first image) in ${(c.openMs / 1000).toFixed(1)} s; ${c.info}`);
console.log(
  `  memory, all Chromium processes: resting ${(c.resting.total / MB).toFixed(0)} MiB, peak ${(c.peak.total / MB).toFixed(0)} MiB (+${((c.peak.total - c.resting.total) / MB).toFixed(0)} MiB)`,
);
console.log(
  `  memory, largest process (the tab): resting ${(c.resting.largest / MB).toFixed(0)} MiB, peak ${(c.peak.largest / MB).toFixed(0)} MiB`,
);
console.log(
  `  after a reload, from the cache: ${(c.cachedMs / 1000).toFixed(1)} s (conversions in that visit: ${c.conversions})`,
);
const n = await inNode();
console.log(
  `Node: convertKeras ${(n.ms / 1000).toFixed(1)} s -> ${(n.bytes / 1e6).toFixed(1)} MB; process RSS after ${(n.rss / MB).toFixed(0)} MiB, wasm memory ${(n.heap / MB).toFixed(0)} MiB`,
);
