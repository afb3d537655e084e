// The threads benchmark's cases, shared by Node (bench/threads_bench.mjs) and the browser page
// (bench/browser/threads_bench.html): the same methods on the same model and image in several
// convscope modules (one thread, N threads), the modules taking turns run by run so that their
// ratios hold on a shared machine.
import { median } from './timing.mjs';

// Occlusion at the default patch every 32 pixels (49 positions, a few seconds) stands in for the
// full 15/8 grid (729 positions, minutes): its positions split among threads the same way.
export const CASES = [
  ['forward pass', (model, image, precision) => model.run(image, { precision })],
  ['Grad-CAM at block5_conv3', (model) => model.explain('gradcam')],
  ['vanilla saliency', (model) => model.explain('saliency')],
  ['guided backprop', (model) => model.explain('guided')],
  ['SmoothGrad (5 samples)', (model) => model.explain('smoothgrad', { samples: 5 })],
  ['integrated gradients (5 steps)', (model) => model.explain('ig', { samples: 5 })],
  ['occlusion 15/32 (49 positions)', (model) => model.explain('occlusion', { stride: 32 })],
];

// A method that takes under a second gets more timed runs than `runs`, about 3 s per module (up to
// 15): vanilla saliency (half a second) timed three times gave 2 threads 1.30x in one run, 2.13x in
// the next. The estimate comes from a second warm-up run: the first may build what later runs reuse
// (Grad-CAM's f32 pass).
const MIN_MS_PER_MODULE = 3000;
const MAX_RUNS = 15;

// engines: [{ name, model }], each having run `image` already. -> rows [{ name, ms: [per engine] }]
export function threadRows(engines, image, precision, runs = 3) {
  return CASES.map(([name, fn]) => {
    for (const e of engines) fn(e.model, image, precision); // warm-up
    const start = performance.now();
    for (const e of engines) fn(e.model, image, precision);
    const each = (performance.now() - start) / engines.length;
    const n = Math.max(runs, Math.min(MAX_RUNS, Math.ceil(MIN_MS_PER_MODULE / each)));
    const times = engines.map(() => []);
    for (let r = 0; r < n; r++) {
      engines.forEach((e, j) => {
        const t0 = performance.now();
        fn(e.model, image, precision);
        times[j].push(performance.now() - t0);
      });
    }
    return { name, ms: times.map(median) };
  });
}

// Each method's time per module, then each other module's speed relative to the first
// (first module's time / its time: above 1 is faster).
export function formatThreadRows(title, names, rows) {
  const head = `${'method'.padEnd(34)}${names.map((n) => n.padStart(22)).join('')}   ${names
    .slice(1)
    .map((n) => `${n} vs ${names[0]}`)
    .join('   ')}`;
  return [
    title,
    head,
    ...rows.map(
      ({ name, ms }) =>
        `${name.padEnd(34)}${ms.map((t) => `${t.toFixed(0)} ms`.padStart(22)).join('')}   ` +
        ms
          .slice(1)
          .map((t, k) => `${(ms[0] / t).toFixed(2)}x`.padStart(names[k + 1].length + names[0].length + 4))
          .join('   '),
    ),
  ].join('\n');
}
