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
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { fileURLToPath } from 'node:url';

import { defaultThreads, loadModule, nodeRunsRelaxed } from '../cli/module.mjs';
import { launchChromium } from '../tests/support/chromium.mjs';
import { launchFirefox } from '../tests/support/firefox.mjs';
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
const m = await loadConvscope({ threads: 1 });
const ranges = path.join(out, 'vgg16-ranges.json');
if (stale(ranges, files.f32)) {
  // Activation ranges for onnxruntime's static int8, from convscope's f32 engine on the photos.
  const model = m.Model.load(readFileSync(files.f32));
  const r = {};
  for (const photo of samplePhotos) {
    model.run(readImage(photo), { precision: 'f32' });
    for (const { name } of model.summary().rows) {
      const data = model.activation(name).data;
      let lo = Infinity,
        hi = -Infinity;
      for (const v of data) ((lo = Math.min(lo, v)), (hi = Math.max(hi, v)));
      r[name] = [Math.min(lo, r[name]?.[0] ?? lo), Math.max(hi, r[name]?.[1] ?? hi)];
    }
  }
  model.release();
  writeFileSync(ranges, JSON.stringify(r));
}
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

// --- Report: every engine relative to the convscope rows named `base` (same run).
function report(title, rows, bases) {
  console.log(`\n${title}`);
  const median = Object.fromEntries(rows.map((r) => [r.name, r.median]));
  console.log(
    `${'engine'.padEnd(34)}median ms    min ms   load ms${bases.map((b) => `  vs ${b}`.padStart(b.length + 6)).join('')}   top-1`,
  );
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(34)}${r.median.toFixed(0).padStart(9)}${r.min.toFixed(0).padStart(10)}${(r.load ?? NaN).toFixed(0).padStart(10)}` +
        `${bases.map((b) => `${(r.median / median[b]).toFixed(2)}x`.padStart(b.length + 6)).join('')}   ${r.top1}`,
    );
  }
}

// Node: convscope's single-threaded builds (baseline, and relaxed where this Node runs it: Node 24,
// e.g. scripts/node24's), and with threads > 1 also their threaded builds on that many threads
// (interleaved in the same run, so their ratio is the threads' gain); tfjs (no threads in Node)
// and onnxruntime-web on `threads` threads (its thread count is process-wide: one pass per count).
async function nodeBench(threads) {
  const engines = [];
  const loads = {};
  const notes = [];
  let input, pixels, f32Model;
  const builds = nodeRunsRelaxed ? [false, true] : [false];
  const counts = threads > 1 ? [1, threads] : [1];
  const modules = [];
  for (const n of counts) for (const relaxed of builds) modules.push(await loadModule({ threads: n, relaxed }));
  for (const mod of modules) {
    const { variant } = mod.buildInfo();
    for (const precision of ['int8', 'f32']) {
      const name = `convscope ${variant} ${mod.buildInfo().threads}T ${precision}`;
      const bytes = readFileSync(files[precision]);
      const t0 = performance.now();
      const model = mod.Model.load(bytes);
      const loaded = performance.now();
      model.run(readImage('chelsea.png'), { precision }); // builds the runtimes
      loads[name] = performance.now() - t0;
      notes.push(
        `${name}: Model.load ${(loaded - t0).toFixed(0)} ms, then runtimes + first image ` +
          `${(performance.now() - loaded).toFixed(0)} ms; wasm heap ${(mod.HEAPU8.length / 2 ** 20).toFixed(0)} MiB`,
      );
      // Every engine gets the same 224x224 image, already decoded: convscope as RGBA pixels at the
      // input size (no resize), the peers as the preprocessed tensor.
      input ??= Float32Array.from(model.activation('input_1').data); // NHWC, caffe
      pixels ??= { data: toRgba(input), width: 224, height: 224 };
      if (precision === 'f32') f32Model ??= model;
      engines.push({ name, model, run: () => model.run(pixels, { precision }) });
    }
  }

  const require = createRequire(import.meta.url);
  const tf = require('@tensorflow/tfjs-core');
  require('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend('wasm');
  let t0 = performance.now();
  const tfModel = tfjsVgg16(tf, f32Model);
  const x = tf.tensor4d(input, [1, 224, 224, 3]);
  engines.push({ name: 'tfjs-backend-wasm f32 1T', tfModel, run: () => tfModel.predict(x) });
  loads['tfjs-backend-wasm f32 1T'] = performance.now() - t0;

  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = threads;
  const nchw = new ort.Tensor('float32', toNchw(input, 224, 224, 3), [1, 3, 224, 224]);
  for (const precision of ['f32', 'int8']) {
    t0 = performance.now();
    const session = await ort.InferenceSession.create(readFileSync(onnx[precision]));
    const name = `onnxruntime-web ${precision} ${threads}T`;
    loads[name] = performance.now() - t0;
    engines.push({ name, run: async () => (await session.run({ input: nchw }))[session.outputNames[0]].data });
  }
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
    engines.map((e, j) => ({ name: e.name, ...times[j], load: loads[e.name], top1: tops[j] })),
    bases,
  );
  notes.forEach((n) => console.log(n));
  for (const e of engines) e.model?.release();
  for (const mod of modules) mod.exitThreads();
}

// A browser page (bench/browser/vgg16_bench.html) with `query`; the isolated server sends COOP/COEP.
async function pageBench(launch, query, { isolated, title, bases }) {
  const server = await startStaticServer(root, {}, { isolated });
  const browser = await launch();
  try {
    const page = await browser.page();
    await page.goto(`${server.url}/bench/browser/vgg16_bench.html?${query}`);
    await page.waitForFunction(() => window.benchReady === true);
    const result = await page.evaluate((o) => window.runBench(o), { runs: RUNS, warmup: WARMUP });
    if (isolated && !result.isolated) throw new Error('the page is not cross-origin isolated');
    report(
      `${browser.version}, hardwareConcurrency ${result.cores}, ${title} (tfjs on ${result.tfjsThreads}), median of ${RUNS} interleaved runs`,
      result.rows,
      bases,
    );
    for (const r of result.rows.filter((row) => row.heap)) {
      console.log(
        `${r.name}: wasm memory ${(r.heap / 2 ** 20).toFixed(0)} MiB after its first run` +
          (r.name.endsWith('f32') ? ' (the same module holds the int8 model too)' : ''),
      );
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

const chromium = async () => {
  const b = await launchChromium();
  return {
    version: `Chromium ${b.context.browser()?.version() ?? ''}`,
    close: () => b.close(),
    page: () => b.context.newPage(),
  };
};
const firefox = async () => {
  const b = await launchFirefox();
  return { version: b.version, close: () => b.close(), page: () => b.browser.newPage() };
};

const THREADS = Number(arg('--threads', defaultThreads()));
const pass = arg('--pass');
if (pass) {
  await nodeBench(Number(pass)); // a child process of the run below
} else {
  await nodeBench(1);
  if (THREADS > 1) {
    // onnxruntime's thread count is fixed per process: the threaded pass runs in its own.
    const r = spawnSync(
      process.execPath,
      [fileURLToPath(import.meta.url), '--pass', String(THREADS), '--runs', String(RUNS)],
      { stdio: 'inherit' },
    );
    if (r.status !== 0) throw new Error(`the ${THREADS}-thread pass failed`);
  }
  if (!process.argv.includes('--node-only')) {
    const one = ['convscope baseline 1T int8', 'convscope relaxed 1T int8', 'convscope baseline 1T f32'];
    const only = arg('--browser');
    for (const [, launch] of [
      ['chromium', chromium],
      ['firefox', firefox],
    ].filter(([n]) => !only || n === only)) {
      await pageBench(launch, 'convscope=web:1,web-relaxed:1&threads=1', {
        isolated: false,
        title: '1 thread',
        bases: one,
      });
      if (THREADS > 1) {
        const builds = `web-relaxed:1,web-relaxed-mt:${THREADS},web-mt:${THREADS}`;
        await pageBench(launch, `convscope=${builds}&threads=${THREADS}`, {
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
