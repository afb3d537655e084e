// Every format users' Keras files come in — Keras 3 .keras archives (3.13, 3.5 without the groups'
// name attributes, 3.0), tf.keras 2.13's .keras, legacy .h5 from Keras 3 and from tf.keras 2.10 —
// Sequential and Functional, a Sequential without an InputLayer entry, names from a re-run
// notebook: each converts, natively and in wasm (through h5wasm, as the page does) to the same
// bytes, into the same model as the same weights saved by Keras 3.13 (the same class scores, bit
// for bit), or for tf.keras 2's files by tf.keras 2.10 (whose hard_sigmoid differs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

import { convertKerasFile } from '../../cli/keras_node.mjs';
import {
  FORMATS,
  GRAPH_MODELS,
  NARROW,
  TUTORIAL_MODELS,
  ZOO_MODELS,
  convert,
  kerasFile,
} from '../support/keras_files.mjs';
import { loadConvscope } from '../support/load_module.mjs';
import { readImage, root } from '../support/models.mjs';

const m = await loadConvscope();
const photo = readImage('chelsea.png');

// Keras' own summary of `model` as tests/reference/keras_summary.py renders it (with rich, as
// Keras 3 does; tf.keras 2's plain table) from the model's layers, for the Keras version that saved
// `file`.
function kerasSummaryText(model, generated) {
  const rows = kerasRows(model.summary().rows, generated);
  const description = {
    model_name: model.info().name,
    keras_version: generated.keras_version,
    model_kind: generated.api === 'sequential' ? 'Sequential' : 'Functional',
    layers: rows.map((r) => ({
      name: r.name,
      class_name: r.type,
      output_shape: `(None, ${r.outputShape.join(', ')})`,
      params: r.params,
      trainable_params: r.trainableParams,
      weight_bytes: r.params * 4,
      inbound: r.inputs.map((name) => [name, 0, 0]),
    })),
    ...(generated.optimizer && { optimizer: generated.optimizer }),
  };
  const r = spawnSync('/usr/bin/python3', [path.join(root, 'tests/reference/keras_summary.py')], {
    input: JSON.stringify(description),
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

// The model's layers as Keras lists them: a model nested as a layer (the transfer model's base) is
// one row, in place of the layers convscope flattened it into (those the generator does not list
// among the model's own), with their weights, the shape of the last (its output) and what the
// first reads; the layers that read it read the model.
function kerasRows(rows, generated) {
  const own = new Set(generated.layers);
  const name = generated.layers.find((n) => !rows.some((r) => r.name === n));
  const out = [];
  let nested;
  for (const r of rows) {
    if (own.has(r.name)) {
      out.push({ ...r, inputs: r.inputs.map((n) => (own.has(n) ? n : name)) });
      continue;
    }
    if (!nested) {
      const type = generated.classes[generated.layers.indexOf(name)];
      nested = { name, type, outputShape: [], params: 0, trainableParams: 0, inputs: r.inputs };
      out.push(nested);
    }
    nested.outputShape = r.outputShape;
    nested.params += r.params;
    nested.trainableParams += r.trainableParams;
  }
  return out;
}

// The class scores of a converted model on the photo, in f32.
function scores(bytes) {
  const model = m.Model.load(bytes);
  try {
    return model.run(photo, { precision: 'f32', topK: 1000 }).predictions.map((p) => [p.index, p.logit]);
  } finally {
    model.release();
  }
}

// Whether `format` could write `model` (the generator refuses what a version could not).
function writable(model, format, extra = []) {
  try {
    kerasFile(model, format, extra);
    return true;
  } catch (e) {
    if (/exit|failed/.test(e.message) && /does not exist|is not in keras\.activations/.test(e.message)) return false;
    throw e;
  }
}

const tf2 = (format) => format.startsWith('tf2');
const variants = [[], ['--api', 'functional'], ['--no-input-layer'], ['--rerun-names']];

// The graphs (narrow): functional only, so no variants but the re-run notebook's names.
const CASES = [
  ...[...TUTORIAL_MODELS, ...ZOO_MODELS].map((model) => [model, [], variants]),
  ...GRAPH_MODELS.map((model) => [model, NARROW, [[], ['--rerun-names']]]),
];

for (const [model, size, modelVariants] of CASES) {
  test(`${model}: every format and variant converts to the same model, natively and in wasm`, async () => {
    const f32 = ['--precision', 'f32'];
    const baseline = { keras3: scores(convert(kerasFile(model, 'keras3', size).path, f32).bytes) };
    if (writable(model, 'tf2-h5', size)) {
      baseline.tf2 = scores(convert(kerasFile(model, 'tf2-h5', size).path, f32).bytes);
    }
    for (const format of FORMATS) {
      for (const variant of modelVariants) {
        const extra = [...size, ...variant];
        if (variant[0] === '--no-input-layer' && model.startsWith('zoo')) continue;
        if (!writable(model, format, extra)) continue;
        const what = `${model} ${format} ${extra.join(' ')}`;
        const file = kerasFile(model, format, extra).path;
        const native = convert(file, ['--precision', 'f32']);
        const expected = baseline[tf2(format) ? 'tf2' : 'keras3'];
        assert.deepEqual(scores(native.bytes), expected, what);
        if (variant.length === 0 || variant[0] === '--api') {
          const generated = kerasFile(model, format, extra);
          const loaded = m.Model.load(native.bytes);
          try {
            assert.equal(loaded.summary().text, kerasSummaryText(loaded, generated), `${what}: summary`);
          } finally {
            loaded.release();
          }
        }
        const wasm = await convertKerasFile(m, file, { precision: 'f32' });
        assert.ok(Buffer.from(wasm.bytes).equals(native.bytes), `${what}: wasm and native files differ`);
      }
    }
  });
}

test('the preprocessing: inferred where the model says it, else rescale for the user to confirm, then changed', () => {
  const out = convert(kerasFile('cifar-binary').path).stdout;
  assert.match(out, /Preprocessing: raw: the model scales its own input \(layer rescaling\)/);
  const mnist = convert(kerasFile('mnist').path);
  assert.match(mnist.stdout, /Preprocessing: rescale \(x \/ 255\), the most common for models trained in tutorials/);
  const before = m.Model.load(mnist.bytes);
  const changed = m.withPreprocessing(mnist.bytes, 'raw');
  const after = m.Model.load(changed);
  try {
    assert.equal(before.info().preprocessing.mode, 'rescale');
    assert.equal(before.info().source.preprocessing_inferred, false);
    assert.equal(after.info().preprocessing.mode, 'raw');
    assert.equal(after.info().source.preprocessing_inferred, true);
    assert.equal(after.info().source.preprocessing, 'raw: chosen by the user');
    assert.deepEqual(after.summary(), before.summary(), 'the model is the same');
    const input = (model) => {
      model.run(photo);
      return [...model.activation(model.summary().rows[0].name).data];
    };
    const [a, b] = [input(before), input(after)];
    assert.ok(
      a.every((v, i) => Math.abs(v * 255 - b[i]) < 1e-3),
      'raw is rescale times 255',
    );
    assert.throws(() => m.withPreprocessing(mnist.bytes, 'bogus'), /unknown preprocessing 'bogus'/);
    assert.throws(() => m.withPreprocessing(new Uint8Array(10), 'raw'), /not a convscope model file/);
  } finally {
    before.release();
    after.release();
  }
});

test("keras.applications models get their preprocess_input's mode; a new head on one is asked, its base's chosen", () => {
  for (const [name, format, mode, inferred, variant = []] of [
    ['resnet50', 'keras3', 'caffe', true],
    ['resnet50', 'tf2-h5', 'caffe', true],
    ['mobilenetv2', 'keras3', 'tf', true],
    ['densenet121', 'keras3', 'torch', true],
    // Its first layer's name is Keras' automatic one, numbered in a notebook that built models before.
    ['densenet121', 'keras3', 'torch', true, ['--rerun-names']],
    ['efficientnetb0', 'keras3', 'raw', true], // its own Rescaling and Normalization
    ['mobilenetv2-transfer', 'keras3', 'tf', false],
    ['mobilenetv2-transfer', 'tf2-h5', 'tf', false],
  ]) {
    const converted = convert(kerasFile(name, format, [...NARROW, ...variant]).path);
    const model = m.Model.load(converted.bytes);
    try {
      const info = model.info();
      assert.equal(info.preprocessing.mode, mode, `${name} ${format}`);
      assert.equal(info.source.preprocessing_inferred, inferred, `${name} ${format}`);
      assert.match(
        converted.stdout,
        inferred ? /keras\.applications\.\w+\.preprocess_input\)|scales its own/ : /check that/,
      );
    } finally {
      model.release();
    }
  }
});

test('full-size VGG16 saved by Keras 3.13 as .keras: the same model natively and in wasm, which runs a photo', async () => {
  const vgg16 = kerasFile('vgg16', 'keras3');
  assert.equal(vgg16.params, 138357544);
  const native = convert(vgg16.path);
  const wasm = await convertKerasFile(m, vgg16.path, { precision: 'int8' });
  assert.ok(Buffer.from(wasm.bytes).equals(native.bytes), 'wasm and native files differ');
  assert.equal(wasm.preprocessing, 'caffe', 'VGG16 is known: caffe');
  assert.equal(wasm.preprocessingInferred, true);
  const model = m.Model.load(native.bytes);
  try {
    const info = model.info();
    assert.deepEqual(info.inputShape, [224, 224, 3]);
    assert.equal(info.labels.length, 1000, "ImageNet's class names for a 1000-class model");
    assert.equal(info.camLayer, 'block5_conv3');
    assert.equal(model.summary().totalParams, 138357544);
    const r = model.run(photo, { precision: 'int8' });
    assert.equal(r.predictions.length, 5);
    assert.ok(r.predictions[0].probability > 0 && r.predictions[0].probability <= 1);
  } finally {
    model.release();
  }
});
