// Benchmark: the explanation methods on full VGG16 (synthetic weights) relative to one forward pass
// of the same model and precision, measured in the same run, Node, one thread.
//   npm run bench:explain [-- --precision f32|int8]
import { performance } from 'node:perf_hooks';

import { loadConvscope } from '../tests/support/load_module.mjs';
import { readImage, vgg16 } from '../tests/support/models.mjs';
import { median } from './timing.mjs';

const i = process.argv.indexOf('--precision');
const precision = i > 0 ? process.argv[i + 1] : 'int8';
const m = await loadConvscope();
const model = m.Model.load(vgg16(precision === 'f32' ? ['--precision', 'f32'] : []).bytes);
const image = readImage('chelsea.png');
const time = (fn, runs = 5) => {
  fn();  // warm-up (builds runtimes on first use)
  const t = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return median(t);
};
const forward = time(() => model.run(image, { precision }));
const rows = [
  ['forward pass', forward],
  ['Grad-CAM at block5_conv3', time(() => model.explain('gradcam'))],
  ['Grad-CAM at block3_conv3', time(() => model.explain('gradcam', { layer: 'block3_conv3' }))],
  ['vanilla saliency', time(() => model.explain('saliency'))],
  ['guided backprop', time(() => model.explain('guided'))],
  ['SmoothGrad (25 samples)', time(() => model.explain('smoothgrad'), 1)],
  ['integrated gradients (50 steps)', time(() => model.explain('ig'), 1)],
  ['activation maximization, block3_conv1, per step', time(() => model.maximize({ layer: 'block3_conv1', filter: 0, steps: 5 }), 2) / 5],
  ['activation maximization, class, per step', time(() => model.maximize({ layer: 'predictions', class: 0, steps: 3 }), 2) / 3],
];
console.log(`Full VGG16 ${precision}, Node ${process.version}, 1 thread (explanation on top of an existing forward pass)`);
for (const [name, ms] of rows) {
  console.log(`${name.padEnd(50)}${ms.toFixed(0).padStart(8)} ms ${(ms / forward).toFixed(2).padStart(7)}x forward`);
}
model.release();
