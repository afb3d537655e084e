// The <conv-scope> widget under the strict CSP it is built for (script-src 'self'
// 'wasm-unsafe-eval'; worker-src blob: 'self'), served from 127.0.0.1: the example tutorial
// renders every widget with no CSP violation and no console error; five widgets naming the same
// model load it once; an attribute change re-renders; a drop replaces an interactive widget's
// image; a broken model URL is reported inside that widget only; Grad-CAM defaults to the last
// convolution, maps have legends, exports carry them, buttons look like buttons; one wasm build is
// downloaded; the tutorial renders in Firefox ESR too (from file://: widget_file.browser.test.mjs).
// Keras files as `model` (a .keras, a tf.keras .h5), converted by the Keras reader loaded from
// beside the script only then, with `preprocessing` and `input-size` (an error for a model of fixed
// size); a grayscale model shows the picture in gray.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { kerasFile } from '../support/keras_files.mjs';
import { root, smallModel } from '../support/models.mjs';
import { CSP, open, seenPictures, widgets } from '../support/widget_page.mjs';

const out = path.join(root, 'test-output/widget');
mkdirSync(out, { recursive: true });

// The widget's big files (web/src/widget_assets.js) this page loaded: the wasm builds and the
// default model, or their file:// twins, by name.
const assetsLoaded = (page) =>
  page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((e) => e.name.split('/').pop())
      .filter((name) => /^convscope-(web|web-relaxed)\.wasm|^convscope-default-model/.test(name))
      .sort(),
  );

for (const isolated of [false, true]) {
  test(`the example tutorial renders every widget under the strict CSP, loading the model once${isolated ? ', on every core when cross-origin isolated' : ''}`, async () => {
    const { page, problems, close } = await open('/web/examples/tutorial.html', { isolated });
    try {
      // Lazy: the Grad-CAM figure at the bottom has not started while it is out of view.
      await page.waitForFunction(() =>
        document.querySelector('conv-scope[view=summary]').shadowRoot.querySelector('main pre'),
      );
      assert.equal(await page.evaluate(() => document.querySelector('conv-scope[view=gradcam]').visible), false);
      const all = await widgets(page, 4);
      assert.deepEqual(
        all.map((w) => w.error),
        [null, null, null, null],
      );
      assert.match(all[0].text, /Total params: /);
      for (const w of all.slice(1))
        assert.ok(w.canvases.length > 0 && w.canvases.every((c) => c.variance > 0), JSON.stringify(w.canvases));
      assert.equal(await page.evaluate(() => window.ConvScope.ConvScopeElement.stats.modelLoads), 1);
      assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
      assert.deepEqual(problems, []);
      // One build downloaded, the one that runs (none of the single-threaded ones when threaded).
      assert.deepEqual(
        await assetsLoaded(page),
        isolated ? ['convscope-default-model.bin'] : ['convscope-default-model.bin', 'convscope-web-relaxed.wasm'],
      );
      // Isolated: the threaded relaxed build from dist/convscope-threads/ beside the script.
      const engine = await page.evaluate(() => {
        const { variant, threads } = document.querySelector('conv-scope[view=summary]').model;
        return { variant, threads };
      });
      assert.deepEqual(
        engine,
        isolated
          ? { variant: 'relaxed-mt', threads: Math.min(os.availableParallelism(), 8) }
          : { variant: 'relaxed', threads: 1 },
      );
      // Grad-CAM at the layer its attribute names (the tutorial's: block3_conv3).
      const cam = await page.evaluate(() => {
        const s = document.querySelector('conv-scope[view=gradcam]').shadowRoot;
        const button = s.querySelector('.controls button');
        const style = getComputedStyle(button);
        return {
          caption: s.querySelector('figcaption').textContent,
          border: style.borderTopStyle,
          borderColor: style.borderTopColor,
          legend: Boolean(s.querySelector('.legend')),
        };
      });
      assert.match(cam.caption, /^gradcam · layer block3_conv3 · /);
      assert.ok(cam.legend, 'the map has a legend');
      // Buttons look like buttons inside the shadow root (the page's colour variables reach it).
      assert.equal(cam.border, 'solid');
      assert.notEqual(cam.borderColor, 'rgba(0, 0, 0, 0)');
      await page.screenshot({ path: path.join(out, `tutorial${isolated ? '-isolated' : ''}.png`), fullPage: true });
    } finally {
      await close();
    }
  });
}

test('five widgets share one model load; attributes re-render; drop replaces the image; a broken model stays local', async () => {
  writeFileSync(path.join(out, 'small.bin'), smallModel().bytes);
  for (const name of ['chelsea.jpg', 'camera.jpg'])
    writeFileSync(path.join(out, name), readFileSync(path.join(root, 'web/samples', name)));
  writeFileSync(
    path.join(out, 'page.html'),
    `<!doctype html>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<link rel="icon" href="data:,">
<script src="/dist/convscope-widget.js"></script>
<conv-scope id="features" model="small.bin" image="chelsea.jpg" view="features" layer="block1_conv1"></conv-scope>
<conv-scope id="cam" model="small.bin" image="chelsea.jpg" view="gradcam" interactive></conv-scope>
<conv-scope model="small.bin" image="chelsea.jpg" view="saliency"></conv-scope>
<conv-scope model="small.bin" view="filters"></conv-scope>
<conv-scope model="small.bin" view="architecture"></conv-scope>
<conv-scope id="broken" model="missing.bin" view="summary"></conv-scope>
`,
  );
  const { page, problems, requests, close } = await open('/test-output/widget/page.html');
  try {
    const all = await widgets(page, 6);
    // No widget names a Keras file: the Keras reader is never downloaded.
    assert.equal(requests.filter((r) => r.endsWith('/convscope-keras.js')).length, 0);
    assert.deepEqual(
      all.slice(0, 5).map((w) => w.error),
      [null, null, null, null, null],
    );
    assert.match(all[5].error, /^convscope: could not load .*missing\.bin: HTTP 404$/);
    assert.equal(await page.evaluate(() => window.ConvScope.ConvScopeElement.stats.modelLoads), 1);
    assert.equal(await page.evaluate(() => document.getElementById('cam').model.params), 64750);

    await page.evaluate(() => document.getElementById('features').setAttribute('layer', 'block2_conv2'));
    await page.waitForFunction(
      (h) =>
        window.testSupport.pixels(document.getElementById('features').shadowRoot.querySelector('main canvas')).hash !==
        h,
      all[0].canvases[0].hash,
      { timeout: 60000 },
    );

    const camera = readFileSync(path.join(out, 'camera.jpg')).toString('base64');
    await page.evaluate((b64) => {
      const dt = new DataTransfer();
      dt.items.add(
        new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'camera.jpg', { type: 'image/jpeg' }),
      );
      document
        .getElementById('cam')
        .dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, camera);
    await page.waitForFunction(
      () => document.getElementById('cam').shadowRoot.querySelector('main canvas')?.height === 448,
      null,
      { timeout: 60000 },
    );
    // exportPNG: the figure as its Export button saves it, legend and caption below the map.
    const png = await page.evaluate(async () => {
      const blob = await document.getElementById('cam').exportPNG();
      const bitmap = await createImageBitmap(blob);
      return { bytes: blob.size, width: bitmap.width, height: bitmap.height };
    });
    assert.ok(png.bytes > 1000 && png.height > 448 + 40, `exportPNG gave ${JSON.stringify(png)}`);
    // The sanity check's two maps have an Export each.
    await page.evaluate(() =>
      [...document.getElementById('cam').shadowRoot.querySelectorAll('button')]
        .find((b) => b.textContent === 'Sanity check')
        .click(),
    );
    await page.waitForFunction(
      () => document.getElementById('cam').shadowRoot.querySelectorAll('main figure').length === 3,
      null,
      { timeout: 60000 },
    );
    assert.deepEqual(
      await page.evaluate(() =>
        [...document.getElementById('cam').shadowRoot.querySelectorAll('main figure button')].map((b) =>
          /^Export PNG \(\d+×\d+\)$/.test(b.textContent),
        ),
      ),
      [true, true, true],
    );
    assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
    assert.deepEqual(
      problems.filter((p) => !/404/.test(p)),
      [],
    );
    await page.screenshot({ path: path.join(out, 'widgets.png'), fullPage: true });
  } finally {
    await close();
  }
});

// Firefox ESR: the same tutorial under the same CSP renders every widget (puppeteer-core over
// WebDriver BiDi; not isolated: the threaded builds are Chromium-tested above).
test('Firefox: the example tutorial renders every widget under the strict CSP', async () => {
  const { page, problems, close } = await open('/web/examples/tutorial.html', {
    browser: 'firefox',
    viewport: { width: 1280, height: 900 },
  });
  try {
    const count = await page.evaluate(() => document.querySelectorAll('conv-scope').length);
    for (let i = 0; i < count; i++) {
      await page.evaluate((k) => document.querySelectorAll('conv-scope')[k].scrollIntoView(), i);
      await page.waitForFunction((k) => {
        const s = document.querySelectorAll('conv-scope')[k].shadowRoot;
        return !s.querySelector('.error').hidden || s.querySelector('main canvas, main pre, main svg');
      }, i);
    }
    const errors = await page.evaluate(() =>
      [...document.querySelectorAll('conv-scope')].map((w) => {
        const e = w.shadowRoot.querySelector('.error');
        return e.hidden ? null : e.textContent;
      }),
    );
    assert.deepEqual(errors, new Array(count).fill(null));
    // One wasm build of the two downloaded.
    const loaded = await assetsLoaded(page);
    assert.equal(loaded.filter((name) => name.endsWith('.wasm')).length, 1, loaded.join(', '));
    assert.match(
      await page.evaluate(
        () => document.querySelector('conv-scope[view=gradcam]').shadowRoot.querySelector('figcaption').textContent,
      ),
      /^gradcam · layer block3_conv3 · /,
    );
    assert.equal(await page.evaluate(() => window.ConvScope.ConvScopeElement.stats.modelLoads), 1);
    assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
    assert.deepEqual(problems, []);
    await page.screenshot({ path: path.join(out, 'tutorial-firefox.png'), fullPage: true });
  } finally {
    await close();
  }
});

for (const browser of ['chromium', 'firefox']) {
  test(`${browser}: Keras files as model=, converted once each by the reader beside the script, with preprocessing=, input-size= and labels=`, async () => {
    writeFileSync(path.join(out, 'small.bin'), smallModel().bytes);
    writeFileSync(path.join(out, 'chelsea.jpg'), readFileSync(path.join(root, 'web/samples/chelsea.jpg')));
    writeFileSync(path.join(out, 'fashion.keras'), readFileSync(kerasFile('fashion-bn', 'keras3').path));
    writeFileSync(path.join(out, 'cifar.h5'), readFileSync(kerasFile('cifar-binary', 'tf2-h5').path));
    writeFileSync(
      path.join(out, 'free.keras'),
      readFileSync(kerasFile('cifar-binary', 'keras3', ['--free-input-size']).path),
    );
    writeFileSync(
      path.join(out, 'names.txt'),
      'T-shirt/top\nTrouser\nPullover\nDress\nCoat\nSandal\nShirt\nSneaker\nBag\nAnkle boot\n',
    );
    writeFileSync(
      path.join(out, 'keras.html'),
      `<!doctype html>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<link rel="icon" href="data:,">
<script src="/dist/convscope-widget.js"></script>
<conv-scope id="cam" model="fashion.keras" image="chelsea.jpg" view="gradcam"></conv-scope>
<conv-scope id="seen" model="fashion.keras" image="chelsea.jpg" view="predictions"></conv-scope>
<conv-scope id="tf" model="fashion.keras" preprocessing="tf" view="summary"></conv-scope>
<conv-scope id="binary" model="cifar.h5" image="chelsea.jpg" view="predictions"></conv-scope>
<conv-scope id="raw" model="small.bin" preprocessing="raw" view="summary"></conv-scope>
<conv-scope id="free" model="free.keras" input-size="64x48" view="summary"></conv-scope>
<conv-scope id="fixed" model="fashion.keras" input-size="32x32" view="summary"></conv-scope>
<conv-scope id="bad" model="free.keras" input-size="huge" view="summary"></conv-scope>
<conv-scope id="named" model="fashion.keras" labels="names.txt" image="chelsea.jpg" view="predictions"></conv-scope>
<conv-scope id="listed" model="cifar.h5" labels="no cat, cat" view="summary"></conv-scope>
<conv-scope id="miscounted" model="fashion.keras" labels="shirt, shoe" view="summary"></conv-scope>
`,
    );
    const { page, problems, requests, close } = await open('/test-output/widget/keras.html', {
      browser,
      viewport: { width: 1280, height: 2400 },
    });
    try {
      for (let i = 0; i < 11; i++) {
        await page.evaluate((k) => document.querySelectorAll('conv-scope')[k].scrollIntoView(), i);
        await page.waitForFunction(
          (k) => {
            const s = document.querySelectorAll('conv-scope')[k].shadowRoot;
            return !s.querySelector('.error').hidden || s.querySelector('main canvas, main pre, main svg');
          },
          i,
          { timeout: 120000 },
        );
      }
      const state = await page.evaluate(() =>
        Object.fromEntries(
          [...document.querySelectorAll('conv-scope')].map((w) => {
            const e = w.shadowRoot.querySelector('.error');
            return [
              w.id,
              {
                error: e.hidden ? null : e.textContent,
                mode: w.model?.preprocessing.mode,
                labels: w.model?.labels.length,
              },
            ];
          }),
        ),
      );
      assert.deepEqual(state, {
        cam: { error: null, mode: 'rescale', labels: 0 }, // the converter's default: the file does not say
        seen: { error: null, mode: 'rescale', labels: 0 },
        tf: { error: null, mode: 'tf', labels: 0 },
        binary: { error: null, mode: 'raw', labels: 0 }, // its own Rescaling layer
        raw: { error: null, mode: 'raw', labels: 0 },
        free: { error: null, mode: 'raw', labels: 0 },
        fixed: {
          error:
            'convscope: input-size="32x32": the model takes 28 x 28 pictures; input-size is for a Keras model whose input size is free',
          mode: 'rescale',
          labels: 0,
        },
        bad: {
          error: 'convscope: input-size="huge": give the height and width as HxW (e.g. 160x160), each from 1 to 4096',
          mode: undefined,
          labels: undefined,
        },
        // Class names from a file beside the page, and listed in the attribute.
        named: { error: null, mode: 'rescale', labels: 10 },
        listed: { error: null, mode: 'raw', labels: 2 },
        miscounted: {
          error:
            "convscope: the class names for fashion.keras has 2 names but the model has 10 classes: give one name per class, in the model's order",
          mode: undefined,
          labels: undefined,
        },
      });
      assert.match(
        await page.evaluate(() => document.getElementById('named').shadowRoot.querySelector('main').textContent),
        /T-shirt\/top|Trouser|Pullover|Dress|Coat|Sandal|Shirt|Sneaker|Bag|Ankle boot/,
      );
      assert.deepEqual(await page.evaluate(() => document.getElementById('listed').model.labels), ['no cat', 'cat']);
      assert.match(
        await page.evaluate(() => document.getElementById('free').shadowRoot.querySelector('pre').textContent),
        /any height and width; convscope runs it at 64 x 48 /,
      );
      // Each (file, preprocessing, labels, input size) converted once; the reader fetched once, from beside
      // the script.
      assert.equal(await page.evaluate(() => window.ConvScope.ConvScopeElement.stats.modelLoads), 8);
      assert.equal(requests.filter((r) => r.endsWith('/dist/convscope-keras.js')).length, 1);
      assert.match(
        await page.evaluate(() => document.getElementById('cam').shadowRoot.querySelector('figcaption').textContent),
        /^gradcam · layer activation_1 · /,
      );
      // The grayscale model's picture as it sees it (gray, at its input size), beside the picture.
      assert.deepEqual(await seenPictures(page, '#seen'), {
        picture: false,
        seen: { width: 28, height: 28, gray: true },
      });
      assert.equal(
        await page.evaluate(() =>
          document.getElementById('binary').shadowRoot.querySelector('canvas').getAttribute('aria-label'),
        ),
        'top-5 predictions',
      );
      assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
      assert.deepEqual(problems, []);
      await page.screenshot({ path: path.join(out, `keras-${browser}.png`), fullPage: true });
    } finally {
      await close();
    }
  });
}
