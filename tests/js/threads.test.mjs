// The threaded Node build (convscope-node-mt, or -relaxed-mt where this Node runs relaxed SIMD):
// the same answers as the single-threaded build of the same SIMD, methods cancelled mid-way leave
// the model usable, and no thread outlives the module's use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

import { loadModule, nodeRunsRelaxed } from '../../cli/module.mjs';
import { ZOO_MODELS, convert, kerasFile } from '../support/keras_files.mjs';
import { readImage, root, smallModel, vgg16 } from '../support/models.mjs';

const simd = nodeRunsRelaxed ? 'relaxed' : 'baseline';
const single = await loadModule({ threads: 1 });
const threaded = await loadModule({ threads: 2 });
const photo = readImage('chelsea.png');

// The same kernels partition the same work among threads: every output element is computed the
// same way, so the numbers are identical, not merely close.
const same = (a, b, what) => {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) assert.fail(`${what}: element ${i} is ${a[i]} with threads, ${b[i]} without`);
  }
};

test('the threaded module says what it is and runs on two threads', () => {
  assert.deepEqual(
    { ...single.buildInfo(), relaxedKernels: undefined },
    { variant: simd, threads: 1, maxThreads: 1, relaxedKernels: undefined },
  );
  assert.deepEqual(
    { ...threaded.buildInfo(), relaxedKernels: undefined },
    { variant: `${simd}-mt`, threads: 2, maxThreads: 2, relaxedKernels: undefined },
  );
  const model = threaded.Model.load(smallModel().bytes);
  assert.equal(model.info().variant, `${simd}-mt`);
  assert.equal(model.info().threads, 2);
  model.release();
});

test('more threads than the module started with, or none, is an error that names the limit', () => {
  assert.throws(() => threaded.setThreads(3), /can run 2 thread\(s\), not 3 \(its workers start with it/);
  assert.throws(() => single.setThreads(2), /can run 1 thread\(s\), not 2 \(it is the single-threaded build\)/);
  assert.throws(() => threaded.setThreads(0), /at least 1/);
  assert.throws(() => threaded.setThreads(1.5), /non-negative integer, got 1.5/);
  assert.equal(threaded.buildInfo().threads, 2, 'a refused count changes nothing');
});

// Users' Keras models, whose layers (BatchNormalization, separable and transposed convolutions,
// activations, poolings...) split their work among threads too.
for (const name of ['fashion-bn', ...ZOO_MODELS]) {
  test(`${name} (Keras): activations and gradient maps equal the single-threaded build's, f32 and int8`, () => {
    const file = kerasFile(name, 'keras3').path;
    for (const args of [['--precision', 'f32'], []]) {
      const bytes = convert(file, args).bytes;
      const a = threaded.Model.load(bytes),
        b = single.Model.load(bytes);
      try {
        const what = `${name} ${a.info().precision}`;
        same(
          a.run(photo, { topK: 1000 }).predictions.map((p) => p.logit),
          b.run(photo, { topK: 1000 }).predictions.map((p) => p.logit),
          `${what}: logits`,
        );
        for (const { name: layer } of a.summary().rows)
          same(a.activation(layer).data, b.activation(layer).data, `${what}: ${layer}`);
        for (const method of ['saliency', 'guided', 'gradcam']) {
          same(
            a.explain(method, { class: 0 }).raw.data,
            b.explain(method, { class: 0 }).raw.data,
            `${what}: ${method}`,
          );
        }
      } finally {
        a.release();
        b.release();
      }
    }
  });
}

for (const precision of ['f32', 'int8']) {
  test(`${precision}: predictions, activations and every explanation equal the single-threaded build's`, () => {
    const bytes = smallModel(precision === 'f32' ? ['--precision', 'f32'] : []).bytes;
    const a = threaded.Model.load(bytes),
      b = single.Model.load(bytes);
    try {
      const ra = a.run(photo, { precision, topK: 10 }),
        rb = b.run(photo, { precision, topK: 10 });
      same(
        ra.predictions.map((p) => p.logit),
        rb.predictions.map((p) => p.logit),
        'logits',
      );
      for (const { name } of a.summary().rows) same(a.activation(name).data, b.activation(name).data, name);
      const methods = [
        ['saliency', {}],
        ['smoothgrad', { samples: 4, seed: 3 }],
        ['guided', {}],
        ['gradcam', { layer: 'block4_conv3' }],
        ['guided-gradcam', {}],
        ['gradcam-plus-plus', { layer: 'block4_conv3' }],
        ['hirescam', {}],
        ['xgradcam', {}],
        ['layercam', { layer: 'block3_conv3' }],
        ['scorecam', { layer: 'block3_conv3' }],
        ['ablationcam', { layer: 'block4_conv3' }],
        ['eigencam', { layer: 'block4_conv3' }],
        ['ig', { samples: 4 }],
        ['input-x-gradient', {}],
        ['occlusion', { patch: 8, stride: 8 }],
      ];
      for (const [method, options] of methods) {
        same(a.explain(method, options).map, b.explain(method, options).map, `${precision} ${method}`);
      }
    } finally {
      a.release();
      b.release();
    }
  });
}

test('full-size VGG16 int8: every activation of the threaded build equals the single-threaded one', () => {
  // 224x224 inputs: XNNPACK quantizes each convolution's input in ranges on both threads
  // (third_party/patches/xnnpack-qd8-convert-threads.patch).
  const bytes = vgg16().bytes;
  const a = threaded.Model.load(bytes),
    b = single.Model.load(bytes);
  try {
    const ra = a.run(photo, { topK: 10 }),
      rb = b.run(photo, { topK: 10 });
    same(
      ra.predictions.map((p) => p.logit),
      rb.predictions.map((p) => p.logit),
      'logits',
    );
    for (const { name } of a.summary().rows) same(a.activation(name).data, b.activation(name).data, name);
    same(a.explain('gradcam').map, b.explain('gradcam').map, 'Grad-CAM');
  } finally {
    a.release();
    b.release();
  }
});

test('a threaded method cancelled half-way leaves the model usable', () => {
  const model = threaded.Model.load(smallModel().bytes);
  try {
    const before = model.run(photo).predictions;
    let calls = 0;
    assert.throws(() => model.explain('occlusion', { patch: 4, stride: 2, onProgress: () => ++calls < 3 }), /cancel/i);
    assert.equal(calls, 3);
    assert.deepEqual(model.run(photo).predictions, before);
    assert.ok(model.explain('gradcam').map.length > 0);
  } finally {
    model.release();
  }
});

// A child process (of this Node; its loader hands the module the wasm bytes, so Node 20's fetch
// needs no switching off): a threaded module used and released must let Node exit by itself, and
// exitThreads() must stop every worker.
function child(script) {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 60000,
    cwd: root,
  });
  assert.equal(r.error, undefined, `the process did not exit by itself: ${r.error}`);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}
const prelude = `import { loadModule } from '${path.join(root, 'cli/module.mjs')}';
import { readFileSync } from 'node:fs';
const m = await loadModule({ threads: 2 });
const model = m.Model.load(readFileSync('${path.join(root, 'web/models/default.bin')}'));
model.run(readFileSync('${path.join(root, 'web/samples/fashion-sandal.png')}'));
model.release();`;

test('a process that used threads exits by itself, and exitThreads() leaves no worker', () => {
  assert.equal(child(`${prelude} console.log('done');`), 'done');
  const after = child(`${prelude} m.exitThreads();
    console.log(JSON.stringify({ threads: m.buildInfo().threads, maxThreads: m.buildInfo().maxThreads }));`);
  assert.deepEqual(JSON.parse(after), { threads: 1, maxThreads: 1 });
});
