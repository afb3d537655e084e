// Benchmark: the explanation methods on full VGG16 (synthetic weights) relative to one forward pass
// of the same model and precision, measured in the same run; Node, then headless Chromium; one
// thread. Takes about half an hour (occlusion and the naive occlusion dominate).
//   npm run bench:explain [-- --precision f32|int8] [-- --node-only | --browser-only]
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { launchChromium } from '../tests/support/chromium.mjs';
import { loadConvscope } from '../tests/support/load_module.mjs';
import { readImage, root, vgg16 } from '../tests/support/models.mjs';
import { startStaticServer } from '../tests/support/static_server.mjs';
import { explainRows, formatRows } from './explain_cases.mjs';

const i = process.argv.indexOf('--precision');
const precisions = i > 0 ? [process.argv[i + 1]] : ['int8', 'f32'];
const out = path.join(root, 'build/bench');
mkdirSync(out, { recursive: true });
const m = await loadConvscope();
const image = readImage('chelsea.png');
for (const precision of precisions) {
  const bytes = vgg16(precision === 'f32' ? ['--precision', 'f32'] : []).bytes;
  writeFileSync(path.join(out, `explain-vgg16-${precision}.bin`), bytes);
  if (process.argv.includes('--browser-only')) continue;
  const model = m.Model.load(bytes);
  console.log(
    formatRows(`\nFull VGG16 ${precision}, Node ${process.version}, 1 thread`, explainRows(model, image, precision)),
  );
  model.release();
}

if (!process.argv.includes('--node-only')) {
  const server = await startStaticServer(root);
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    page.on('console', (msg) => msg.type() === 'error' && console.error('page:', msg.text()));
    await page.goto(`${server.url}/bench/browser/explain_bench.html`);
    await page.waitForFunction(() => window.benchReady === true);
    for (const precision of precisions) {
      const rows = await page.evaluate((p) => window.runBench(p), precision);
      console.log(
        formatRows(`\nFull VGG16 ${precision}, Chromium ${browser.context.browser()?.version() ?? ''}, 1 thread`, rows),
      );
    }
  } finally {
    await browser.close();
    await server.close();
  }
}
