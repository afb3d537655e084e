// The explanation benchmark's cases, shared by Node (bench/explain_bench.mjs) and the Chromium page
// (bench/browser/explain_bench.html): each method's time on full VGG16 next to one forward pass of
// the same model and precision, measured in the same run.
import { median } from './timing.mjs';

// A coarse grid (3 x 3 positions, every 104 pixels) for the naive occlusion: recomputing all 729
// default positions whole takes over 20 minutes here, so its time per position is measured on 9.
const NAIVE_STRIDE = 104;

export function explainRows(model, image, precision) {
  const time = (fn, runs = 5) => {
    fn(); // warm-up (builds runtimes on first use)
    const t = [];
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      fn();
      t.push(performance.now() - t0);
    }
    return median(t);
  };
  // Long methods: one timed run, no warm-up (the runtimes are built by then).
  const once = (fn) => {
    const t0 = performance.now();
    fn();
    return performance.now() - t0;
  };
  const forward = time(() => model.run(image, { precision }));
  let firstMap = 0;
  const t0 = performance.now();
  const occlusion = once(() => {
    model.explain('occlusion', {
      onPartial: () => {
        firstMap ||= performance.now() - t0;
      },
    });
  });
  const positions = 27 * 27;
  const naivePerPosition = once(() => model.explain('occlusion', { stride: NAIVE_STRIDE, naive: true })) / 9;
  return [
    ['forward pass', forward],
    ['Grad-CAM at block5_conv3', time(() => model.explain('gradcam'))],
    ['Grad-CAM at block3_conv3', time(() => model.explain('gradcam', { layer: 'block3_conv3' }))],
    ['vanilla saliency', time(() => model.explain('saliency'))],
    ['guided backprop', time(() => model.explain('guided'))],
    ['SmoothGrad (25 samples)', once(() => model.explain('smoothgrad'))],
    ['integrated gradients (50 steps)', once(() => model.explain('ig'))],
    ['occlusion 15/8, incremental (729 positions)', occlusion],
    ['  first (coarse) occlusion map', firstMap],
    ['occlusion 15/8, naive (9 measured, x729)', naivePerPosition * positions],
    [
      'activation maximization, block3_conv1, per step',
      time(() => model.maximize({ layer: 'block3_conv1', filter: 0, steps: 5 }), 2) / 5,
    ],
    [
      'activation maximization, class, per step',
      time(() => model.maximize({ layer: 'predictions', class: 0, steps: 3 }), 2) / 3,
    ],
  ];
}

export function formatRows(title, rows) {
  const forward = rows[0][1];
  const naive = rows.find(([n]) => n.includes('naive'))[1];
  const incremental = rows.find(([n]) => n.includes('incremental'))[1];
  return [
    title,
    ...rows.map(
      ([name, ms]) =>
        `${name.padEnd(50)}${ms.toFixed(0).padStart(9)} ms ${(ms / forward).toFixed(2).padStart(8)}x forward`,
    ),
    `occlusion speed-up, incremental over naive: ${(naive / incremental).toFixed(2)}x`,
  ].join('\n');
}
