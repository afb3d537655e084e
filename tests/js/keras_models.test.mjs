// Users' own Keras models — the tutorial CNNs (grayscale and RGB, BatchNormalization, standalone
// activations, linear and sigmoid heads) and a zoo that together use every layer kind and
// activation convscope runs — written as Keras 3.13 writes them, converted, and checked in f32
// against PyTorch autograd (tests/reference/keras_reference.py) on the same preprocessed input:
// the class scores and probabilities, every layer's activation (1e-4 of its largest magnitude),
// saliency, guided backpropagation, Grad-CAM at the default layer, integrated gradients and
// occlusion (1e-3, as for VGG16). Their int8 files keep the top class, and their saliency follows
// f32's.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  GRAPH_MODELS,
  NARROW,
  TUTORIAL_MODELS,
  ZOO_MODELS,
  convert,
  kerasFile,
  kerasReference,
} from '../support/keras_files.mjs';
import { loadConvscope } from '../support/load_module.mjs';
import { CAM_FAMILY, readImage } from '../support/models.mjs';
import { mapAgreement, pearson } from '../support/stats.mjs';

const m = await loadConvscope();

function maxAbs(a) {
  let v = 0;
  for (const x of a) v = Math.max(v, Math.abs(x));
  return v;
}

// Every element within `tolerance` of the reference's largest magnitude (or of `floor`: f32's own
// precision, for maps of differences between nearly equal numbers).
function assertClose(got, want, what, tolerance = 1e-3, floor = 1e-12) {
  assert.ok(want, `${what}: no reference`);
  assert.equal(got.length, want.length, `${what}: length`);
  const scale = Math.max(maxAbs(want), floor / tolerance);
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  assert.ok(worst <= tolerance * scale, `${what}: off by ${worst}, more than ${tolerance} of ${scale}`);
}

// A black picture through the model's preprocessing: integrated gradients' 'black' baseline.
function blackBaseline(info) {
  const [h, w, c] = info.inputShape;
  const p = info.preprocessing;
  const out = new Float32Array(h * w * c);
  for (let i = 0; i < out.length; i++) out[i] = -p.mean[i % c] / p.std[i % c];
  return out;
}

// Each model as the generator makes it (the graphs narrow), and one of a non-square input.
const MODEL_CASES = [
  ...[...TUTORIAL_MODELS, ...ZOO_MODELS].map((name) => [name, []]),
  ...GRAPH_MODELS.map((name) => [name, NARROW]),
];
const REFERENCE_CASES = [...MODEL_CASES, ['cifar-softmax', ['--input-size', '24', '40']]];

// Element-wise tolerances of the CAMs against the reference, as fractions of its largest value: 1%,
// and XGrad-CAM's too (it divides by a channel's sum of activations, which cancels to near zero in
// some channels of these random models and magnifies f32's rounding there: EfficientNetB0 1.2e-3).
// Score-CAM's weights are a softmax of logits, which turns their f32 rounding into relative errors
// of the weights (cifar-binary, whose sigmoid logits are large: 1.8e-2).
const CAM_TOLERANCE = { scorecam: 3e-2 };

for (const [name, extra] of REFERENCE_CASES) {
  test(`${name} ${extra.join(' ')} (Keras 3 .keras, f32): every layer, score and map equals PyTorch`, () => {
    const file = kerasFile(name, 'keras3', extra).path;
    // The graphs as before the converter knew keras.applications' preprocessing (keras_formats
    // tests that): x / 255, on which these comparisons were set. Under caffe's or tf's wider input
    // range, integrated gradients' path crosses ReLU kinks where f32 and float64 round to
    // different sides (MobileNetV2 under tf, 8 steps: 1,440 of 12,288 values up to 0.7% of the
    // largest apart; ResNet50 under caffe, 9 steps: 2.2%).
    const pinned = GRAPH_MODELS.includes(name) ? ['--preprocessing', 'rescale'] : [];
    const model = m.Model.load(convert(file, ['--precision', 'f32', ...pinned]).bytes);
    try {
      const info = model.info();
      const rows = model.summary().rows;
      const run = model.run(readImage('chelsea.png'), { precision: 'f32', topK: 1000 });
      const cls = run.predictions[0].index;
      const input = Float32Array.from(model.activation(rows[0].name).data);
      const ig = { steps: 8, baseline: blackBaseline(info) };
      const side = Math.min(info.inputShape[0], info.inputShape[1]);
      const occlusion = { patch: Math.max(2, Math.floor(side / 5)), stride: Math.max(2, Math.floor(side / 6)) };
      // Grad-CAM's layer, and a spatial layer halfway down for the other CAMs.
      const spatial = rows.filter((r) => r.spatial && r.category !== 'Data').map((r) => r.name);
      const middle = spatial[Math.floor(spatial.length / 2)];
      const ref = kerasReference(file, input, cls, { layers: [info.camLayer, middle], ig, occlusion });

      assert.equal(info.head.kind, { logits: 'linear', 'sigmoid-binary': 'binary' }[ref.meta.head] ?? ref.meta.head);
      const scores = new Float32Array(ref.logits.length);
      const probabilities = new Float32Array(ref.logits.length);
      for (const p of run.predictions) {
        scores[p.index] = p.logit;
        probabilities[p.index] = p.probability;
      }
      assertClose(scores, ref.logits, 'class scores', 1e-4);
      assertClose(probabilities, ref.probabilities, 'probabilities', 1e-4);
      assert.deepEqual(
        rows.map((r) => r.name),
        ref.meta.layers.map((l) => l.name),
        'the layers, in execution order',
      );
      for (const r of rows) {
        assertClose(model.activation(r.name).data, ref.activations[r.name], `${r.name} (${r.type}) output`, 1e-4);
      }
      assertClose(model.explain('saliency', { class: cls }).raw.data, ref.saliency, 'saliency');
      assertClose(model.explain('guided', { class: cls }).raw.data, ref.guided, 'guided backprop');
      const cam = model.explain('gradcam', { class: cls });
      assert.equal(cam.layer, info.camLayer);
      assertClose(cam.raw.data, ref.gradcam[info.camLayer], `Grad-CAM at ${info.camLayer}`);
      for (const method of CAM_FAMILY) {
        for (const layer of new Set([info.camLayer, middle])) {
          const x = model.explain(method, { class: cls, layer });
          assert.equal(x.layer, layer);
          // The measure, Pearson >= 0.999; element-wise within 1% (CAM_TOLERANCE).
          const r = mapAgreement(x.raw.data, ref.cams[method][layer]);
          assert.ok(r >= 0.999, `${method} at ${layer}: Pearson ${r}`);
          assertClose(x.raw.data, ref.cams[method][layer], `${method} at ${layer}`, CAM_TOLERANCE[method] ?? 1e-2);
        }
      }
      const igMap = model.explain('ig', { class: cls, samples: ig.steps, baseline: 'black' });
      assertClose(igMap.raw.data, ref.ig, 'integrated gradients');
      const occ = model.explain('occlusion', { class: cls, ...occlusion });
      // Drops of probabilities near 1 are differences of nearly equal f32 numbers: 1e-6 at least.
      assertClose(occ.raw.data, ref.occlusion, 'occlusion (probability drop)', 1e-3, 1e-6);
      // It says how it ran: a graph's branches whole, copy by copy, and the chain after its last
      // merge on batches of copies, as the naive way's whole passes give.
      const graph = GRAPH_MODELS.includes(name);
      assert.match(
        occ.computation,
        graph
          ? /^incremental through \S+; whole passes one copy at a time from \S+; from \S+ on, 16 copies at a time$/
          : /^(incremental through \S+|no incremental layers .*)(; whole passes one copy at a time from \S+; from|; then) \S+ on, 16 copies at a time$/,
      );
      const naive = model.explain('occlusion', { class: cls, ...occlusion, naive: true });
      assert.match(naive.computation, /recomputed whole/);
      assertClose(occ.raw.data, naive.raw.data, 'occlusion against its naive way', 1e-6, 1e-9);

      // The int8 file (model_convert's default). A chain keeps the top class, and gradients over
      // its dequantized weights follow PyTorch's in f32. The graphs' 50 to 120 layers of random
      // weights (no training made them robust to rounding) keep less: their class scores and
      // Grad-CAM follow f32's, their saliency less so (docs/measurements.md has the numbers).
      const quantized = m.Model.load(convert(file, pinned).bytes);
      try {
        assert.equal(quantized.info().precision, 'int8');
        const int8 = quantized.run(readImage('chelsea.png'), { topK: 1000 }).predictions;
        const saliency = quantized.explain('saliency', { class: cls });
        assert.equal(saliency.weights, 'int8');
        if (GRAPH_MODELS.includes(name)) {
          const int8Scores = new Float32Array(ref.logits.length);
          for (const p of int8) int8Scores[p.index] = p.logit;
          assert.ok(pearson(int8Scores, ref.logits) > 0.9, 'int8 class scores follow f32');
          const int8Cam = quantized.explain('gradcam', { class: cls });
          assert.ok(pearson(int8Cam.raw.data, ref.gradcam[info.camLayer]) > 0.6, 'int8 Grad-CAM follows f32');
        } else {
          assert.equal(int8[0].index, cls, 'int8: the top class');
          assert.ok(pearson(saliency.raw.data, ref.saliency) > 0.9, 'int8 saliency follows f32');
        }
      } finally {
        quantized.release();
      }
    } finally {
      model.release();
    }
  });
}

// Every view and method of the page on every model, in f32 and int8: each runs and gives what its
// view draws (the values are checked above, and against VGG16 in the other suites).
for (const [name, extra] of MODEL_CASES) {
  test(`${name}: every view and method runs, f32 and int8`, () => {
    const model = m.Model.load(convert(kerasFile(name, 'keras3', extra).path).bytes);
    try {
      const info = model.info();
      const rows = model.summary().rows;
      for (const r of rows) {
        assert.equal(model.layerConfig(r.name).className, r.type);
        const weights = model.weights(r.name);
        assert.equal(
          Object.values(weights).reduce((n, w) => n + w.data.length, 0) <= r.params,
          true,
          `${r.name}: its stored weights`,
        );
        if (r.hasFilters) assert.ok(model.filterGrid(r.name).tiles > 0, `${r.name} filters`);
      }
      const bn = rows.find((r) => r.type === 'BatchNormalization');
      if (bn) {
        assert.deepEqual(
          Object.keys(model.weights(bn.name)).filter((k) => k.startsWith('moving')),
          ['moving_mean', 'moving_variance'],
        );
      }
      for (const precision of ['f32', 'int8']) {
        const run = model.run(readImage('coffee.png'), { precision, topK: 3 });
        assert.ok(run.predictions.length >= 1, precision);
        for (const r of rows.filter((x) => x.spatial)) {
          const maps = r.outputShape[2];
          assert.ok(model.featureMapGrid(r.name, { maxMaps: maps }).tiles === maps, `${r.name} maps`);
        }
        for (const method of m.catalog().methods.map((x) => x.name)) {
          const e = model.explain(method, { samples: 3, patch: 4, stride: 4 });
          assert.equal(e.map.length, info.inputShape[0] * info.inputShape[1], `${precision} ${method}`);
          assert.ok(e.map.every(Number.isFinite), `${precision} ${method}: finite`);
        }
        const check = model.sanityCheck('gradcam', { topLayers: 1 });
        assert.ok(Number.isFinite(check.spearman));
        const filter = model.maximize({ layer: info.camLayer, filter: 0, steps: 2 });
        assert.equal(filter.data.length, info.inputShape[0] * info.inputShape[1] * 4);
        const cls = model.maximize({ layer: rows.at(-1).name, class: info.head.classes - 1, steps: 2 });
        assert.equal(cls.objective.length, 2);
      }
    } finally {
      model.release();
    }
  });
}

// --notop on a graph keeps every layer up to the last map, past the flat outputs that come earlier
// (squeeze-and-excitation's pooling in EfficientNetB0).
test('graphs cut with --notop keep their feature maps up to the last one', () => {
  for (const [name, last] of [
    ['efficientnetb0', 'top_activation'],
    ['resnet50', 'conv5_block3_out'],
  ]) {
    const model = m.Model.load(convert(kerasFile(name, 'keras3', NARROW).path, ['--notop']).bytes);
    try {
      const rows = model.summary().rows;
      assert.equal(rows.at(-1).name, last, name);
      assert.ok(rows.some((r) => r.name.endsWith('se_squeeze')) === (name === 'efficientnetb0'), name);
      model.run(readImage('chelsea.png'), { precision: 'f32' });
      assert.ok(model.featureMapGrid(last).tiles > 0, `${name}: ${last} maps`);
      // Without class scores, the class methods say so (and the module lives on); Eigen-CAM needs none.
      for (const method of ['gradcam', 'scorecam', 'ablationcam', 'occlusion'])
        assert.throws(
          () => model.explain(method),
          /needs a model whose output is a vector of class scores|gradients need/,
        );
      assert.ok(model.explain('eigencam', { layer: last }).map.length > 0);
      assert.throws(
        () => model.measure('deletion', new Float32Array(64 * 64)),
        /needs a model whose output is a vector/,
      );
    } finally {
      model.release();
    }
  }
});

// What Predictions shows beside a grayscale model's predictions: the input it was given, as pixels.
// A random picture at the model's input size comes back as it was (an RGB model with Keras' caffe
// preprocessing: its BGR channels and means undone), or as its luminance (a grayscale model).
test("inputPicture is the model's input as pixels, gray for a grayscale model", () => {
  for (const [name, extra] of [
    ['fashion-bn', []],
    ['resnet50', NARROW],
  ]) {
    const model = m.Model.load(convert(kerasFile(name, 'keras3', extra).path).bytes);
    try {
      assert.throws(() => model.inputPicture(), /run an image first/);
      const [height, width, channels] = model.info().inputShape;
      const data = new Uint8ClampedArray(width * height * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 7919) % 251));
      model.run({ width, height, data });
      const picture = model.inputPicture();
      assert.deepEqual([picture.width, picture.height, picture.data.length], [width, height, data.length], name);
      let off = 0;
      for (let i = 0; i < data.length; i += 4) {
        const gray = 0.2989 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
        for (let c = 0; c < 3; c++)
          off = Math.max(off, Math.abs(picture.data[i + c] - (channels === 1 ? gray : data[i + c])));
        assert.equal(picture.data[i + 3], 255);
      }
      assert.ok(off <= 0.5 + 1e-3, `${name}: a pixel off by ${off}`);
    } finally {
      model.release();
    }
  }
});
