// Benchmark: one 3×3 convolution, 256 → 256 channels on 56×56 (VGG16's block3 layers), ReLU fused,
// single thread, in Node. convscope f32 and int8 against @tensorflow/tfjs-backend-wasm f32 (also
// XNNPACK inside) on identical weights, all measured in this run. Prints ms per convolution
// (median after warm-up) and each engine's time relative to ours. The engines take turns run by
// run, so the load of this shared machine weighs on all of them alike and the ratios hold even
// when the absolute times drift.
//
//   node --no-experimental-fetch bench/conv_bench.mjs [--runs N]
import { createRequire } from 'node:module';

import { loadConvscope } from '../tests/support/load_module.mjs';
import { maxAbs, maxAbsDiff, randomArray, seededRandom } from '../tests/support/reference_conv.mjs';
import { timeInterleaved } from './timing.mjs';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 15;
const WARMUP = 3;
const H = 56,
  W = 56,
  C = 256,
  K = 256;

const random = seededRandom(42);
const weights = randomArray(random, K * 3 * 3 * C, -1 / 48, 1 / 48); // OHWI
const bias = randomArray(random, K, -0.1, 0.1);
const input = randomArray(random, H * W * C, -1, 1);

const engines = [];
const convscope = await loadConvscope();
const convs = [];
for (const precision of ['f32', 'int8']) {
  const conv = convscope.Conv2d.create({
    height: H,
    width: W,
    inChannels: C,
    outChannels: K,
    precision,
    weights,
    bias,
  });
  convs.push(conv);
  engines.push({ name: `convscope ${precision}`, run: () => conv.run(input) });
}

// tfjs-backend-wasm wants HWIO filters.
const require = createRequire(import.meta.url);
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-wasm');
await tf.setBackend('wasm');
const hwio = new Float32Array(weights.length);
for (let k = 0; k < K; k++) {
  for (let t = 0; t < 9; t++) {
    for (let c = 0; c < C; c++) hwio[(t * C + c) * K + k] = weights[(k * 9 + t) * C + c];
  }
}
const x = tf.tensor4d(input, [1, H, W, C]);
const filter = tf.tensor4d(hwio, [3, 3, C, K]);
const b = tf.tensor1d(bias);
engines.push({
  name: 'tfjs-backend-wasm f32',
  run: () => {
    const y = tf.fused.conv2d({ x, filter, bias: b, strides: 1, pad: 'same', activation: 'relu' });
    const data = y.dataSync();
    y.dispose();
    return data;
  },
});

const reference = engines[0].run();
const results = (await timeInterleaved(engines, { runs: RUNS, warmup: WARMUP })).map((t, j) => ({
  name: engines[j].name,
  ...t,
  err: maxAbsDiff(engines[j].run(), reference) / maxAbs(reference),
}));
convs.forEach((c) => c.delete());

const ours = Object.fromEntries(results.map((r) => [r.name, r.median]));
console.log(
  `3x3 conv ${C}->${K} on ${H}x${W}, 1 thread, Node ${process.version}, median of ${RUNS} interleaved runs after ${WARMUP} warm-up runs`,
);
console.log(
  'engine                  median ms   min ms   vs convscope f32   vs convscope int8   max err (rel. to f32)',
);
for (const r of results) {
  console.log(
    `${r.name.padEnd(22)} ${r.median.toFixed(1).padStart(9)} ${r.min.toFixed(1).padStart(8)}` +
      `   ${(r.median / ours['convscope f32']).toFixed(2).padStart(16)}x` +
      `   ${(r.median / ours['convscope int8']).toFixed(2).padStart(16)}x   ${r.err.toExponential(2)}`,
  );
}
