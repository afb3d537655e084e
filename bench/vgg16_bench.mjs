// Benchmark: full VGG16 (224x224, synthetic weights, 138,357,544 parameters) on identical weights
// and the same preprocessed image, per convscope build and thread count, in Node, headless
// Chromium and headless Firefox ESR:
//   convscope f32 and int8 (qd8): baseline SIMD and relaxed SIMD, one thread and N threads;
//   @tensorflow/tfjs-backend-wasm f32, onnxruntime-web f32 and int8 (static QDQ -> QLinearConv,
//   its fastest int8 path; activation ranges calibrated on the sample photos with convscope's f32
//   engine), each on one thread and on its own threaded build (isolated pages; onnxruntime in Node).
// Prints ms per image (median after warm-up, engines interleaved run by run so the load of this
// shared machine weighs on all alike), each engine relative to the convscope rows named, model
// load time, wasm memory, and whether the engines agree on the top class. Rows are named
// "<engine> <build> <threads>T <precision>".
//
//   npm run bench:vgg16 [-- --runs N] [-- --threads N (default: the cores)] [-- --node-only]
//                       [-- --browser chromium|firefox (after Node, only that browser)]
// Needs the native and wasm builds (scripts/build.sh): the model comes from build/native/test-models.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { fileURLToPath } from 'node:url';

import { defaultThreads, nodeRunsRelaxed } from '../cli/module.mjs';
import { loadConvscope } from '../tests/support/load_module.mjs';
import { readImage, root } from '../tests/support/models.mjs';
import {
  arg,
  browsers,
  calibrateOnce,
  childPass,
  convertOnce,
  convscopeEngine,
  nodeModules,
  ortEngines,
  pageBench,
  report,
  run,
  stale,
  tfjsWasm,
} from './bench_node.mjs';
import { tfjsVgg16, toNchw, toRgba } from './peers.mjs';
import { argmax, timeInterleaved } from './timing.mjs';

const RUNS = Number(arg('--runs', 10));
const WARMUP = 2;
const out = path.join(root, 'build/bench');
const h5 = path.join(root, 'build/native/test-models/vgg16-weights-2016.h5');
mkdirSync(out, { recursive: true });

// --- Model files, each made once.
const files = { f32: path.join(out, 'vgg16-f32.bin'), int8: path.join(out, 'vgg16-int8.bin') };
convertOnce(h5, files);
const m = await loadConvscope({ threads: 1 });
const ranges = path.join(out, 'vgg16-ranges.json');
calibrateOnce(m, files.f32, ranges);
const onnx = { f32: path.join(out, 'vgg16-f32.onnx'), int8: path.join(out, 'vgg16-int8.onnx') };
if (stale(onnx.int8, ranges)) {
  run('/usr/bin/python3', [
    path.join(root, 'bench/make_onnx_vgg16.py'),
    h5,
    '--f32',
    onnx.f32,
    '--int8',
    onnx.int8,
    '--ranges',
    ranges,
  ]);
}

// Node: convscope's builds (bench_node.mjs nodeModules); tfjs (no threads in Node) and
// onnxruntime-web on `threads` threads (its thread count is process-wide: one pass per count).
async function nodeBench(threads) {
  const engines = [];
  let input, pixels, f32Model;
  const modules = await nodeModules(threads);
  for (const mod of modules) {
    for (const precision of ['int8', 'f32']) {
      const e = convscopeEngine(mod, readFileSync(files[precision]), precision, readImage('chelsea.png'), () => pixels);
      // Every engine gets the same 224x224 image, already decoded: convscope as RGBA pixels at the
      // input size (no resize), the peers as the preprocessed tensor.
      input ??= Float32Array.from(e.model.activation('input_1').data); // NHWC, caffe
      pixels ??= { data: toRgba(input), width: 224, height: 224 };
      if (precision === 'f32') f32Model ??= e.model;
      engines.push(e);
    }
  }

  const tf = await tfjsWasm();
  const t0 = performance.now();
  const tfModel = tfjsVgg16(tf, f32Model);
  const x = tf.tensor4d(input, [1, 224, 224, 3]);
  engines.push({ name: 'tfjs-backend-wasm f32 1T', run: () => tfModel.predict(x), load: performance.now() - t0 });
  engines.push(
    ...(await ortEngines({ f32: onnx.f32, int8: onnx.int8 }, toNchw(input, 224, 224, 3), [1, 3, 224, 224], threads)),
  );
  const tops = [];
  for (const e of engines) {
    const result = await e.run();
    tops.push(e.model ? result.predictions[0].index : argmax(result));
  }
  const times = await timeInterleaved(engines, { runs: RUNS, warmup: WARMUP });
  const bases = ['convscope baseline 1T int8', 'convscope baseline 1T f32'];
  if (threads > 1) bases.push(`convscope ${nodeRunsRelaxed ? 'relaxed' : 'baseline'}-mt ${threads}T int8`);
  report(
    `Node ${process.version}, ${threads} thread(s), median of ${RUNS} interleaved runs after ${WARMUP} warm-up`,
    engines.map((e, j) => ({ name: e.name, ...times[j], load: e.load, top1: tops[j] })),
    bases,
  );
  for (const e of engines) if (e.note) console.log(e.note);
  for (const e of engines) e.model?.release();
  for (const mod of modules) mod.exitThreads();
}

const THREADS = Number(arg('--threads', defaultThreads()));
const pass = arg('--pass');
if (pass) {
  await nodeBench(Number(pass)); // a child process of the run below
} else {
  await nodeBench(1);
  if (THREADS > 1) {
    childPass(fileURLToPath(import.meta.url), THREADS, ['--runs', String(RUNS)]);
  }
  if (!process.argv.includes('--node-only')) {
    const one = ['convscope baseline 1T int8', 'convscope relaxed 1T int8', 'convscope baseline 1T f32'];
    const only = arg('--browser');
    const timing = { runs: RUNS, warmup: WARMUP };
    for (const [, launch] of Object.entries(browsers).filter(([n]) => !only || n === only)) {
      await pageBench(launch, 'convscope=web:1,web-relaxed:1&threads=1', {
        ...timing,
        isolated: false,
        title: '1 thread',
        bases: one,
      });
      if (THREADS > 1) {
        const builds = `web-relaxed:1,web-relaxed-mt:${THREADS},web-mt:${THREADS}`;
        await pageBench(launch, `convscope=${builds}&threads=${THREADS}`, {
          ...timing,
          isolated: true,
          title: `cross-origin isolated, peers on ${THREADS} threads`,
          bases: [
            'convscope relaxed 1T int8',
            `convscope relaxed-mt ${THREADS}T int8`,
            `convscope relaxed-mt ${THREADS}T f32`,
          ],
        });
      }
    }
  }
}
