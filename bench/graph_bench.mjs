// Benchmark: full-size graph models (ResNet50, MobileNetV2, EfficientNetB0 by default; DenseNet121
// too with --models) from model_convert/testing/make_keras_file.py (random weights, calibrated
// BatchNormalization statistics), on identical weights and the same preprocessed image, in Node:
//   convscope f32 and int8, one thread and N threads (the baseline builds; relaxed ones too where
//   this Node runs them, as bench/vgg16_bench.mjs);
//   @tensorflow/tfjs-backend-wasm f32 and onnxruntime-web f32 and int8 (static QDQ), both built from
//   the converted convscope files (bench/graph_lowering.mjs: tfjs ops; bench/make_onnx_graph.py:
//   ONNX; int8 activation ranges calibrated with convscope's f32 engine on the sample photos).
// Every peer's class scores are checked against convscope f32's first (the largest difference,
// relative to the largest score, is printed), then engines are timed interleaved run by run (median
// ms per image), each relative to the convscope rows. Then the cold start: load the int8 file, run
// a photo, the first Grad-CAM and the first saliency map (time from the load), per thread count.
//
//   npm run bench:graphs [-- --runs N] [-- --threads N (default: the cores)]
//                        [-- --models resnet50,mobilenetv2,efficientnetb0,densenet121]
//                        [-- --small (widths / 8, 64x64 input: checks the wiring in seconds)]
//                        [-- --node-only (else Chromium after Node: bench/browser/vgg16_bench.html)]
// Needs the native and wasm builds (scripts/build.sh).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
import { lowerGraph, serializeGraph } from './graph_lowering.mjs';
import { maxRelDiff, toNchw, toRgba } from './peers.mjs';
import { tfjsGraph } from './tfjs_graph.mjs';
import { argmax, median, timeInterleaved } from './timing.mjs';

const RUNS = Number(arg('--runs', 10));
const WARMUP = 2;
const COLD_RUNS = Math.min(RUNS, 3); // each one loads the model again: seconds on full size
const MODELS = arg('--models', 'resnet50,mobilenetv2,efficientnetb0').split(',');
const SMALL = process.argv.includes('--small');
const THREADS = Number(arg('--threads', defaultThreads()));
const out = path.join(root, 'build/bench');
mkdirSync(out, { recursive: true });
const photo = readImage('chelsea.png');
// What the derived files are made by: a change to either makes them again.
const lowering = fileURLToPath(new URL('graph_lowering.mjs', import.meta.url));
const writer = path.join(root, 'bench/make_onnx_graph.py');

// --- Files, each made once: the Keras file, its f32 and int8 conversions, activation ranges, the
// lowered operations of each conversion, and the two ONNX files made from them.
function prepare(m, key) {
  const stem = path.join(out, `graph-${key}${SMALL ? '-small' : ''}`);
  const keras = `${stem}.keras`;
  if (!existsSync(keras)) {
    const size = SMALL ? ['--width-divisor', '8', '--input-size', '64', '64'] : [];
    run('/usr/bin/python3', [
      path.join(root, 'model_convert/testing/make_keras_file.py'),
      keras,
      '--model',
      key,
      ...size,
    ]);
  }
  const files = { f32: `${stem}-f32.bin`, int8: `${stem}-int8.bin` };
  convertOnce(keras, files);
  const ranges = `${stem}-ranges.json`;
  calibrateOnce(m, files.f32, ranges);
  for (const [precision, file] of Object.entries(files)) {
    if (!stale(`${stem}-${precision}-ops.json`, file, lowering)) continue;
    const model = m.Model.load(readFileSync(file));
    const { json, bin } = serializeGraph(lowerGraph(model));
    model.release();
    writeFileSync(`${stem}-${precision}-ops.bin`, bin);
    writeFileSync(`${stem}-${precision}-ops.json`, json);
  }
  const onnx = { f32: `${stem}-f32.onnx`, int8: `${stem}-int8.onnx` };
  if (stale(onnx.int8, ranges, `${stem}-int8-ops.json`, writer)) {
    run('/usr/bin/python3', [
      writer,
      ...['--graph-f32', `${stem}-f32-ops`, '--graph-int8', `${stem}-int8-ops`, '--ranges', ranges],
      ...['--f32', onnx.f32, '--int8', onnx.int8],
    ]);
  }
  return { stem, files, onnx };
}

// Where one pass of a convscope engine spends its time: its layers' own timings summed by kind.
function breakdown(engine) {
  const kinds = new Map(engine.model.summary().rows.map((r) => [r.name, r.type]));
  const by = new Map();
  const { timings, totalMs } = engine.run();
  for (const { layer, ms } of timings) by.set(kinds.get(layer), (by.get(kinds.get(layer)) ?? 0) + ms);
  const parts = [...by].sort((a, b) => b[1] - a[1]).map(([k, ms]) => `${k} ${ms.toFixed(1)}`);
  console.log(`${engine.name}, one pass ${totalMs.toFixed(0)} ms by layer kind (ms): ${parts.join(', ')}`);
}

// Load the int8 file, run the photo, then the first Grad-CAM and the first saliency map: ms from
// the load to each, per module, the modules taking turns (median of COLD_RUNS).
function coldStart(modules, bytes) {
  const times = modules.map(() => []);
  for (let r = 0; r < COLD_RUNS; r++) {
    for (const [j, mod] of modules.entries()) {
      const t0 = performance.now();
      const model = mod.Model.load(bytes);
      model.run(photo);
      const ran = performance.now() - t0;
      model.explain('gradcam');
      const gradcam = performance.now() - t0;
      model.explain('saliency');
      times[j].push([ran, gradcam, performance.now() - t0]);
      model.release();
    }
  }
  console.log(`\nCold start, int8 file (ms from Model.load; median of ${COLD_RUNS}): first run, Grad-CAM, saliency`);
  for (const [j, mod] of modules.entries()) {
    const col = (k) =>
      median(times[j].map((t) => t[k]))
        .toFixed(0)
        .padStart(8);
    const { variant, threads } = mod.buildInfo();
    console.log(`${`convscope ${variant} ${threads}T`.padEnd(34)}${col(0)}${col(1)}${col(2)}`);
  }
}

async function nodeBench(threads, key, { files, onnx }, tf) {
  const engines = [];
  let input, pixels, f32Model, info, outName;
  const modules = await nodeModules(threads);
  for (const mod of modules) {
    for (const precision of ['int8', 'f32']) {
      const e = convscopeEngine(mod, readFileSync(files[precision]), precision, photo, () => pixels);
      // Every engine gets the same image, already decoded and resized: convscope as RGBA pixels
      // at the input size, the peers as the tensor convscope's preprocessing made of them.
      const rows = e.model.summary().rows;
      outName ??= rows[rows.length - 1].name;
      info ??= e.model.info();
      input ??= Float32Array.from(e.model.activation(rows[0].name).data);
      pixels ??= { data: toRgba(input, info.preprocessing), width: info.inputShape[1], height: info.inputShape[0] };
      // The module's wasm memory after this model's first run (its peak so far; the f32 row's
      // module holds the int8 model too).
      e.heap = mod.HEAPU8.length;
      e.scores = () => Float32Array.from(e.model.activation(outName).data);
      if (precision === 'f32') f32Model ??= e.model;
      engines.push(e);
    }
  }
  const [h, w, c] = info.inputShape;
  const t0 = performance.now();
  const tfModel = tfjsGraph(tf, lowerGraph(f32Model));
  const x = tf.tensor4d(input, [1, h, w, c]);
  engines.push({ name: 'tfjs-backend-wasm f32 1T', run: () => tfModel.predict(x), load: performance.now() - t0 });
  engines.push(...(await ortEngines(onnx, toNchw(input, h, w, c), [1, c, h, w], threads)));

  // Class scores on the timed input, every engine against convscope f32 (one thread, baseline).
  const scores = [];
  for (const e of engines) {
    const result = await e.run();
    scores.push(e.scores ? e.scores() : Float32Array.from(result));
  }
  const reference = scores[engines.findIndex((e) => e.name === 'convscope baseline 1T f32')];
  const times = await timeInterleaved(engines, { runs: RUNS, warmup: WARMUP });
  const bases = ['convscope baseline 1T int8', 'convscope baseline 1T f32'];
  if (threads > 1) bases.push(...['int8', 'f32'].map((p) => `convscope baseline-mt ${threads}T ${p}`));
  if (nodeRunsRelaxed) bases.push('convscope relaxed 1T int8');
  report(
    `${key}${SMALL ? ' (small)' : ''} ${h}x${w}, Node ${process.version}, ${threads} thread(s), median of ${RUNS} interleaved runs after ${WARMUP} warm-up`,
    engines.map((e, j) => ({
      name: e.name,
      ...times[j],
      load: e.load,
      top1: argmax(scores[j]),
      diff: maxRelDiff(scores[j], reference),
    })),
    bases,
  );
  // f32 engines compute the same function in another order: anything beyond rounding is a bug.
  for (const [j, e] of engines.entries()) {
    const d = maxRelDiff(scores[j], reference);
    if (e.name.includes('f32') && !(d < 1e-3)) console.log(`WARNING: ${e.name} differs from convscope f32 by ${d}`);
  }
  for (const e of engines.filter((en) => en.heap)) {
    console.log(`${e.name}: wasm memory ${(e.heap / 2 ** 20).toFixed(0)} MiB after its first run`);
  }
  for (const e of engines.filter((en) => en.name.startsWith('convscope baseline 1T'))) breakdown(e);
  for (const e of engines) e.model?.release();
  coldStart(modules, readFileSync(files.int8));
  for (const mod of modules) mod.exitThreads();
}

const pass = arg('--pass');
const m = await loadConvscope({ threads: 1 });
const prepared = Object.fromEntries(MODELS.map((key) => [key, prepare(m, key)]));
if (pass) {
  const tf = await tfjsWasm();
  for (const key of MODELS) await nodeBench(Number(pass), key, prepared[key], tf);
} else {
  const forward = ['--runs', String(RUNS), '--models', MODELS.join(','), ...(SMALL ? ['--small'] : [])];
  // One process per thread count (onnxruntime's is process-wide), the one-thread pass first.
  for (const threads of THREADS > 1 ? [1, THREADS] : [1]) childPass(fileURLToPath(import.meta.url), threads, forward);
  // Chromium: the VGG16 benchmark's page and builds, on each model's files.
  for (const key of process.argv.includes('--node-only') ? [] : MODELS) {
    const timing = { runs: RUNS, warmup: WARMUP };
    const model = `model=${path.basename(prepared[key].stem)}`;
    await pageBench(browsers.chromium, `${model}&convscope=web:1,web-relaxed:1&threads=1`, {
      ...timing,
      isolated: false,
      title: `${key}, 1 thread`,
      bases: ['convscope baseline 1T int8', 'convscope relaxed 1T int8', 'convscope baseline 1T f32'],
    });
    if (THREADS > 1) {
      const builds = `web-relaxed:1,web-relaxed-mt:${THREADS},web-mt:${THREADS}`;
      await pageBench(browsers.chromium, `${model}&convscope=${builds}&threads=${THREADS}`, {
        ...timing,
        isolated: true,
        title: `${key}, cross-origin isolated, peers on ${THREADS} threads`,
        bases: ['convscope relaxed 1T int8', ...['int8', 'f32'].map((p) => `convscope relaxed-mt ${THREADS}T ${p}`)],
      });
    }
  }
}
