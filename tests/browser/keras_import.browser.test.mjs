// Bring your own VGG16: the synthetic full-size Keras files (both layouts, 553 MB each) opened in
// dist/convscope.html (file://, headless Chromium) are converted in the worker with progress,
// cached in IndexedDB, and give the summary's 138,357,544 parameters and the same predictions as
// model_convert's file in the Node build; a reload reopens the cached model without converting,
// opening the same file again hits the cache, a conversion can be cancelled, a corrupt .h5 is
// explained and the page keeps working, "Forget cached models" empties the cache. Served
// (dist/site/), ?model=URL opens a .h5. VGG16 saved by Keras 3 as a .keras archive (553 MB, its
// weights a stored member read in place) converts within the .h5's memory bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { sampler } from '../../bench/process_memory.mjs';
import { convert, kerasFile } from '../support/keras_files.mjs';
import { loadConvscope } from '../support/load_module.mjs';
import { root, vgg16 } from '../support/models.mjs';
import { errorText, openPage, settled } from '../support/page.mjs';
import { scratchDir } from '../support/scratch.mjs';
import { startStaticServer } from '../support/static_server.mjs';

const testModels = path.join(root, 'build/native/test-models');
const tmp = scratchDir('keras-import');
const LONG = { timeout: 300000 };

// The model as the header shows it, and what the page's current image gave.
const shown = (page) =>
  page.evaluate(() => ({
    info: document.getElementById('model-info').textContent,
    predictions: window.convscopeApp.state.run?.predictions,
    imageIndex: window.convscopeApp.state.imageIndex,
    conversions: window.convscopeApp.stats.conversions,
  }));

// Opens a Keras file through the model picker and waits until its model has run the image;
// returns what the progress bar said meanwhile.
async function openModel(page, file) {
  await page.evaluate(() => {
    window.progressTexts = [];
    new MutationObserver(() => window.progressTexts.push(document.getElementById('progress-text').textContent)).observe(
      document.getElementById('progress-text'),
      { childList: true, characterData: true, subtree: true },
    );
  });
  await page.setInputFiles('#model-input', file);
  await page.waitForFunction(
    (name) => document.getElementById('model-info').textContent.startsWith(name),
    path.basename(file),
    LONG,
  );
  await idle(page);
  return page.evaluate(() => window.progressTexts);
}

// No request in flight and the image run through the model on show.
async function idle(page) {
  await page.waitForFunction(() => window.convscopeApp.state.run && !window.convscopeApp.active, null, LONG);
  await settled(page);
}

test(
  'a Keras VGG16 .h5 in the page: converted, cached, same predictions as model_convert, reopened from the cache',
  LONG,
  async () => {
    const m = await loadConvscope();
    const reference = m.Model.load(vgg16().bytes); // model_convert's file for vgg16-weights-2016.h5
    const { page, problems, close } = await openPage(`file://${path.join(root, 'dist/convscope.html')}`);
    try {
      const sample = await page.evaluate(() => window.convscopeApp.images[0].name);
      const sampleBytes = readFileSync(path.join(root, 'web/samples', sample));
      const expected = reference.run(sampleBytes, { topK: 5 }).predictions;

      // Weights-only layout (the downloaded vgg16_weights_tf_dim_ordering_tf_kernels.h5).
      const progress = await openModel(page, path.join(testModels, 'vgg16-weights-2016.h5'));
      assert.ok(
        progress.some((t) => /^converting vgg16-weights-2016\.h5 to int8 \d+%/.test(t)),
        progress.join('\n'),
      );
      let s = await shown(page);
      assert.match(
        s.info,
        /^vgg16-weights-2016\.h5: vgg16, int8, 138\.5 MB, 138,357,544 parameters, input 224×224×3 · wasm relaxed SIMD, 1 thread( \(methods of many passes on \d workers\))?$/,
      );
      assert.equal(s.conversions, 1, JSON.stringify(s));
      await page
        .waitForFunction(
          () => document.getElementById('cached-summary').textContent === 'Cached models (1, 138 MB)',
          null,
          { timeout: 10000 },
        )
        .catch(async () =>
          assert.fail(
            `not cached: ${await page.textContent('#cached-summary')}; error: ${await page.textContent('#error')}`,
          ),
        );
      assert.deepEqual(
        s.predictions.map((p) => p.index),
        expected.map((p) => p.index),
      );
      for (const [i, p] of s.predictions.entries())
        assert.ok(Math.abs(p.probability - expected[i].probability) < 1e-6, JSON.stringify([p, expected[i]]));
      await page.click('#tab-summary');
      await settled(page);
      assert.match(await page.textContent('#view pre'), /Total params: 138,357,544/);

      // Reload: the cached model comes back without a conversion.
      await page.reload();
      await page.waitForFunction(() => window.convscopeReady === true, null, LONG);
      await idle(page);
      s = await shown(page);
      assert.match(s.info, /^vgg16-weights-2016\.h5 \(cached\): vgg16, int8, .* 138,357,544 parameters/);
      assert.equal(s.conversions, 0);
      assert.deepEqual(
        s.predictions.map((p) => p.index),
        expected.map((p) => p.index),
      );

      // The same file again: from the cache. The full-model layout (model.save): converted.
      await openModel(page, path.join(testModels, 'vgg16-weights-2016.h5'));
      assert.equal((await shown(page)).conversions, 0);
      // Cancelled midway: the page keeps the model it had, says nothing went wrong, stays usable.
      await page.setInputFiles('#model-input', path.join(testModels, 'vgg16-full-keras2.h5'));
      await page.waitForFunction(
        () =>
          /^converting vgg16-full-keras2\.h5 to int8 [1-9]\d*%/.test(
            document.getElementById('progress-text').textContent,
          ),
        null,
        LONG,
      );
      await page.click('#cancel');
      await idle(page);
      s = await shown(page);
      assert.match(s.info, /^vgg16-weights-2016\.h5 \(cached\): /);
      assert.equal(s.conversions, 0);
      assert.equal(await page.isHidden('#error'), true, await page.textContent('#error'));
      await page.click('#tab-predictions');
      await idle(page);

      await openModel(page, path.join(testModels, 'vgg16-full-keras2.h5'));
      s = await shown(page);
      assert.match(s.info, /^vgg16-full-keras2\.h5: vgg16, int8, .* 138,357,544 parameters/);
      assert.equal(s.conversions, 1);
      await page.waitForFunction(
        () => document.getElementById('cached-summary').textContent === 'Cached models (2, 277 MB)',
      );

      // A truncated .h5 and an HDF5 file that is not Keras: explained; the page keeps its model.
      const truncated = path.join(tmp, 'truncated.h5');
      writeFileSync(truncated, readFileSync(path.join(testModels, 'small-weights-2016.h5')).subarray(0, 100000));
      await page.setInputFiles('#model-input', truncated);
      assert.equal(await errorText(page), 'truncated.h5: cannot open the HDF5 file (is it truncated?)');
      const renamed = path.join(tmp, 'notes.h5');
      writeFileSync(renamed, 'not a model at all\n');
      await page.setInputFiles('#model-input', renamed);
      assert.equal(await errorText(page), 'notes.h5: not an HDF5 file (or truncated, or unreadable)');
      await settled(page);
      assert.match((await shown(page)).info, /^vgg16-full-keras2\.h5: /);
      await page.click('#tab-features');
      await settled(page);
      assert.ok(await page.evaluate(() => document.querySelectorAll('#view canvas').length > 0));

      // Forget: the cache is empty and a reload shows the default model.
      await page.click('#cached-summary');
      await page.click('#forget-cached');
      await page.waitForFunction(
        () => document.getElementById('cached-summary').textContent === 'Cached models (0, 0 MB)',
      );
      await page.reload();
      await page.waitForFunction(() => window.convscopeReady === true, null, LONG);
      assert.match((await shown(page)).info, /^default model: /);
      assert.deepEqual(problems, []);
    } finally {
      reference.release();
      await close();
    }
  },
);

// Found by keras_file_fuzzer: libhdf5 (Debian's 1.10 and h5wasm's alike) loops forever reading
// this file's attributes. The page stops the conversion once its reports stop.
test(
  'a .h5 the HDF5 library loops on: the conversion is stopped with a message, the page keeps its model',
  LONG,
  async () => {
    const { page, problems, close } = await openPage(`file://${path.join(root, 'dist/convscope.html')}`);
    try {
      const before = (await shown(page)).info;
      await page.evaluate(() => {
        window.convscopeApp.conversionStallMs = 3000;
      });
      await page.setInputFiles(
        '#model-input',
        path.join(root, 'tests/fixtures/hostile/keras-libhdf5-vlen-loop-fuzz.h5'),
      );
      assert.equal(
        await errorText(page),
        'keras-libhdf5-vlen-loop-fuzz.h5: reading it made no progress for 3 s, so the ' +
          'conversion was stopped (the HDF5 library loops on some damaged files)',
      );
      await idle(page);
      const s = await shown(page);
      assert.equal(s.info, before);
      assert.equal(s.conversions, 0);
      await page.click('#tab-features');
      await settled(page);
      assert.ok(await page.evaluate(() => document.querySelectorAll('#view canvas').length > 0));
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  },
);

test(
  "served: ?model=URL opens a Keras .h5 from the page's server; a reload takes it from the cache",
  LONG,
  async () => {
    const server = await startStaticServer(path.join(root, 'dist/site'), {
      '/models/small.h5': readFileSync(path.join(testModels, 'small-full-keras2.h5')),
    });
    const { page, problems, close } = await openPage(`${server.url}/index.html?model=models/small.h5`);
    try {
      await idle(page);
      const s = await shown(page);
      assert.match(
        s.info,
        /^small\.h5: vgg16, int8, .* 64,750 parameters, input 32×32×3 · wasm relaxed SIMD, 1 thread( \(methods of many passes on \d workers\))?$/,
      );
      assert.equal(s.conversions, 1);
      assert.ok(
        server.requests.some((p) => /\/keras_import-[\w-]+\.js$/.test(p)),
        'the worker loaded the Keras reader chunk',
      );

      await page.reload();
      await page.waitForFunction(() => window.convscopeReady === true, null, LONG);
      await idle(page);
      const again = await shown(page);
      assert.match(again.info, /^small\.h5 \(cached\): vgg16, int8, /);
      assert.equal(again.conversions, 0);
      assert.equal(server.requests.filter((p) => p === '/models/small.h5').length, 1, 'fetched once');
      assert.deepEqual(problems, []);
    } finally {
      await close();
      await server.close();
    }
  },
);

test(
  'a Keras .h5 converted to f32 when the user asks: exact gradient maps; int8 and f32 are cached apart',
  LONG,
  async () => {
    const { page, problems, close } = await openPage(`file://${path.join(root, 'dist/convscope.html')}`);
    try {
      const file = path.join(testModels, 'small-weights-2016.h5');
      const gradientArithmetic = () =>
        page.evaluate(
          async () =>
            (
              await window.convscopeApp.request('explain', {
                method: 'saliency',
                options: {},
                overlay: { resize: 'keras' },
              })
            ).arithmetic,
        );
      await page.selectOption('#keras-precision', 'f32');
      const progress = await openModel(page, file);
      assert.ok(
        progress.some((t) => /^converting small-weights-2016\.h5 to f32/.test(t)),
        progress.join('\n'),
      );
      assert.match((await shown(page)).info, /^small-weights-2016\.h5: vgg16, f32, /);
      assert.equal(await gradientArithmetic(), 'f32');
      await page.selectOption('#keras-precision', 'int8');
      await openModel(page, file);
      // (The header named this file already, in f32: wait for the int8 model.)
      await page.waitForFunction(
        () => / int8, /.test(document.getElementById('model-info').textContent) && window.convscopeApp.state.run,
        null,
        LONG,
      );
      const s = await shown(page);
      assert.match(s.info, /^small-weights-2016\.h5: vgg16, int8, /);
      assert.equal(s.conversions, 2, 'the int8 conversion is not the cached f32 one');
      assert.equal(await gradientArithmetic(), 'int8 weights, f32 pass');
      assert.deepEqual(problems, []);
    } finally {
      await page.evaluate(() => indexedDB.deleteDatabase('convscope')).catch(() => {});
      await close();
    }
  },
);

// The bound the .h5 conversion was built to (docs/keras-in-the-browser.md: a peak of at most 1.3 GB
// for the tab's largest process). In Chromium 156 on this 2-core VM the 553 MB .h5 files peaked at
// 1,019-1,043 MiB and the .keras at 993-1,078 MiB: the archive's weights are sliced out of the
// dropped File and read in place, never copied whole.
const TAB_PEAK_LIMIT = 1.3e9;

test(
  'VGG16 saved by Keras 3 as a .keras (553 MB): converted in the worker within the memory bound, same predictions as model_convert',
  LONG,
  async () => {
    const keras = kerasFile('vgg16', 'keras3').path;
    const m = await loadConvscope();
    const reference = m.Model.load(convert(keras).bytes);
    const { page, problems, close } = await openPage(`file://${path.join(root, 'dist/convscope.html')}`);
    const memory = sampler('chromium');
    try {
      const sample = await page.evaluate(() => window.convscopeApp.images[0].name);
      const expected = reference.run(readFileSync(path.join(root, 'web/samples', sample)), { topK: 5 }).predictions;
      const progress = await openModel(page, keras);
      memory.stop();
      assert.ok(
        progress.some((t) => /^converting vgg16_keras3\.keras to int8 \d+%/.test(t)),
        progress.join('\n'),
      );
      const s = await shown(page);
      assert.match(s.info, /^vgg16_keras3\.keras: vgg16, int8, 138\.5 MB, 138,357,544 parameters, input 224×224×3 · /);
      assert.equal(s.conversions, 1);
      assert.deepEqual(
        s.predictions.map((p) => p.index),
        expected.map((p) => p.index),
      );
      for (const [i, p] of s.predictions.entries())
        assert.ok(Math.abs(p.probability - expected[i].probability) < 1e-6, JSON.stringify([p, expected[i]]));
      const peak = memory.peak.largest;
      console.log(`VGG16 .keras in Chromium: largest process peaked at ${(peak / 2 ** 20).toFixed(0)} MiB`);
      assert.ok(peak < TAB_PEAK_LIMIT, `the tab peaked at ${(peak / 2 ** 20).toFixed(0)} MiB`);
      assert.deepEqual(problems, []);
    } finally {
      memory.stop();
      reference.release();
      await close();
    }
  },
);
