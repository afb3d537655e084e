// The model-parameter randomization test (Adebayo et al. 2018): the reported Spearman correlation
// is that of the two maps returned (recomputed here independently), the randomized layers are the
// top ones, the original map is explain's, and the loaded model is left untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { loadConvscope } from '../support/load_module.mjs';
import { readImage, smallModel } from '../support/models.mjs';

const m = await loadConvscope();

function ranks(v) {
  const order = Array.from(v.keys()).sort((a, b) => v[a] - v[b]);
  const r = new Float64Array(v.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && v[order[j + 1]] === v[order[i]]) j++;
    for (let k = i; k <= j; k++) r[order[k]] = (i + j) / 2;
    i = j + 1;
  }
  return r;
}

function spearman(a, b) {
  const ra = ranks(a),
    rb = ranks(b),
    mean = (a.length - 1) / 2;
  let ab = 0,
    aa = 0,
    bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (ra[i] - mean) * (rb[i] - mean);
    aa += (ra[i] - mean) ** 2;
    bb += (rb[i] - mean) ** 2;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0; // a constant map (all 0): no ranking
}

test('sanity check: randomizing the top layers changes the maps; Spearman as reported', () => {
  for (const args of [['--precision', 'f32'], []]) {
    const model = m.Model.load(smallModel(args).bytes);
    try {
      model.run(readImage('chelsea.png'));
      const plain = model.explain('gradcam', { class: 2 });
      const before = Array.from(model.activation('fc1').data);
      for (const [method, top] of [
        ['gradcam', 1],
        ['gradcam', 4],
        ['saliency', 3],
        ['occlusion', 2],
      ]) {
        const options = { class: 2, topLayers: top, patch: 8, stride: 4 };
        const r = model.sanityCheck(method, options);
        assert.deepEqual(
          r.randomizedLayers,
          ['predictions', 'fc2', 'fc1', 'block5_conv3'].slice(0, top),
          `${method} ${top}`,
        );
        assert.equal(r.original.classIndex, 2);
        assert.equal(r.randomized.classIndex, 2);
        assert.ok(
          Math.abs(r.spearman - spearman(r.original.map, r.randomized.map)) < 1e-9,
          `${method}: ${r.spearman} vs ${spearman(r.original.map, r.randomized.map)}`,
        );
        assert.ok(r.spearman < 0.999, `${method} top ${top}: the map did not change (${r.spearman})`);
        const again = model.sanityCheck(method, options);
        assert.equal(again.spearman, r.spearman, 'deterministic for a seed');
        const other = model.sanityCheck(method, { ...options, randomSeed: 9 });
        assert.notDeepEqual(Array.from(other.randomized.map), Array.from(r.randomized.map));
      }
      assert.deepEqual(Array.from(model.explain('gradcam', { class: 2 }).map), Array.from(plain.map));
      assert.deepEqual(Array.from(model.activation('fc1').data), before, 'the model is untouched');
      assert.throws(
        () => model.sanityCheck('gradcam', { topLayers: 0 }),
        /the sanity check randomizes 1 to 16 layers, got 0/,
      );
      assert.throws(() => model.sanityCheck('gradcam', { topLayers: 17 }), /randomizes 1 to 16 layers, got 17/);
      assert.throws(() => model.sanityCheck('lime'), /unknown method 'lime'/);
    } finally {
      model.release();
    }
  }
});

// The page's two workers split it: the original map on one (explain), the randomized copy's on
// the other (randomizedOnly), the correlation from spearmanCorrelation — the same numbers.
test('sanity check split in two: randomizedOnly and spearmanCorrelation give the same result', () => {
  const model = m.Model.load(smallModel().bytes);
  try {
    model.run(readImage('astronaut.png'));
    for (const method of ['gradcam', 'smoothgrad']) {
      const options = { topLayers: 2, randomSeed: 4, samples: 3 };
      const whole = model.sanityCheck(method, options);
      const original = model.explain(method, options);
      const half = model.sanityCheck(method, { ...options, randomizedOnly: true });
      assert.equal(half.original, null);
      assert.equal(half.spearman, null);
      assert.deepEqual(half.randomizedLayers, whole.randomizedLayers);
      assert.deepEqual(Array.from(half.randomized.map), Array.from(whole.randomized.map), method);
      assert.deepEqual(Array.from(original.map), Array.from(whole.original.map), method);
      assert.equal(m.spearmanCorrelation(original.map, half.randomized.map), whole.spearman);
    }
    assert.throws(
      () => m.spearmanCorrelation(new Float32Array(3), new Float32Array(4)),
      /two maps of the same non-zero size, got 3 and 4 values/,
    );
    assert.throws(
      () => m.spearmanCorrelation([1, 2], new Float32Array(2)),
      /takes two Float32Arrays, got Array and Float32Array/,
    );
  } finally {
    model.release();
  }
});
