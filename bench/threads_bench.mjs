// Benchmark: what threads gain on full VGG16 (synthetic weights) for the forward pass and the
// explanation methods: convscope on one thread next to convscope on N threads, interleaved in the
// same run; in Node (the build this Node runs, cli/module.mjs: baseline in Node 20, relaxed in
// Node 24 as scripts/node24's, and its threaded build) and in a cross-origin isolated Chromium page
// (relaxed build, its threaded build, and the baseline build). Prints each method's time per build
// and each build's speed relative to the first (one-thread time / its time).
//   npm run bench:threads [-- --threads N (default: the cores)] [-- --precision int8|f32] [-- --runs N] [-- --node-only]
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { defaultThreads } from '../cli/module.mjs';
import { launchChromium } from '../tests/support/chromium.mjs';
import { loadConvscope } from '../tests/support/load_module.mjs';
import { readImage, root, vgg16 } from '../tests/support/models.mjs';
import { startStaticServer } from '../tests/support/static_server.mjs';
import { formatThreadRows, threadRows } from './threads_cases.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const threads = Number(arg('--threads', defaultThreads()));
const precisions = arg('--precision') ? [arg('--precision')] : ['int8', 'f32'];
const runs = Number(arg('--runs', 3));
if (threads < 2) throw new Error('this machine has one core: nothing to compare');
const out = path.join(root, 'build/bench');
mkdirSync(out, { recursive: true });
const image = readImage('chelsea.png');

const modules = [await loadConvscope({ threads: 1 }), await loadConvscope({ threads })];
const names = modules.map((m) => `${m.buildInfo().variant} ${m.buildInfo().threads}T`);
for (const precision of precisions) {
  const bytes = vgg16(precision === 'f32' ? ['--precision', 'f32'] : []).bytes;
  writeFileSync(path.join(out, `explain-vgg16-${precision}.bin`), bytes);
  const engines = modules.map((m) => ({ model: m.Model.load(bytes) }));
  for (const e of engines) e.model.run(image, { precision });
  console.log(
    formatThreadRows(
      `\nFull VGG16 ${precision}, Node ${process.version}`,
      names,
      threadRows(engines, image, precision, runs),
    ),
  );
  for (const e of engines) e.model.release();
}
for (const m of modules) m.exitThreads();

if (!process.argv.includes('--node-only')) {
  const server = await startStaticServer(root, {}, { isolated: true });
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    page.on('console', (msg) => msg.type() === 'error' && console.error('page:', msg.text()));
    await page.goto(`${server.url}/bench/browser/threads_bench.html?threads=${threads}`);
    await page.waitForFunction(() => window.benchReady === true);
    for (const precision of precisions) {
      const r = await page.evaluate((p) => window.runBench(p), precision);
      console.log(
        formatThreadRows(
          `\nFull VGG16 ${precision}, Chromium ${browser.context.browser()?.version() ?? ''}, cross-origin isolated`,
          r.names,
          r.rows,
        ),
      );
    }
  } finally {
    await browser.close();
    await server.close();
  }
}
