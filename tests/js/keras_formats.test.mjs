// Every format users' Keras files come in — Keras 3 .keras archives (3.13, 3.5 without the groups'
// name attributes, 3.0), tf.keras 2.13's .keras, legacy .h5 from Keras 3 and from tf.keras 2.10 —
// Sequential and Functional, a Sequential without an InputLayer entry, names from a re-run
// notebook: each converts, natively and in wasm (through h5wasm, as the page does) to the same
// bytes, into the same model as the same weights saved by Keras 3.13 (the same class scores, bit
// for bit), or for tf.keras 2's files by tf.keras 2.10 (whose hard_sigmoid differs).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { convertKerasFile } from '../../cli/keras_node.mjs';
import { FORMATS, TUTORIAL_MODELS, ZOO_MODELS, convert, kerasFile } from '../support/keras_files.mjs';
import { loadConvscope } from '../support/load_module.mjs';
import { readImage } from '../support/models.mjs';

const m = await loadConvscope();
const photo = readImage('chelsea.png');

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

for (const model of [...TUTORIAL_MODELS, ...ZOO_MODELS]) {
  test(`${model}: every format and variant converts to the same model, natively and in wasm`, async () => {
    const baseline = { keras3: scores(convert(kerasFile(model, 'keras3').path, ['--precision', 'f32']).bytes) };
    if (writable(model, 'tf2-h5')) {
      baseline.tf2 = scores(convert(kerasFile(model, 'tf2-h5').path, ['--precision', 'f32']).bytes);
    }
    for (const format of FORMATS) {
      for (const extra of variants) {
        if (extra[0] === '--no-input-layer' && model.startsWith('zoo')) continue;
        if (!writable(model, format, extra)) continue;
        const what = `${model} ${format} ${extra.join(' ')}`;
        const file = kerasFile(model, format, extra).path;
        const native = convert(file, ['--precision', 'f32']);
        const expected = baseline[tf2(format) ? 'tf2' : 'keras3'];
        assert.deepEqual(scores(native.bytes), expected, what);
        const wasm = await convertKerasFile(m, file, { precision: 'f32' });
        assert.ok(Buffer.from(wasm.bytes).equals(native.bytes), `${what}: wasm and native files differ`);
      }
    }
  });
}

test('model_convert prints what it chose: the preprocessing, and where the input size was free', () => {
  const out = convert(kerasFile('cifar-binary').path).stdout;
  assert.match(out, /Preprocessing: raw: the model scales its own input \(layer rescaling\)/);
  const mnist = convert(kerasFile('mnist').path).stdout;
  assert.match(mnist, /Preprocessing: rescale \(x \/ 255\), the most common for models trained in tutorials/);
});
