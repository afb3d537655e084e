// How faithful int8 maps are on a full-size VGG16 (random He weights: the hard case, its gradients
// are chaotic), photos resized to 224x224: the maps of the int8 file against those of the f32 file
// converted from the same Keras weights, for the f32 file's top class, as the page shows them.
// Issue 18's targets (docs/explanation-methods.md explains the limit vanilla gradients hit):
// Pearson >= 0.95 for guided backprop, Grad-CAM, guided Grad-CAM and occlusion, >= 0.65 for
// vanilla saliency and SmoothGrad (and input x gradient, a vanilla gradient too), on five photos. SmoothGrad and integrated gradients take many
// passes, so they run on three photos with fewer samples than the page's (the same seed gives both
// files the same noise). Integrated gradients at the page's 50 steps meet their 0.90 target since
// the page shows them signed (docs/measurements.md), which is what the int8 weights allow (the
// second test); fewer steps average less, so at 16 steps this asserts 0.78 as a guard against
// regressions.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { loadConvscope } from '../support/load_module.mjs';
import { readImage, roundedLikeInt8, samplePhotos, vgg16 } from '../support/models.mjs';
import { pearson } from '../support/stats.mjs';

// Two threads where the machine has them: the results are the same bits (tests/js/threads.test.mjs).
const m = await loadConvscope({ threads: 2 });
const USES_GRADIENTS = new Map(m.catalog().methods.map((x) => [x.name, x.usesGradients]));

// method: [options, target, photos]. Occlusion scores the logit: this random-weight model's
// softmax is saturated, so the probability hardly drops anywhere.
const METHODS = {
  guided: [{}, 0.95, 5],
  gradcam: [{}, 0.95, 5],
  'guided-gradcam': [{}, 0.95, 5],
  'gradcam-plus-plus': [{}, 0.95, 5],
  // Element by element, gradient times activation: between Grad-CAM's mean gradient and
  // saliency's raw one (measured 0.91-0.96 on the five photos).
  hirescam: [{}, 0.9, 5],
  xgradcam: [{}, 0.95, 5],
  layercam: [{}, 0.95, 5],
  // Forward passes only: the int8 model's own activations and scores, against f32's.
  ablationcam: [{}, 0.95, 3],
  eigencam: [{}, 0.95, 5],
  occlusion: [{ patch: 64, stride: 32, score: 'logit' }, 0.95, 5],
  saliency: [{}, 0.65, 5],
  'input-x-gradient': [{}, 0.65, 5],
  smoothgrad: [{ samples: 12, seed: 3 }, 0.65, 3],
  ig: [{ samples: 16 }, 0.78, 3],
};

test('full-size VGG16: int8 maps correlate with the f32 maps at the targets', () => {
  const f32 = m.Model.load(vgg16(['--precision', 'f32']).bytes);
  const int8 = m.Model.load(vgg16().bytes);
  const misses = [];
  try {
    for (const photo of samplePhotos.slice(0, 5)) {
      const cls = f32.run(readImage(photo)).predictions[0].index;
      int8.run(readImage(photo));
      for (const [method, [options, target, photos]] of Object.entries(METHODS)) {
        if (samplePhotos.indexOf(photo) >= photos) continue;
        const a = f32.explain(method, { class: cls, ...options });
        const b = int8.explain(method, { class: cls, ...options });
        assert.deepEqual([a.weights, b.weights], ['f32', 'int8'], `${photo} ${method}: weights`);
        // Gradient methods run on an f32 pass over the int8 weights; the others stay int8.
        assert.equal(b.activations, USES_GRADIENTS.get(method) ? 'f32' : 'int8');
        const r = pearson(a.map, b.map);
        console.log(`${photo} ${method}: Pearson ${r.toFixed(4)} (target ${target})`);
        if (!(r >= target)) misses.push(`${photo} ${method}: ${r.toFixed(4)} < ${target}`);
      }
    }
  } finally {
    f32.release();
    int8.release();
  }
  assert.deepEqual(misses, []);
});

// The Pearson values above are the int8 weights' own limit: an int8 file's gradient maps are those
// of an f32 file holding its weights (the same Keras weights rounded as the int8 conversion rounds
// them), so its gradient path adds nothing to what rounding the weights costs
// (bench/int8_weight_limit.mjs measures both at the page's settings).
test('full-size VGG16: int8 gradient maps equal those of an f32 model on the same rounded weights', () => {
  const rounded = m.Model.load(roundedLikeInt8(vgg16().h5).bytes);
  const int8 = m.Model.load(vgg16().bytes);
  try {
    for (const photo of samplePhotos.slice(0, 2)) {
      const cls = rounded.run(readImage(photo)).predictions[0].index;
      int8.run(readImage(photo));
      for (const [method, options] of [
        ['saliency', {}],
        ['guided', {}],
        ['input-x-gradient', {}],
        ['ig', { samples: 8 }],
      ]) {
        const r = pearson(
          rounded.explain(method, { class: cls, ...options }).map,
          int8.explain(method, { class: cls, ...options }).map,
        );
        console.log(`${photo} ${method}: int8 vs its rounded weights in f32, Pearson ${r.toFixed(6)}`);
        assert.ok(r >= 0.9999, `${photo} ${method}: Pearson ${r}`);
      }
    }
  } finally {
    rounded.release();
    int8.release();
  }
});
