// The Embind surface of the Node wasm build: results against a naive reference, and every kind of
// bad argument rejected with a ConvscopeError that names it, leaving the module usable.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { loadConvscope } from '../support/load_module.mjs';
import { maxAbs, maxAbsDiff, randomConvCase, referenceConv2d, seededRandom } from '../support/reference_conv.mjs';

const seed = Number(process.env.CONVSCOPE_TEST_SEED ?? 20261129);
const m = await loadConvscope();

function runOnce(options, input) {
  const conv = m.Conv2d.create(options);
  try {
    return conv.run(input);
  } finally {
    conv.delete();
  }
}

test(`f32 matches the naive reference on random shapes (seed ${seed})`, () => {
  const random = seededRandom(seed);
  for (let i = 0; i < 25; i++) {
    const { options, input } = randomConvCase(random);
    const want = referenceConv2d(options, input);
    const got = runOnce(options, input);
    assert.equal(got.length, want.length);
    const err = maxAbsDiff(got, want);
    assert.ok(err <= 1e-5 * maxAbs(want), `seed ${seed} case ${i}: max error ${err}`);
  }
});

test(`int8 stays close to the reference (seed ${seed})`, () => {
  const random = seededRandom(seed + 1);
  for (let i = 0; i < 25; i++) {
    const { options, input } = randomConvCase(random);
    const want = referenceConv2d(options, input);
    const conv = m.Conv2d.create({ ...options, precision: 'int8' });
    assert.equal(conv.precision, 'int8');
    const got = conv.run(input);
    conv.delete();
    // The exact per-element bound is checked in C++ (tests/cpp/conv2d_test.cc); here 3% of the
    // output range catches a broken int8 path (wrong scales, layout) without re-deriving it.
    const err = maxAbsDiff(got, want);
    assert.ok(err <= 0.03 * maxAbs(want) + 1e-6, `seed ${seed} case ${i}: max error ${err}`);
  }
});

test('outputShape follows kernel and padding', () => {
  const options = {
    height: 7,
    width: 5,
    inChannels: 2,
    outChannels: 4,
    kernelHeight: 3,
    kernelWidth: 1,
    padding: 0,
    weights: new Float32Array(4 * 3 * 1 * 2),
    bias: new Float32Array(4),
  };
  const conv = m.Conv2d.create(options);
  assert.deepEqual(conv.outputShape, [1, 5, 5, 4]);
  assert.equal(conv.run(new Float32Array(7 * 5 * 2)).length, 5 * 5 * 4);
  conv.delete();
});

const good = () => ({
  height: 4,
  width: 4,
  inChannels: 2,
  outChannels: 3,
  weights: new Float32Array(3 * 9 * 2).fill(0.1),
  bias: new Float32Array(3),
});

const badOptions = [
  ['options null', null, /options must be an object, got null/],
  ['options a number', 3, /options must be an object, got number/],
  ['height missing', { ...good(), height: undefined }, /height must be a non-negative integer, got undefined/],
  ['width negative', { ...good(), width: -1 }, /width must be a non-negative integer, got -1/],
  ['inChannels fractional', { ...good(), inChannels: 2.5 }, /inChannels must be a non-negative integer/],
  ['outChannels a string', { ...good(), outChannels: '3' }, /outChannels must be a non-negative integer, got string/],
  ['height zero', { ...good(), height: 0 }, /height must be positive/],
  ['outChannels zero', { ...good(), outChannels: 0, bias: new Float32Array(0) }, /outChannels must be positive/],
  ['weights null', { ...good(), weights: null }, /weights must be a Float32Array, got null/],
  ['weights a plain array', { ...good(), weights: [1, 2] }, /weights must be a Float32Array, got Array/],
  [
    'weights Float64Array',
    { ...good(), weights: new Float64Array(54) },
    /weights must be a Float32Array, got Float64Array/,
  ],
  ['weights too short', { ...good(), weights: new Float32Array(53) }, /weights has 53 elements, expected 54/],
  ['bias too long', { ...good(), bias: new Float32Array(4) }, /bias has 4 elements, expected 3/],
  ['weights NaN', { ...good(), weights: new Float32Array(54).fill(NaN) }, /weights contain NaN/],
  ['precision unknown', { ...good(), precision: 'int4' }, /precision must be 'f32' or 'int8', got 'int4'/],
  ['relu not boolean', { ...good(), relu: 1 }, /relu must be a boolean, got number/],
  ['kernel larger than input', { ...good(), height: 1, padding: 0 }, /kernel is larger than the padded input/],
  ['absurd sizes', { ...good(), height: 2 ** 31, width: 2 ** 31 }, /would exceed/],
];

for (const [name, options, message] of badOptions) {
  test(`create rejects ${name}`, () => {
    assert.throws(
      () => m.Conv2d.create(options),
      (e) => {
        assert.ok(e instanceof m.ConvscopeError, `expected ConvscopeError, got ${e}`);
        assert.match(e.message, message);
        return true;
      },
    );
    // ...and the module keeps working.
    const out = runOnce(good(), new Float32Array(32).fill(1));
    assert.ok(Math.abs(out[0] - 0.8) < 1e-6);
  });
}

test('run rejects bad inputs and keeps working', () => {
  const conv = m.Conv2d.create(good());
  for (const [input, message] of [
    [null, /input must be a Float32Array, got null/],
    [new Float32Array(31), /input has 31 elements, expected 32 \(4x4x2, NHWC\)/],
    [new Uint8Array(32), /input must be a Float32Array, got Uint8Array/],
  ]) {
    assert.throws(() => conv.run(input), message);
  }
  assert.equal(conv.tryRun(null), null);
  assert.match(m.lastError(), /input must be a Float32Array/);
  assert.ok(Math.abs(conv.run(new Float32Array(32).fill(1))[0] - 0.8) < 1e-6);
  conv.delete();
});

test('a long series of failures neither leaks nor breaks the module', () => {
  const heapBefore = m.HEAPU8.length;
  // Had errors been thrown through wasm frames, each would leak shadow stack and this many would
  // overflow the 5 MB stack.
  const conv = m.Conv2d.create(good());
  for (let i = 0; i < 200000; i++) assert.equal(conv.tryRun(null), null);
  for (let i = 0; i < 20000; i++) {
    assert.equal(m.Conv2d.tryCreate({ ...good(), bias: new Float32Array(9) }), null);
  }
  assert.ok(Math.abs(conv.run(new Float32Array(32).fill(1))[0] - 0.8) < 1e-6);
  conv.delete();
  assert.equal(m.HEAPU8.length, heapBefore);
});

test('create/delete cycles release their memory', () => {
  const options = {
    height: 56,
    width: 56,
    inChannels: 64,
    outChannels: 64,
    weights: new Float32Array(64 * 9 * 64),
    bias: new Float32Array(64),
  };
  for (const precision of ['f32', 'int8']) runOnce({ ...options, precision }, new Float32Array(56 * 56 * 64));
  const heapAfterFirst = m.HEAPU8.length;
  for (let i = 0; i < 30; i++) {
    runOnce({ ...options, precision: i % 2 ? 'int8' : 'f32' }, new Float32Array(56 * 56 * 64));
  }
  assert.equal(m.HEAPU8.length, heapAfterFirst);
});
