// A converted model in headless Chromium: load, run every sample photo from file bytes and from
// canvas pixels, read activations, draw grids on a canvas.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { withTestPage } from '../support/chromium.mjs';
import { root, samplePhotos, smallModel } from '../support/models.mjs';

test('a converted model runs and explains in Chromium', async () => {
  const routes = { '**/model.bin': smallModel().bytes };
  await withTestPage(root, '/tests/browser/model.html', async ({ page, problems }) => {
    const photos = samplePhotos.filter((p) => !p.endsWith('.gif'));
    const result = await page.evaluate((p) => window.runConvscopeTest(p), photos);

    assert.equal(result.summary, 64750);
    assert.equal(result.runs.length, photos.length);
    for (const run of result.runs) {
      assert.equal(run.activation, 2 * 2 * 32, run.photo);
      assert.ok(run.featureColors > 10, `${run.photo}: feature maps drawn (${run.featureColors} values)`);
      // The browser's decoder and stb_image agree closely enough to pick the same class.
      assert.equal(run.top[0], run.top[1], `${run.photo}: file bytes vs canvas pixels`);
    }
    assert.ok(result.filterColors > 10);
    assert.deepEqual(result.cam, { layer: 'block5_conv3', size: 32 * 32, max: 1 });
    assert.equal(result.maximize.steps, 5);
    assert.ok(result.maximize.gain > 1, `maximization raised the activation (${result.maximize.gain}x)`);
    assert.match(result.error, /^ConvscopeError: not an image convscope can read/);
    assert.deepEqual(problems, []);
  }, { routes });
});
