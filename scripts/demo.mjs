// Smoke demo of the wasm core in Node (the README's main command, until the CLI lands): builds a
// 3x3 edge-detection convolution, runs it in f32 and int8 on a synthetic image, and says what it
// did. Exits non-zero if the two precisions disagree.
import { performance } from 'node:perf_hooks';

import { loadConvscope } from '../tests/support/load_module.mjs';
import { maxAbs, maxAbsDiff } from '../tests/support/reference_conv.mjs';

const H = 224, W = 224, C = 3;
const m = await loadConvscope();

// A bright disc on a dark background, in RGB.
const image = new Float32Array(H * W * C);
for (let y = 0; y < H; y++) {
  for (let x = 0; x < W; x++) {
    const inside = (x - 112) ** 2 + (y - 112) ** 2 < 60 ** 2;
    image.fill(inside ? 1 : 0, (y * W + x) * C, (y * W + x + 1) * C);
  }
}

// Two filters, OHWI: horizontal and vertical Sobel over the channel mean.
const sobel = [[-1, 0, 1, -2, 0, 2, -1, 0, 1], [-1, -2, -1, 0, 0, 0, 1, 2, 1]];
const weights = new Float32Array(2 * 9 * C);
sobel.forEach((taps, k) => taps.forEach((t, i) => weights.fill(t / C, (k * 9 + i) * C, (k * 9 + i + 1) * C)));

const outputs = {};
for (const precision of ['f32', 'int8']) {
  const conv = m.Conv2d.create({
    height: H, width: W, inChannels: C, outChannels: 2, precision, relu: false,
    weights, bias: new Float32Array(2),
  });
  const t0 = performance.now();
  outputs[precision] = conv.run(image);
  const ms = performance.now() - t0;
  const edges = outputs[precision].filter((v) => Math.abs(v) > 0.5).length / 2;
  console.log(`${precision.padEnd(4)}: 3x3 Sobel conv on ${H}x${W}x${C} -> ${conv.outputShape.join('x')} in ${ms.toFixed(2)} ms; ${edges} edge pixels`);
  conv.delete();
}
const diff = maxAbsDiff(outputs.f32, outputs.int8) / maxAbs(outputs.f32);
console.log(`int8 vs f32: max difference ${(100 * diff).toFixed(2)}% of the largest response`);
try {
  m.Conv2d.create({ height: 0, width: 1, inChannels: 1, outChannels: 1, weights, bias: weights });
} catch (e) {
  console.log(`bad arguments are reported, not fatal: ${e.message}`);
}
if (diff > 0.02) {
  console.error('int8 and f32 disagree: the build is broken');
  process.exit(1);
}
