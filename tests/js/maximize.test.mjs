// Activation maximization: raises the target unit's activation at least 10x over the seed noise,
// deterministic for a seed, progress and cancellation, clear errors, the last image kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { loadConvscope } from '../support/load_module.mjs';
import { readImage, smallModel } from '../support/models.mjs';

const m = await loadConvscope();

test('maximizes filters (both presets) and a class logit', () => {
  const model = m.Model.load(smallModel().bytes);
  try {
    for (const options of [
      { layer: 'block3_conv1', filter: 2 },
      { layer: 'block5_conv2', filter: 7, preset: 'lucid' },
      { layer: 'predictions', class: 4, steps: 100 },
    ]) {
      const r = model.maximize(options);
      const what = JSON.stringify(options);
      assert.ok(r.endActivation >= 10 * Math.max(r.startActivation, 1e-3),
        `${what}: ${r.startActivation} -> ${r.endActivation}`);
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
    model.maximize({ layer: 'block3_conv1', filter: 5, steps: 4, onProgress: (f) => { seen.push(f); } });
    assert.deepEqual(seen, [0.25, 0.5, 0.75, 1]);
    assert.throws(() => model.maximize({ layer: 'block3_conv1', filter: 5, steps: 50, onProgress: (f) => f < 0.2 }), /cancelled/);
    assert.throws(() => model.maximize({ layer: 'block1_pool', filter: 0 }), /needs a Conv2D layer or the class layer; block1_pool is a MaxPooling2D/);
    assert.throws(() => model.maximize({ layer: 'block3_conv1', filter: 16 }), /filter 16 is out of range: block3_conv1 has 16/);
    assert.throws(() => model.maximize({ layer: 'predictions', class: 99 }), /class 99 is out of range/);
    assert.throws(() => model.maximize({ layer: 'block3_conv1', filter: 1, preset: 'deepdream' }), /preset must be 'keras-vis' or 'lucid'/);
    assert.throws(() => model.maximize({ layer: 'block3_conv1' }), /filter must be a non-negative integer/);
    assert.throws(() => model.maximize({ layer: 'block3_conv1', filter: 1, steps: 10001 }), /steps must be at most 10000, got 10001/);
    // size_t is 32 bits in wasm: larger numbers are refused, not truncated.
    assert.throws(() => model.maximize({ layer: 'block3_conv1', filter: 1, steps: 2 ** 53 - 1 }), /steps must be at most 4294967295, got 9007199254740991/);
    assert.deepEqual(Array.from(model.activation('block3_conv1').data), before, 'the image\'s activations are back');
  } finally {
    model.release();
  }
});
