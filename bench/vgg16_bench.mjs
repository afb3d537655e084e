// Benchmark: full VGG16 (224x224, synthetic weights, 138,357,544 parameters), one thread, in Node
// and in headless Chromium, on identical weights and the same preprocessed image:
//   convscope f32 and int8 (qd8), @tensorflow/tfjs-backend-wasm f32, onnxruntime-web f32 and int8
//   (static QDQ -> QLinearConv, its fastest int8 path; activation ranges calibrated on the sample
//   photos with convscope's f32 engine).
// Prints ms per image (median after warm-up, engines interleaved run by run so the load of this
// shared machine weighs on all alike), each engine relative to convscope, model load time, wasm
// memory, and whether the engines agree on the top class.
//
//   npm run bench:vgg16 [-- --runs N] [-- --node-only]
// Needs the native and wasm builds (scripts/build.sh): the model comes from build/native/test-models.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { launchChromium } from '../tests/support/chromium.mjs';
import { loadConvscope } from '../tests/support/load_module.mjs';
import { readImage, root, samplePhotos } from '../tests/support/models.mjs';
import { startStaticServer } from '../tests/support/static_server.mjs';
import { tfjsVgg16, toNchw, toRgba } from './peers.mjs';
import { argmax, timeInterleaved } from './timing.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const RUNS = Number(arg('--runs', 10));
const WARMUP = 2;
const out = path.join(root, 'build/bench');
const h5 = path.join(root, 'build/native/test-models/vgg16-weights-2016.h5');
mkdirSync(out, { recursive: true });

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}:\n${r.stderr}`);
}
const stale = (file, source) => !existsSync(file) || statSync(file).mtimeMs < statSync(source).mtimeMs;

// --- Model files, each made once.
const files = { f32: path.join(out, 'vgg16-f32.bin'), int8: path.join(out, 'vgg16-int8.bin') };
for (const [precision, file] of Object.entries(files)) {
  if (stale(file, h5)) {
    run(path.join(root, 'build/native/model_convert/model_convert'), [h5, '-o', file, '--precision', precision]);
  }
}
const m = await loadConvscope();
const ranges = path.join(out, 'vgg16-ranges.json');
if (stale(ranges, files.f32)) {
  // Activation ranges for onnxruntime's static int8, from convscope's f32 engine on the photos.
  const model = m.Model.load(readFileSync(files.f32));
  const r = {};
  for (const photo of samplePhotos) {
    model.run(readImage(photo), { precision: 'f32' });
    for (const { name } of model.summary().rows) {
      const data = model.activation(name).data;
      let lo = Infinity, hi = -Infinity;
      for (const v of data) lo = Math.min(lo, v), hi = Math.max(hi, v);
      r[name] = [Math.min(lo, r[name]?.[0] ?? lo), Math.max(hi, r[name]?.[1] ?? hi)];
    }
  }
  model.release();
  writeFileSync(ranges, JSON.stringify(r));
}
const onnx = { f32: path.join(out, 'vgg16-f32.onnx'), int8: path.join(out, 'vgg16-int8.onnx') };
if (stale(onnx.int8, ranges)) {
  run('/usr/bin/python3', [path.join(root, 'bench/make_onnx_vgg16.py'), h5, '--f32', onnx.f32,
    '--int8', onnx.int8, '--ranges', ranges]);
}

// --- Node.
function report(title, rows) {
  console.log(`\n${title}`);
  const base = Object.fromEntries(rows.map((r) => [r.name, r.median]));
  console.log('engine                      median ms    min ms   load ms   vs convscope int8   vs convscope f32   top-1');
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(26)}${r.median.toFixed(0).padStart(10)}${r.min.toFixed(0).padStart(10)}${r.load.toFixed(0).padStart(10)}` +
      `${(r.median / base['convscope int8']).toFixed(2).padStart(19)}x${(r.median / base['convscope f32']).toFixed(2).padStart(18)}x   ${r.top1}`,
    );
  }
}

async function nodeBench() {
  const engines = [];
  const loads = {};
  const notes = [];
  let input, pixels;
  // int8 first, so the heap size after it is what an int8 model alone needs.
  for (const precision of ['int8', 'f32']) {
    const bytes = readFileSync(files[precision]);
    const t0 = performance.now();
    const model = m.Model.load(bytes);
    const loaded = performance.now();
    model.run(readImage('chelsea.png'), { precision });  // builds the runtimes
    loads[`convscope ${precision}`] = performance.now() - t0;
    notes.push(`convscope ${precision}: Model.load ${(loaded - t0).toFixed(0)} ms, then runtimes + first image ` +
      `${(performance.now() - loaded).toFixed(0)} ms; wasm heap ${(m.HEAPU8.length / 2 ** 20).toFixed(0)} MiB`);
    // Every engine gets the same 224x224 image, already decoded: convscope as RGBA pixels at the
    // input size (no resize), the peers as the preprocessed tensor.
    input ??= Float32Array.from(model.activation('input_1').data);  // NHWC, caffe
    pixels ??= { data: toRgba(input), width: 224, height: 224 };
    engines.push({ name: `convscope ${precision}`, model, run: () => model.run(pixels, { precision }) });
  }
  engines.reverse();  // f32 first: the tfjs peer takes its weights from it
  const peak = m.HEAPU8.length;

  const require = createRequire(import.meta.url);
  const tf = require('@tensorflow/tfjs-core');
  require('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend('wasm');
  let t0 = performance.now();
  const tfModel = tfjsVgg16(tf, engines[0].model);
  const x = tf.tensor4d(input, [1, 224, 224, 3]);
  engines.push({ name: 'tfjs-backend-wasm f32', tfModel, run: () => tfModel.predict(x) });
  loads['tfjs-backend-wasm f32'] = performance.now() - t0;

  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = 1;
  const nchw = new ort.Tensor('float32', toNchw(input, 224, 224, 3), [1, 3, 224, 224]);
  for (const precision of ['f32', 'int8']) {
    t0 = performance.now();
    const session = await ort.InferenceSession.create(readFileSync(onnx[precision]));
    loads[`onnxruntime-web ${precision}`] = performance.now() - t0;
    engines.push({
      name: `onnxruntime-web ${precision}`,
      run: async () => (await session.run({ input: nchw }))[session.outputNames[0]].data,
    });
  }
  const tops = [];
  for (const e of engines) {
    const result = await e.run();
    tops.push(e.model ? result.predictions[0].index : argmax(result));
  }
  const times = await timeInterleaved(engines, { runs: RUNS, warmup: WARMUP });
  report(`Node ${process.version}, 1 thread, median of ${RUNS} interleaved runs after ${WARMUP} warm-up`,
    engines.map((e, j) => ({ name: e.name, ...times[j], load: loads[e.name], top1: tops[j] })));
  notes.forEach((n) => console.log(n));
  for (const e of engines) e.model?.release();
}

async function browserBench() {
  const server = await startStaticServer(root);
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    page.on('console', (msg) => msg.type() === 'error' && console.error('page:', msg.text()));
    await page.goto(`${server.url}/bench/browser/vgg16_bench.html`);
    await page.waitForFunction(() => window.benchReady === true);
    const result = await page.evaluate((o) => window.runBench(o), { runs: RUNS, warmup: WARMUP });
    report(`Chromium ${browser.context.browser()?.version() ?? ''}, hardwareConcurrency ${result.cores}, 1 thread, median of ${RUNS} interleaved runs`,
      result.rows);
  } finally {
    await browser.close();
    await server.close();
  }
}

await nodeBench();
if (!process.argv.includes('--node-only')) await browserBench();
