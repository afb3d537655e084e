// The Model surface of the Node wasm build: summary, configs, weights, runs on every sample photo,
// activations, grids; hostile model bytes and images refused with clear messages while the module
// keeps working; no memory growth across load/run/release cycles.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { loadConvscope } from '../support/load_module.mjs';
import { readImage, samplePhotos, smallModel, vgg16Int8 } from '../support/models.mjs';

const m = await loadConvscope();

function withModel(bytes, fn) {
  const model = m.Model.load(bytes);
  try {
    return fn(model);
  } finally {
    model.release();
  }
}

test('full-size VGG16: summary equals Keras and runs a photo in int8', () => {
  const { bytes, stdout } = vgg16Int8();
  withModel(bytes, (model) => {
    const s = model.summary();
    assert.equal(s.totalParams, 138357544);
    assert.equal(s.rows.length, 23);
    assert.deepEqual(s.rows.at(-1), {
      name: 'predictions',
      type: 'Dense',
      kind: 'Dense',
      category: 'Layer',
      spatial: false,
      hasFilters: false,
      activation: 'softmax',
      outputShape: [1000],
      inputs: ['fc2'],
      params: 4097000,
      trainableParams: 4097000,
    });
    assert.deepEqual(
      s.rows.filter((r) => r.spatial).map((r) => r.name),
      s.rows.slice(1, 19).map((r) => r.name),
      'every layer from block1_conv1 to block5_pool has maps',
    );
    assert.equal(model.info().camLayer, 'block5_conv3');
    assert.deepEqual(model.info().head, { kind: 'softmax', classes: 1000, layer: 'predictions' });
    assert.ok(stdout.includes(s.text), 'the core prints the same summary as model_convert');
    const info = model.info();
    assert.equal(info.precision, 'int8');
    assert.equal(info.labels[289], 'snow_leopard');
    const r = model.run(readImage('chelsea.png'));
    assert.equal(r.precision, 'int8');
    assert.equal(r.predictions.length, 5);
    assert.equal(r.predictions[0].label, info.labels[r.predictions[0].index]);
    assert.equal(r.timings.length, 23);
    const a = model.activation('block5_conv3');
    assert.deepEqual(a.shape, [14, 14, 512]);
    assert.equal(a.data.length, 14 * 14 * 512);
  });
});

test('summary, layer configs and weights of a converted model', () => {
  const { bytes, stdout } = smallModel();
  withModel(bytes, (model) => {
    const s = model.summary();
    assert.ok(stdout.includes(s.text));
    assert.equal(
      s.rows.reduce((n, r) => n + r.params, 0),
      s.totalParams,
    );
    assert.deepEqual(model.layerConfig('block1_conv1'), {
      className: 'Conv2D',
      name: 'block1_conv1',
      filters: 4,
      kernel_size: [3, 3],
      strides: [1, 1],
      padding: 'same',
      dilation_rate: [1, 1],
      activation: 'relu',
      use_bias: true,
    });
    const w = model.weights('block2_conv1');
    assert.deepEqual(w.kernel.kerasShape, [3, 3, 4, 8]);
    assert.deepEqual(w.kernel.shape, [8, 3, 3, 4]);
    assert.equal(w.kernel.layout, 'OHWI');
    assert.equal(w.kernel.dtype, 'int8');
    assert.ok(w.kernel.data instanceof Int8Array);
    assert.equal(w.kernel.data.length, 8 * 9 * 4);
    assert.equal(w.kernel.scales.data.length, 8);
    assert.equal(
      w.kernel.stats.histogram.counts.reduce((a, b) => a + b),
      8 * 9 * 4,
    );
    // Dequantized weights span the recorded f32 range to within half a step.
    let lo = Infinity;
    const row = 9 * 4;
    w.kernel.data.forEach((q, i) => {
      lo = Math.min(lo, q * w.kernel.scales.data[Math.floor(i / row)]);
    });
    assert.ok(Math.abs(lo - w.kernel.stats.min) <= Math.max(...w.kernel.scales.data) / 2 + 1e-7);
    assert.equal(w.bias.dtype, 'float32');
    assert.deepEqual(Object.keys(model.weights('block1_pool')), []);
    assert.throws(() => model.weights('nope'), /no layer named 'nope' \(its layers: input_1, block1_conv1/);
  });
});

test('runs every sample photo in both precisions, from bytes and from RGBA', () => {
  withModel(smallModel().bytes, (model) => {
    for (const photo of samplePhotos) {
      const f32 = model.run(readImage(photo), { precision: 'f32', topK: 3 });
      const int8 = model.run(readImage(photo), { resize: 'crop' });
      assert.equal(f32.precision, 'f32');
      assert.equal(int8.precision, 'int8');
      assert.equal(f32.predictions.length, 3);
      for (let i = 1; i < 3; i++) assert.ok(f32.predictions[i - 1].probability >= f32.predictions[i].probability);
      const total = int8.predictions.reduce((p, q) => p + q.probability, 0);
      assert.ok(total > 0 && total <= 1.0001, `${photo}: probabilities sum to ${total}`);
    }
    // RGBA pixels (a canvas ImageData) give the same result as the decoded file.
    const rgba = new Uint8ClampedArray(32 * 32 * 4);
    for (let i = 0; i < 32 * 32; i++) rgba.set([i % 256, (7 * i) % 256, 255 - (i % 256), 255], 4 * i);
    const fromPixels = model.run({ data: rgba, width: 32, height: 32 }, { precision: 'f32' });
    const input = model.activation('input_1').data;
    assert.ok(Math.abs(input[0] - (255 - 103.939)) < 1e-4); // BGR: blue first, minus the mean
    assert.equal(fromPixels.predictions.length, 5);
  });
});

test('activations are views that survive memory growth, and end with their model', () => {
  let a;
  withModel(smallModel().bytes, (model) => {
    model.run(readImage('coffee.png'));
    a = model.activation('block3_conv1');
    assert.deepEqual(a.shape, [8, 8, 16]);
    const before = Array.from(a.data);
    assert.ok(before.some((v) => v > 0));
    // An allocation as large as the whole heap forces it to grow (detaching every old view).
    const heap = m.HEAPU8.length;
    const block = m._malloc(heap);
    assert.ok(block !== 0 && m.HEAPU8.length > heap, 'memory grew');
    assert.deepEqual(Array.from(a.data), before, 'a fresh view after growth');
    m._free(block);
  });
  assert.throws(() => a.data, /the model was released/);
});

test('filter and feature-map grids', () => {
  withModel(smallModel().bytes, (model) => {
    const filters = model.filterGrid('block1_conv1');
    assert.equal(filters.width, 2 * 24 + 1);
    assert.equal(filters.data.length, filters.width * filters.height * 4);
    const deeper = model.filterGrid('block2_conv1', { channel: 3, scale: 2, colormap: 'viridis' });
    assert.equal(deeper.width, 3 * 7 - 1); // 8 filters: 3 columns of 6-pixel tiles
    assert.deepEqual([deeper.tiles, deeper.columns, deeper.tileWidth, deeper.tileHeight], [8, 3, 6, 6]);
    assert.throws(
      () => model.filterGrid('block2_conv1', { channel: 4 }),
      /channel 4 is out of range: the kernel has 4 input channels/,
    );
    assert.throws(
      () => model.filterGrid('block1_pool'),
      /is a MaxPooling2D: filters are drawn for convolutions \(Conv2D, SeparableConv2D, DepthwiseConv2D\)/,
    );
    assert.throws(() => model.featureMapGrid('block1_conv1'), /run an image first/);
    model.run(readImage('astronaut.png'));
    const maps = model.featureMapGrid('block1_conv1', { colormap: 'jet', normalize: 'layer' });
    assert.equal(maps.width, 2 * 33 - 1); // 4 maps of 32x32
    assert.deepEqual([maps.tiles, maps.columns, maps.tileWidth, maps.tileHeight], [4, 2, 32, 32]);
    assert.throws(() => model.featureMapGrid('fc1'), /feature maps need a height x width x channels layer/);
    assert.throws(
      () => model.featureMapGrid('block1_conv1', { colormap: 'rainbow' }),
      /colormap must be 'gray', 'viridis', 'jet' or 'coolwarm'/,
    );
  });
});

test('hostile model bytes are refused and the module keeps working', () => {
  const good = smallModel().bytes;
  const cases = [
    [new Uint8Array(0), /not a convscope model file/],
    [new TextEncoder().encode('<html>not a model</html>'), /not a convscope model file/],
    [good.subarray(0, 63), /not a convscope model file/],
    [good.subarray(0, 64), /truncated: 64 of \d+ bytes/],
    [good.subarray(0, good.length >> 1), /truncated/],
    [good.subarray(0, good.length - 1), /truncated/],
  ];
  const flipped = Uint8Array.from(good);
  flipped[4096] ^= 0x10;
  cases.push([flipped, /section \d+ is corrupt \(checksum mismatch\)/]);
  const header = Uint8Array.from(good);
  header[header.length - 10] ^= 0x01;
  cases.push([header, /header is corrupt/]);
  for (const [bytes, message] of cases) {
    assert.throws(
      () => m.Model.load(bytes),
      (e) => e instanceof m.ConvscopeError && message.test(e.message),
    );
  }
  assert.throws(() => m.Model.load('model.bin'), /model bytes must be a Uint8Array or an ArrayBuffer, got string/);
  withModel(good, (model) => assert.equal(model.run(readImage('chelsea.png')).predictions.length, 5));
});

test('hostile images are refused and the model keeps working', () => {
  // A PNG header claiming 30000 x 30000 pixels.
  const huge = Uint8Array.from([
    0x89, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0x75, 0x30, 0, 0, 0x75, 0x30, 8, 2, 0, 0, 0, 0,
    0, 0, 0,
  ]);
  withModel(smallModel().bytes, (model) => {
    for (const [image, message] of [
      [readImage('truncated.jpg'), /the JPEG image could not be decoded: the file may be truncated or corrupt/],
      [new Uint8Array(0), /the image file is empty/],
      [new TextEncoder().encode('%PDF-1.4 renamed'), /not an image convscope can read/],
      [huge, /30000x30000 \(900 megapixels\), over the limit of 64 megapixels/],
      [{ data: new Uint8ClampedArray(12), width: 2, height: 2 }, /RGBA data has 12 bytes, expected 16 for 2x2/],
      [{ data: new Uint8ClampedArray(16), width: -2, height: 2 }, /width must be a non-negative integer/],
      [42, /image must be an encoded file/],
    ]) {
      assert.throws(() => model.run(image), message);
    }
    assert.throws(() => model.run(readImage('chelsea.png'), { resize: 'stretch' }), /resize must be 'keras' or 'crop'/);
    assert.equal(model.run(readImage('rocket.jpg')).predictions.length, 5);
  });
});

test('load, run and release 20 times: the heap stops growing after the first cycle', () => {
  const { bytes } = smallModel();
  const cycle = () =>
    withModel(bytes, (model) => {
      model.run(readImage('chelsea.png'), { precision: 'f32' });
      model.run(readImage('chelsea.png'), { precision: 'int8' });
      model.featureMapGrid('block1_conv1');
    });
  cycle();
  const first = m.HEAPU8.length;
  for (let i = 0; i < 20; i++) cycle();
  assert.ok(m.HEAPU8.length <= first * 1.05, `heap grew from ${first} to ${m.HEAPU8.length}`);
});
