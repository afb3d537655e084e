// Benchmark: the heavy methods on full-size int8 VGG16 in the single-file page from file://
// (headless Chromium, then Firefox ESR; never cross-origin isolated, so one thread per worker):
// each on the page's one worker, then shared by N workers (web/src/worker_team.js), alternating
// which goes first. Prints the time to the result and to the first partial map (occlusion), their
// ratio, and the peak resident memory of all the browser's processes during each run.
//
//   node bench/workers_bench.mjs [--workers N] [--quick] [--browser chromium|firefox]
// Needs scripts/build.sh (dist/convscope.html, the test models). --quick: smaller passes.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { sampler } from './process_memory.mjs';
import { root, vgg16Int8 } from '../tests/support/models.mjs';
import { explainArgs, openPage } from '../tests/support/page.mjs';
import { scratchDir } from '../tests/support/scratch.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const workers = Number(arg('--workers', os.availableParallelism()));
const quick = process.argv.includes('--quick');
const browsers = process.argv.includes('--browser') ? [arg('--browser')] : ['chromium', 'firefox'];
const CASES = quick
  ? [
      ['occlusion', { patch: 56, stride: 28 }],
      ['smoothgrad', { samples: 4 }],
      ['ig', { samples: 4 }],
    ]
  : [
      ['occlusion', { patch: 15, stride: 8 }],
      ['smoothgrad', { samples: 25 }],
      ['ig', { samples: 50 }],
    ];
CASES.push(['sanity check', { topLayers: 3 }], ['compare', {}]);
const MiB = 2 ** 20;

// One case in the page: on the page's worker (n = 1) or shared by n; ms to the result and to the
// first partial map, and a checksum of the result. Methods: the explanation methods (split into
// parts), 'sanity check' (Grad-CAM; its two maps side by side) and 'compare' (saliency and
// Grad-CAM; the two panes side by side).
async function runIn(page, method, options, n) {
  return page.evaluate(
    async ({ method, args, n }) => {
      const app = window.convscopeApp;
      const sum = (map) => map.reduce((a, b) => a + b, 0);
      const t0 = performance.now();
      let firstPartialMs, checksum;
      const onPartial = () => {
        firstPartialMs ??= performance.now() - t0;
      };
      if (method === 'sanity check') {
        const sanity = { ...args, method: 'gradcam' };
        const r = n === 1 ? await app.client.request('sanityCheck', sanity) : await app.team.sanityCheck(sanity);
        checksum = r.spearman;
      } else if (method === 'compare') {
        const panes = ['saliency', 'gradcam'].map((m) => ({ ...args, method: m }));
        const maps =
          n === 1
            ? [await app.client.request('explain', panes[0]), await app.client.request('explain', panes[1])]
            : await Promise.all([app.client.request('explain', panes[0]), app.team.elsewhere(1, 'explain', panes[1])]);
        checksum = sum(maps[0].map) + sum(maps[1].map);
      } else {
        const x =
          n === 1
            ? await app.client.request('explain', args, { onPartial })
            : await app.team.explain(args, n, { onPartial });
        checksum = sum(x.map);
      }
      return { ms: performance.now() - t0, firstPartialMs, checksum };
    },
    { method, args: await explainArgs(page, method, options), n },
  );
}

const file = path.join(scratchDir('workers-bench'), 'vgg16-int8.bin');
writeFileSync(file, vgg16Int8().bytes);

for (const browser of browsers) {
  const { page, close } = await openPage(`file://${path.join(root, 'dist/convscope.html')}`, { browser });
  try {
    await page.setInputFiles('#model-input', file);
    await page.waitForFunction(
      () =>
        /138,357,544 parameters/.test(document.getElementById('model-info').textContent) &&
        window.convscopeApp.state.run &&
        !window.convscopeApp.active,
      null,
      { timeout: 600000 },
    );
    const info = await page.evaluate(() => document.getElementById('model-info').textContent);
    console.log(`\n${browser}: ${info}; ${workers} workers for the split runs`);
    // Warm-up: the helpers start and load the model; every engine is built once.
    await runIn(page, 'ig', { samples: workers }, 1);
    await runIn(page, 'ig', { samples: workers }, workers);
    console.log('| method | 1 worker | first map | peak RSS | N workers | first map | peak RSS | speed-up |');
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const [k, [method, options]] of CASES.entries()) {
      const result = {};
      for (const n of k % 2 ? [workers, 1] : [1, workers]) {
        const s = sampler(browser);
        result[n] = await runIn(page, method, options, n);
        s.stop();
        result[n].peak = s.peak.total;
      }
      const [one, many] = [result[1], result[workers]];
      if (one.checksum !== many.checksum) throw new Error(`${method}: the shared run's result differs`);
      const first = (r) => (r.firstPartialMs === undefined ? '' : `${(r.firstPartialMs / 1000).toFixed(2)} s`);
      console.log(
        `| ${method} ${JSON.stringify(options)} | ${(one.ms / 1000).toFixed(1)} s | ${first(one)} | ${(one.peak / MiB).toFixed(0)} MiB ` +
          `| ${(many.ms / 1000).toFixed(1)} s | ${first(many)} | ${(many.peak / MiB).toFixed(0)} MiB | ${(one.ms / many.ms).toFixed(2)}x |`,
      );
    }
  } finally {
    await close();
  }
}
