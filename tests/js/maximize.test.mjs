// Activation maximization: raises the target unit's activation at least 10x over the seed noise,
// deterministic for a seed, progress and cancellation, clear errors, the last image kept; and on
// the trained default model, class images the model itself recognizes, different per class.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { loadConvscope } from '../support/load_module.mjs';
import { readImage, root, smallModel } from '../support/models.mjs';

const m = await loadConvscope();

test('maximizes filters (every preset) and a class logit', () => {
  const model = m.Model.load(smallModel().bytes);
  try {
    for (const options of [
      { layer: 'block3_conv1', filter: 2 },
      { layer: 'block5_conv2', filter: 7, preset: 'lucid' },
      { layer: 'block4_conv1', filter: 3, preset: 'keras-vis' },
      { layer: 'predictions', class: 4, steps: 100, preset: 'keras-vis' }, // its logit (smooth: log p, below)
    ]) {
      const r = model.maximize(options);
      const what = JSON.stringify(options);
      assert.ok(
        r.endActivation >= 10 * Math.max(r.startActivation, 1e-3),
        `${what}: ${r.startActivation} -> ${r.endActivation}`,
      );
      assert.deepEqual([r.width, r.height, r.data.length], [32, 32, 32 * 32 * 4]);
      assert.equal(r.objective.length, options.steps ?? (options.preset === 'lucid' ? 256 : 200));
      assert.ok(new Set(r.data).size > 20, `${what}: the image is not flat`);
    }
  } finally {
    model.release();
  }
});

test('deterministic for a seed; progress; cancel; errors; the last image is kept', () => {
  const model = m.Model.load(smallModel().bytes);
  try {
    model.run(readImage('coffee.png'));
    const before = Array.from(model.activation('block3_conv1').data);
    const a = model.maximize({ layer: 'block3_conv1', filter: 5, steps: 20, seed: 3 });
    const b = model.maximize({ layer: 'block3_conv1', filter: 5, steps: 20, seed: 3 });
    const c = model.maximize({ layer: 'block3_conv1', filter: 5, steps: 20, seed: 4 });
    assert.deepEqual(Array.from(a.data), Array.from(b.data));
    assert.notDeepEqual(Array.from(a.data), Array.from(c.data));
    const seen = [];
    model.maximize({
      layer: 'block3_conv1',
      filter: 5,
      steps: 4,
      onProgress: (f) => {
        seen.push(f);
      },
    });
    assert.deepEqual(seen, [0.25, 0.5, 0.75, 1]);
    assert.throws(
      () => model.maximize({ layer: 'block3_conv1', filter: 5, steps: 50, onProgress: (f) => f < 0.2 }),
      /cancelled/,
    );
    assert.throws(
      () => model.maximize({ layer: 'flatten', filter: 0 }),
      /needs a layer with feature maps or the class layer; flatten \(Flatten\) has output \(None, \d+\)/,
    );
    // Any layer with feature maps has filters to maximize, not only a Conv2D.
    assert.equal(model.maximize({ layer: 'block1_pool', filter: 0, steps: 2 }).objective.length, 2);
    assert.throws(
      () => model.maximize({ layer: 'block3_conv1', filter: 16 }),
      /filter 16 is out of range: block3_conv1 has 16/,
    );
    assert.throws(() => model.maximize({ layer: 'predictions', class: 99 }), /class 99 is out of range/);
    assert.throws(
      () => model.maximize({ layer: 'block3_conv1', filter: 1, preset: 'deepdream' }),
      /preset must be 'smooth', 'keras-vis' or 'lucid', got 'deepdream'/,
    );
    assert.throws(() => model.maximize({ layer: 'block3_conv1' }), /filter must be a non-negative integer/);
    assert.throws(
      () => model.maximize({ layer: 'block3_conv1', filter: 1, steps: 10001 }),
      /steps must be an integer from 0 to 10000, got number 10001/,
    );
    // size_t is 32 bits in wasm: larger numbers are refused, not truncated.
    assert.throws(
      () => model.maximize({ layer: 'block3_conv1', filter: 1, steps: 2 ** 53 - 1 }),
      /steps must be an integer from 0 to 10000, got number 9007199254740991/,
    );
    assert.throws(
      () => model.maximize({ layer: 'block3_conv1', filter: 1, seed: -1 }),
      /seed must be an integer from 0 to 4294967295, got number -1/,
    );
    assert.throws(
      () => model.maximize({ layer: 'block3_conv1', filter: 1, steps: '20' }),
      /steps must be an integer from 0 to 10000, got string '20'/,
    );
    assert.deepEqual(Array.from(model.activation('block3_conv1').data), before, "the image's activations are back");
  } finally {
    model.release();
  }
});

// The default preset on the default model (Fashion-MNIST): the model classifies each class's
// synthesized image, as displayed, as that class with p >= 0.9, and the images of different
// classes differ more than two seeds of one class do (mean grey-level distance). The sandal's
// ascent (class 5) can stall in a flat region, which tiny rounding differences decide, so one
// sandal of the 20 images may miss. Measured values, and tf-keras-vis' preset for comparison:
// docs/measurements.md.
test('default model: every class image is recognized as its class, and the classes look different', () => {
  const model = m.Model.load(readFileSync(path.join(root, 'web/models/default.bin')));
  try {
    const grey = (d) =>
      Float32Array.from({ length: d.length / 4 }, (_, i) => (d[4 * i] + d[4 * i + 1] + d[4 * i + 2]) / 3);
    const distance = (a, b) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]), 0) / a.length;
    const missed = [],
      probabilities = [];
    const images = [1, 2].map((seed) =>
      Array.from({ length: 10 }, (_, c) => {
        const r = model.maximize({ layer: 'predictions', class: c, seed });
        const seen = model.run({ data: r.data, width: r.width, height: r.height }, { topK: 10 });
        const p = seen.predictions.find((q) => q.index === c).probability;
        probabilities.push(p);
        if (p < 0.9) missed.push(`class ${c} (seed ${seed}): the model gives its image p = ${p.toFixed(3)}`);
        return grey(r.data);
      }),
    );
    // Only the sandal (class 5) may stall, and once.
    assert.ok(missed.length <= 1 && missed.every((x) => x.startsWith('class 5 ')), missed.join('; '));
    let same = 0,
      other = 0;
    for (let a = 0; a < 10; a++) {
      same += distance(images[0][a], images[1][a]) / 10;
      for (let b = 0; b < 10; b++) if (a !== b) other += distance(images[0][a], images[1][b]) / 90;
    }
    console.log(
      `class images: p ${Math.min(...probabilities).toFixed(3)}-${Math.max(...probabilities).toFixed(3)}, ` +
        `classes differ ${(other / same).toFixed(2)}x more than seeds`,
    );
    assert.ok(
      other >= 1.4 * same,
      `classes differ by ${other.toFixed(1)} grey levels, seeds of a class by ${same.toFixed(1)}`,
    );
  } finally {
    model.release();
  }
});
