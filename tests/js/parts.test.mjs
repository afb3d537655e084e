// Methods of independent passes split into parts (what the page's extra workers run, each in its
// own module instance): explain({part, parts}) on every part, then combine, must give the
// undivided result bit for bit, for SmoothGrad (same seed), integrated gradients, occlusion,
// Score-CAM and Ablation-CAM (at the model's CAM layer), and for the faithfulness metrics'
// perturbed copies (measurePart, combineMeasurement), on the trained default model and on a small
// VGG16.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { loadConvscope } from '../support/load_module.mjs';
import { readImage, root, smallModel } from '../support/models.mjs';

const m = await loadConvscope();

const CASES = {
  smoothgrad: { samples: 7, seed: 5 },
  ig: { samples: 6, baseline: 'blur' },
  occlusion: { patch: 6, stride: 3 },
  scorecam: {},
  ablationcam: {},
};

const models = {
  default: () => readFileSync(path.join(root, 'web/models/default.bin')),
  'small VGG16': () => smallModel().bytes,
};

for (const [name, bytes] of Object.entries(models)) {
  test(`${name}: parts combined equal the undivided method bit for bit`, () => {
    const model = m.Model.load(bytes());
    // A second instance of the model, as another worker would hold, for some of the parts.
    const other = m.Model.load(bytes());
    try {
      const image = readImage('chelsea.png');
      model.run(image);
      other.run(image);
      for (const [method, options] of Object.entries(CASES)) {
        const whole = model.explain(method, options);
        for (const parts of [2, 3]) {
          const results = [];
          for (let part = 0; part < parts; part++) {
            const x = (part % 2 ? other : model).explain(method, { ...options, part, parts });
            assert.equal(x.map.length, 0, 'a part has no map of its own');
            results.push(x.raw.data);
          }
          const combined = model.combine(method, options, results);
          assert.deepEqual(
            Array.from(combined.raw.data),
            Array.from(whole.raw.data),
            `${method} in ${parts} parts: raw`,
          );
          assert.deepEqual(Array.from(combined.map), Array.from(whole.map), `${method} in ${parts} parts: map`);
          assert.deepEqual([combined.arithmetic, combined.classIndex], [whole.arithmetic, whole.classIndex]);
        }
      }
    } finally {
      model.release();
      other.release();
    }
  });
}

test('parts: only the first part of occlusion passes on the coarse map; progress counts its own passes', () => {
  const model = m.Model.load(models.default());
  try {
    model.run(readImage('coffee.png'));
    const partials = [[], []];
    const progress = [[], []];
    for (const part of [0, 1]) {
      model.explain('occlusion', {
        patch: 4,
        stride: 2,
        part,
        parts: 2,
        onPartial: (p) => {
          partials[part].push(p.map.length);
        },
        onProgress: (f) => {
          progress[part].push(f);
        },
      });
    }
    assert.deepEqual(partials[0], [32 * 32], 'part 0: the coarsest level, all its own');
    assert.deepEqual(partials[1], []);
    for (const p of progress) assert.equal(p.at(-1), 1);
    const seen = [];
    model.explain('smoothgrad', {
      samples: 5,
      part: 1,
      parts: 2,
      onProgress: (f) => {
        seen.push(f);
      },
    });
    assert.deepEqual(seen, [0.5, 1], 'part 1 of 2 makes samples 1 and 3');
  } finally {
    model.release();
  }
});

test('metrics in parts: combined equal the undivided measure bit for bit, on two instances', () => {
  const model = m.Model.load(models['small VGG16']());
  const other = m.Model.load(models['small VGG16']());
  try {
    const image = readImage('coffee.png');
    model.run(image);
    other.run(image);
    const { map } = model.explain('gradcam');
    const randomizedModelMap = model.sanityCheck('gradcam', { topLayers: 2, randomizedOnly: true }).randomized.map;
    for (const [metric, options] of [
      ['deletion', { points: 7, randomizedModelMap }],
      ['road-morf', { percentStep: 30 }],
      ['confidence', { randomizedModelMap }],
    ]) {
      const whole = model.measure(metric, map, options);
      for (const parts of [2, 3, 5]) {
        const results = [];
        for (let part = 0; part < parts; part++)
          results.push((part % 2 ? other : model).measurePart(metric, map, { ...options, part, parts }));
        assert.equal(
          results.reduce((n, r) => n + r.length, 0),
          whole.map.probabilities.length * (options.randomizedModelMap ? 3 : 2),
          `${metric}: every copy in one part`,
        );
        const combined = model.combineMeasurement(metric, map, options, results);
        assert.deepEqual(combined, whole, `${metric} in ${parts} parts`);
      }
    }
    const a = model.measurePart('deletion', map, { points: 5, part: 0, parts: 2 });
    assert.throws(
      () => model.combineMeasurement('deletion', map, { points: 5 }, [a]),
      /part 0 of 1 holds 5 probabilities; deletion of 2 maps gives it 10: was it made with the same options\?/,
    );
    for (const [part, parts] of [
      [2, 2],
      [0, 65],
    ])
      assert.throws(
        () => model.measurePart('deletion', map, { part, parts }),
        new RegExp(`part must be 0 to parts - 1 and parts 1 to 64, got part ${part} of ${parts}`),
      );
    assert.throws(
      () => model.measure('deletion', map, { part: 1, parts: 2 }),
      /part and parts are for measurePart: measure and combineMeasurement take the whole/,
    );
  } finally {
    model.release();
    other.release();
  }
});

test('parts: bad splits and mismatched parts are refused with messages', () => {
  const model = m.Model.load(models.default());
  try {
    model.run(readImage('coffee.png'));
    assert.throws(() => model.explain('saliency', { parts: 2 }), /saliency cannot be split into parts/);
    assert.throws(
      () => model.explain('ig', { part: 2, parts: 2 }),
      /part must be 0 to parts - 1 and parts 1 to 64, got part 2 of 2/,
    );
    assert.throws(() => model.explain('ig', { parts: 65 }), /parts 1 to 64/);
    const a = model.explain('ig', { samples: 4, part: 0, parts: 2 }).raw.data;
    const b = model.explain('ig', { samples: 4, part: 1, parts: 2 }).raw.data;
    assert.throws(() => model.combine('ig', { samples: 4 }, [a]), /combine takes the parts/);
    assert.throws(
      () => model.combine('ig', { samples: 6 }, [a, b]),
      /part 0 of 2 has \d+ values, expected \d+: was it made with the same options\?/,
    );
    assert.throws(() => model.combine('ig', { samples: 4 }, [a, 'b']), /part 1 must be a Float32Array, got string/);
    assert.throws(() => model.combine('gradcam', {}, [a, b]), /cannot be split into parts|combine takes/);
    const o = model.explain('occlusion', { patch: 4, stride: 2, part: 0, parts: 2 }).raw.data;
    assert.throws(
      () => model.combine('occlusion', { patch: 4, stride: 4 }, [o, o]),
      /an occlusion part has \d+ positions, expected \d+/,
    );
    assert.throws(
      () => model.combine('occlusion', { patch: 0 }, [o, o]),
      /patch must be an integer from 1 to 32768, got number 0/,
    );
    // The model is still usable.
    assert.equal(model.explain('ig', { samples: 4 }).map.length, 32 * 32);
  } finally {
    model.release();
  }
});
