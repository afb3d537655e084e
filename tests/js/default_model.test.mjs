// The committed default model (web/models/default.bin, trained by
// model_convert/training/train_default_model.py) on the 10,000 Fashion-MNIST test images, through
// the wasm core as the page runs it: int8 accuracy >= 91%, and within 0.5 points of the f32
// accuracy the training script measured for the exported weights (web/models/default.json); and how
// often it calls a picture unlike its training pictures. And the widget example's ResNet, from its
// Keras file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

import { convert } from '../support/keras_files.mjs';
import { loadConvscope } from '../support/load_module.mjs';
import { root } from '../support/models.mjs';

const DATA = '/usr/share/datasets/fashion-mnist';
const m = await loadConvscope();

// The test set as RGBA for Model.run: 28x28 gray with `pad` black pixels around (the default
// model sees it padded to 32x32).
function testSet(pad = 2) {
  const images = gunzipSync(readFileSync(path.join(DATA, 't10k-images-idx3-ubyte.gz'))).subarray(16);
  const labels = gunzipSync(readFileSync(path.join(DATA, 't10k-labels-idx1-ubyte.gz'))).subarray(8);
  const side = 28 + 2 * pad;
  return Array.from(labels, (label, n) => {
    const data = new Uint8ClampedArray(side * side * 4);
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const v = images[n * 784 + y * 28 + x],
          p = ((y + pad) * side + x + pad) * 4;
        data[p] = data[p + 1] = data[p + 2] = v;
      }
    }
    for (let p = 3; p < data.length; p += 4) data[p] = 255;
    return { image: { data, width: side, height: side }, label };
  });
}

// Accuracy of `model` on `set` at each precision.
function accuracies(model, set) {
  const accuracy = {};
  for (const precision of ['int8', 'f32']) {
    let correct = 0;
    for (const { image, label } of set)
      correct += model.run(image, { precision, topK: 1 }).predictions[0].index === label;
    accuracy[precision] = correct / set.length;
  }
  return accuracy;
}

test('the default model classifies Fashion-MNIST in the wasm core (int8 >= 91%, f32 within 0.5 points)', () => {
  const meta = JSON.parse(readFileSync(path.join(root, 'web/models/default.json'), 'utf8'));
  const model = m.Model.load(readFileSync(path.join(root, 'web/models/default.bin')));
  try {
    const info = model.info();
    assert.equal(info.precision, 'int8');
    assert.deepEqual(info.labels, [
      'T-shirt/top',
      'Trouser',
      'Pullover',
      'Dress',
      'Coat',
      'Sandal',
      'Shirt',
      'Sneaker',
      'Bag',
      'Ankle boot',
    ]);
    assert.ok(readFileSync(path.join(root, 'web/models/default.bin')).length <= 2e6, 'the file is at most 2 MB');
    const set = testSet();
    assert.equal(set.length, 10000);
    const accuracy = accuracies(model, set);
    console.log(
      `default model: int8 ${accuracy.int8}, f32 engine ${accuracy.f32}, training (f32) ${meta.test_accuracy_f32}`,
    );
    assert.ok(accuracy.int8 >= 0.91, `int8 accuracy ${accuracy.int8}`);
    assert.ok(
      Math.abs(accuracy.int8 - meta.test_accuracy_f32) <= 0.005,
      `int8 ${accuracy.int8} vs f32 ${meta.test_accuracy_f32}`,
    );
    assert.ok(
      Math.abs(accuracy.f32 - meta.test_accuracy_f32) <= 0.002,
      `f32 engine ${accuracy.f32} vs training ${meta.test_accuracy_f32}`,
    );
  } finally {
    model.release();
  }
});

// The statistics of its training pictures that the default model's file carries
// (model_convert/training/training_pictures.py): the page says "This picture is unlike …" beside
// the predictions of a picture far from them. Rarely on Fashion-MNIST's own test pictures, always on
// the gallery's photos, never on its Fashion-MNIST samples.
test('the default model says which pictures are unlike its training pictures (<= 5% of the test set, every photo)', () => {
  const model = m.Model.load(readFileSync(path.join(root, 'web/models/default.bin')));
  try {
    const unlikeOf = (image) => model.run(image, { topK: 1 }).unlike;
    let fired = 0;
    for (const { image } of testSet()) fired += unlikeOf(image).sentence !== '';
    const samples = path.join(root, 'web/samples');
    const sample = (name) => unlikeOf(m.decodeImage(readFileSync(path.join(samples, name))));
    const photos = ['astronaut.jpg', 'camera.jpg', 'chelsea.jpg', 'coffee.jpg', 'rocket.jpg'].map((name) => ({
      name,
      ...sample(name),
    }));
    console.log(
      `unlike: ${fired} of 10,000 test pictures; photos ${photos.map((p) => `${p.name} ${p.score.toFixed(1)}`).join(', ')}` +
        ` (threshold ${photos[0].threshold})`,
    );
    assert.ok(fired <= 500, `${fired} of 10,000 test pictures were called unlike`);
    for (const p of photos)
      assert.match(p.sentence, /^This picture is unlike the pictures this model was trained on/, p.name);
    for (const name of ['ankle-boot', 'bag', 'sandal', 'sneaker', 't-shirt-top', 'trouser']) {
      assert.equal(sample(`fashion-${name}.png`).sentence, '', name);
    }
  } finally {
    model.release();
  }
});

// The widget example's model (web/examples/own-model.html): a residual network trained on
// Fashion-MNIST and saved as a user's notebook saves it (web/models/resnet-fashion.keras, by
// model_convert/training/train_resnet_example.py), converted as the widget converts it (int8, the
// preprocessing its Rescaling layer implies), on the 10,000 test pictures: the f32 engine within 0.2
// points of the accuracy its training measured (web/models/resnet-fashion.json), int8 within 0.5.
test('the example ResNet from a Keras file classifies Fashion-MNIST in the wasm core as it did in training', () => {
  const meta = JSON.parse(readFileSync(path.join(root, 'web/models/resnet-fashion.json'), 'utf8'));
  const { bytes, stdout } = convert(path.join(root, 'web/models/resnet-fashion.keras'), [
    '--labels',
    path.join(root, 'web/models/resnet-fashion-labels.json'),
  ]);
  const model = m.Model.load(bytes);
  try {
    const info = model.info();
    assert.deepEqual([info.precision, info.preprocessing.mode, info.inputShape], ['int8', 'raw', [28, 28, 1]], stdout);
    assert.equal(info.labels[9], 'Ankle boot');
    assert.equal(info.camLayer, 'conv4_block1_out');
    assert.equal(info.params, meta.params);
    const accuracy = accuracies(model, testSet(0));
    console.log(
      `example ResNet: int8 ${accuracy.int8}, f32 engine ${accuracy.f32}, training (f32) ${meta.test_accuracy_f32}`,
    );
    for (const [precision, within] of [
      ['int8', 0.005],
      ['f32', 0.002],
    ])
      assert.ok(
        Math.abs(accuracy[precision] - meta.test_accuracy_f32) <= within,
        `${precision} ${accuracy[precision]} vs training ${meta.test_accuracy_f32}`,
      );
  } finally {
    model.release();
  }
});
