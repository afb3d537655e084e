// Graphs in dist/convscope.html (file://), in Chromium and Firefox ESR: keras.applications'
// ResNet50 (narrow, as Keras 3 saves it; its preprocessing known) and the transfer-learning pattern
// (a MobileNetV2 base inside a Sequential, as tf.keras 2 saves it; asked, the base's preprocessing
// preselected) dropped in, every view and method drawn, Grad-CAM
// at the last block by default, and a layer of the nested base explained by its own name; and
// DenseNet121's 429 layers drawn in the architecture view on a screen of pixel ratio 2 (a canvas
// that wide at full density would be blank).
// Screenshots go to test-output/keras-models/.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { kerasFile, NARROW } from '../support/keras_files.mjs';
import { assertDrawn, byKeyboard, everyView, openKeras } from '../support/keras_page.mjs';
import { pageUrl } from '../support/first_minutes.mjs';
import { BROWSERS, canvases, openPage, showTab } from '../support/page.mjs';

for (const browser of BROWSERS) {
  test(`${browser}: ResNet50 and a transfer-learning model dropped in, every view and method drawn`, async () => {
    const { page, problems, close } = await openPage(pageUrl, { browser });
    try {
      // keras.applications' ResNet50, known by its name and layers: caffe, without asking.
      await openKeras(page, kerasFile('resnet50', 'keras3', NARROW).path);
      const info = await page.evaluate(() => window.convscopeApp.state.model.info);
      assert.equal(info.camLayer, 'conv5_block3_out');
      assert.equal(info.preprocessing.mode, 'caffe');
      await everyView(page, `${browser}-resnet50`);

      // A new head on MobileNetV2: the page asks, its base's preprocessing (tf) chosen already.
      await openKeras(page, kerasFile('mobilenetv2-transfer', 'tf2-h5', NARROW).path, byKeyboard());
      assert.equal(await page.evaluate(() => window.convscopeApp.state.model.info.preprocessing.mode), 'tf');
      const rows = await page.evaluate(() => window.convscopeApp.state.model.summary.rows.map((r) => r.name));
      assert.ok(rows.includes('block_16_project_BN') && rows.at(-1) === 'dense', rows.join());
      await everyView(page, `${browser}-transfer`);
      // Grad-CAM at a layer inside the base, by its own name.
      await page.evaluate(() =>
        window.convscopeApp.set({ tab: 'explain', method: 'gradcam', camLayer: 'block_13_expand_relu' }),
      );
      await page.waitForFunction(() => document.querySelector('#view figure canvas'));
      assert.equal(
        await page.evaluate(() => document.querySelector('#view select[aria-label=Layer]').value),
        'block_13_expand_relu',
      );
      await assertDrawn(page, 'Grad-CAM at block_13_expand_relu');
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
}

for (const browser of BROWSERS) {
  test(`${browser}: DenseNet121's architecture drawn at pixel ratio 2`, async () => {
    const { page, problems, close } = await openPage(pageUrl, { browser, scale: 2 });
    try {
      await openKeras(page, kerasFile('densenet121', 'keras3', NARROW).path);
      await showTab(page, 'architecture');
      await assertDrawn(page, 'DenseNet121 architecture');
      const widest = (await canvases(page)).reduce((a, b) => (b.width > a.width ? b : a));
      // 429 boxes: wider than the 32,767 pixels a canvas may have at twice the density.
      assert.ok(widest.width > 16000 && widest.width <= 32767, JSON.stringify(widest));
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
}
