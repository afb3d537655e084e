// Faithfulness metrics (Model.measure): deletion, insertion, ROAD and the change in confidence of a map,
// against the same computation in PyTorch (tests/reference/faithfulness.py), beside a random map.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { loadConvscope } from '../support/load_module.mjs';
import { readImage, smallModel, torchExplain } from '../support/models.mjs';

const m = await loadConvscope();

// Probabilities of f32 passes against float64 ones.
function assertNear(got, want, what, tolerance = 1e-4) {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < got.length; i++) {
    assert.ok(Math.abs(got[i] - want[i]) <= tolerance, `${what}[${i}]: ${got[i]} vs ${want[i]}`);
  }
}

// Trapezoids over [0, 1].
const area = (p) => p.slice(1).reduce((s, v, i) => s + (v + p[i]) / 2, 0) / (p.length - 1);

test('small VGG16 (f32): deletion, insertion, ROAD and confidence of Grad-CAM equal PyTorch', () => {
  const { bytes, h5 } = smallModel(['--precision', 'f32']);
  const model = m.Model.load(bytes);
  try {
    const run = model.run(readImage('chelsea.png'), { precision: 'f32' });
    const [h, w] = model.info().inputShape;
    const input = Float32Array.from(model.activation('input_1').data);
    const { mean } = model.info().preprocessing;
    const baseline = Float32Array.from(input, (_, i) => -mean[i % 3]); // black, preprocessed
    const cls = run.predictions[0].index;
    const { map } = model.explain('gradcam', { class: cls });
    const steps = 8,
      points = steps + 1,
      roadStep = 20;
    const ref = torchExplain(h5, input, h, w, cls, [], { metrics: { map, baseline, steps, roadStep } }).metrics;
    for (const metric of ['deletion', 'insertion']) {
      const r = model.measure(metric, map, { points, class: cls });
      assert.equal(r.metric, metric);
      assert.equal(r.classIndex, cls);
      assert.deepEqual(
        Array.from(r.x),
        [...Array(steps + 1).keys()].map((i) => Math.fround(i / steps)),
      );
      assertNear(r.map.probabilities, ref[metric], metric);
      assert.ok(Math.abs(r.map.score - area(Array.from(ref[metric]))) < 1e-4, `${metric} area`);
      assert.equal(r.random.probabilities.length, steps + 1);
      // The random map's curve starts and ends where the map's does: the image and the baseline.
      for (const end of [0, steps]) assert.equal(r.random.probabilities[end], r.map.probabilities[end]);
      assert.notDeepEqual(Array.from(r.random.probabilities), Array.from(r.map.probabilities));
    }
    // Deletion ends where insertion starts (the baseline), and starts at the image's probability.
    const del = model.measure('deletion', map, { points }),
      ins = model.measure('insertion', map, { points });
    assert.equal(del.map.probabilities[steps], ins.map.probabilities[0]);
    assert.ok(Math.abs(del.map.probabilities[0] - run.predictions[0].probability) < 1e-6);
    // ROAD without noise against a dense solve of the same imputation; the map's order, or reversed.
    for (const metric of ['road-morf', 'road-lerf']) {
      const r = model.measure(metric, map, { percentStep: roadStep, imputationNoise: 0, class: cls });
      assert.deepEqual(Array.from(r.x), [0, 0.2, 0.4, 0.6, 0.8].map(Math.fround));
      assertNear(r.map.probabilities, ref[metric], metric);
      const mean =
        Array.from(ref[metric])
          .slice(1)
          .reduce((s, v) => s + v, 0) / 4;
      assert.ok(Math.abs(r.map.score - mean) < 1e-4, `${metric} score`);
      assert.equal(r.random.probabilities[0], r.map.probabilities[0]);
      // Noise changes the imputed pixels, the same way for the same seed.
      const noisy = model.measure(metric, map, { percentStep: roadStep, class: cls });
      assert.notDeepEqual(Array.from(noisy.map.probabilities), Array.from(r.map.probabilities));
      const again = model.measure(metric, map, { percentStep: roadStep, class: cls });
      assert.deepEqual(Array.from(again.map.probabilities), Array.from(noisy.map.probabilities));
    }
    assert.deepEqual(Array.from(model.measure('road-morf', map).x).length, 10, 'ROAD: 10% to 90%');
    // Beside the sanity check's randomized model's map: the same measure of that map.
    const randomizedModelMap = model.sanityCheck('gradcam', { class: cls, topLayers: 3, randomizedOnly: true })
      .randomized.map;
    const beside = model.measure('deletion', map, { points, class: cls, randomizedModelMap });
    assert.deepEqual(Array.from(beside.map.probabilities), Array.from(del.map.probabilities));
    assert.deepEqual(
      Array.from(beside.randomizedModel.probabilities),
      Array.from(model.measure('deletion', randomizedModelMap, { points, class: cls }).map.probabilities),
    );
    assert.notDeepEqual(Array.from(beside.randomizedModel.probabilities), Array.from(del.map.probabilities));
    assert.equal(del.randomizedModel, null);
    const c = model.measure('confidence', map);
    assert.equal(c.x.length, 0);
    assertNear(c.map.probabilities, ref.confidence, 'confidence');
    const [before, after] = ref.confidence;
    assert.ok(Math.abs(c.map.score - (Math.max(0, before - after) / before) * 100) < 1e-2, 'drop in percent');
    // The blurred baseline is another start; the seed another random map.
    const blur = model.measure('insertion', map, { points, baseline: 'blur' });
    assert.notEqual(blur.map.probabilities[0], ins.map.probabilities[0]);
    const seeded = model.measure('deletion', map, { points, seed: 2 });
    assert.deepEqual(Array.from(seeded.map.probabilities), Array.from(del.map.probabilities));
    assert.notDeepEqual(Array.from(seeded.random.probabilities), Array.from(del.random.probabilities));
  } finally {
    model.release();
  }
});

test('measure: progress, Cancel, the image kept, int8, and clear messages for bad requests', () => {
  const model = m.Model.load(smallModel().bytes);
  try {
    const map = new Float32Array(32 * 32).map((_, i) => i % 7);
    assert.throws(() => model.measure('deletion', map), /no image to measure on yet: run one first/);
    model.run(readImage('coffee.png'));
    const before = Array.from(model.activation('fc1').data);
    const seen = [];
    const r = model.measure('deletion', map, { points: 41, onProgress: (f) => void seen.push(f) });
    assert.ok(seen.length >= 4 && seen.at(-1) === 1, `progress ${seen}`);
    assert.ok(
      seen.every((f, i) => i === 0 || f > seen[i - 1]),
      'progress only rises',
    );
    for (const p of [...r.map.probabilities, ...r.random.probabilities]) assert.ok(p >= 0 && p <= 1);
    assert.throws(() => model.measure('insertion', map, { onProgress: () => false }), /cancelled/);
    assert.deepEqual(Array.from(model.activation('fc1').data), before, 'the image pass is back');
    assert.throws(
      () => model.measure('rise', map),
      /unknown metric 'rise' \(metrics: deletion, insertion, road-morf, road-lerf, confidence\)/,
    );
    assert.throws(
      () => model.measure('deletion', new Float32Array(10)),
      /the map has 10 values; deletion needs one per pixel of the model's input \(32 x 32\)/,
    );
    assert.throws(() => model.measure('deletion', [1, 2]), /the map must be a Float32Array/);
    assert.throws(
      () => model.measure('deletion', map, { randomizedModelMap: new Float32Array(3) }),
      /the randomized model's map has 3 values; deletion needs one per pixel/,
    );
    assert.throws(
      () => model.measure('deletion', map, { randomizedModelMap: [1] }),
      /randomizedModelMap must be a Float32Array/,
    );
    // Progress goes once through the three maps' passes.
    const thirds = [];
    model.measure('deletion', map, { points: 5, randomizedModelMap: map, onProgress: (f) => void thirds.push(f) });
    assert.ok(thirds.every((f, i) => i === 0 || f > thirds[i - 1]) && thirds.at(-1) === 1, `progress ${thirds}`);
    const holey = map.slice();
    holey[5] = NaN;
    assert.throws(
      () => model.measure('insertion', holey),
      /the map holds NaN: insertion ranks pixels by finite values/,
    );
    assert.throws(
      () => model.measure('deletion', map, { steps: 3 }),
      /unknown option 'steps' \(deletion takes class, points, baseline, seed, randomizedModelMap, onProgress\)/,
    );
    // Another metric's options are let through: one object serves all.
    assert.equal(model.measure('confidence', map, { points: 5, baseline: 'blur' }).x.length, 0);
    assert.throws(() => model.measure('deletion', map, { points: 2 }), /points must be an integer from 3 to 1001/);
    assert.throws(
      () => model.measure('confidence', map, { class: 10 }),
      /class 10 is out of range: the model has 10 classes/,
    );
    assert.throws(() => model.explain('occlusion', { class: 10 }), /class 10 is out of range/);
  } finally {
    model.release();
  }
});
