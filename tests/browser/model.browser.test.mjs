// A converted model in headless Chromium, in every build the page can load (baseline SIMD, relaxed
// SIMD, and relaxed SIMD on two threads in a cross-origin isolated page): load, run every sample
// photo from file bytes and from canvas pixels, read activations, draw grids on a canvas; and the
// builds agree (the threaded one to the bit with its single-threaded twin).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { openPage } from '../support/page.mjs';
import { root, samplePhotos, smallModel } from '../support/models.mjs';
import { pearson } from '../support/stats.mjs';

const photos = samplePhotos.filter((p) => !p.endsWith('.gif'));
const results = {};

const BUILDS = [
  ['web', 'baseline', 1],
  ['web-relaxed', 'relaxed', 1],
  ['web-relaxed-mt', 'relaxed-mt', 2],
];
for (const [module, variant, threads] of BUILDS) {
  test(`a converted model runs and explains in Chromium (${module}, ${threads} thread(s))`, async () => {
    const routes = { '**/model.bin': smallModel().bytes };
    const url = `/tests/browser/model.html?module=${module}&threads=${threads}`;
    const { page, problems, close } = await openPage(url, { serve: root, isolated: threads > 1, routes });
    try {
      const result = await page.evaluate((p) => window.runConvscopeTest(p), photos);
      results[variant] = result;

      assert.deepEqual([result.build.variant, result.build.threads], [variant, threads]);
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
    } finally {
      await close();
    }
  });
}

test('the threaded relaxed build computes exactly what the single-threaded one does', () => {
  const { relaxed } = results,
    threaded = results['relaxed-mt'];
  assert.ok(relaxed && threaded, 'both builds ran');
  assert.deepEqual(threaded.runs, relaxed.runs);
  assert.deepEqual(threaded.camMap, relaxed.camMap);
});

// f32 runs the same arithmetic in both (relaxed fused multiply-add is not used where it does not
// fuse); int8 runs other kernels on the same quantized values, so it agrees within int8's bounds.
test("the relaxed-SIMD build gives the baseline build's answers", () => {
  const { baseline, relaxed } = results;
  assert.ok(baseline && relaxed, 'both builds ran');
  for (let i = 0; i < photos.length; i++) {
    const [b, r] = [baseline.runs[i], relaxed.runs[i]];
    assert.deepEqual(r.top, b.top, `${photos[i]}: the same classes`);
    const scale = Math.max(...b.logits.f32.map(([, v]) => Math.abs(v)));
    b.logits.f32.forEach(([index, logit], k) => {
      assert.equal(r.logits.f32[k][0], index, `${photos[i]}: f32 rank ${k}`);
      assert.ok(Math.abs(r.logits.f32[k][1] - logit) <= 1e-5 * scale, `${photos[i]}: f32 logit ${index}`);
    });
    const int8 = (run) =>
      run.logits.int8
        .slice()
        .sort((x, y) => x[0] - y[0])
        .map(([, v]) => v);
    assert.ok(pearson(int8(r), int8(b)) >= 0.99, `${photos[i]}: int8 logits correlate`);
  }
  assert.ok(
    pearson(relaxed.camMap, baseline.camMap) >= 0.99,
    `Grad-CAM maps correlate: ${pearson(relaxed.camMap, baseline.camMap)}`,
  );
});
