// The Node side shared by the forward-pass benchmarks against the peers (bench/vgg16_bench.mjs,
// bench/graph_bench.mjs): model files made once, activation ranges for onnxruntime's static int8,
// the engines of one Node pass (convscope per build and thread count, tfjs-backend-wasm,
// onnxruntime-web), and the printed table.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { loadModule, nodeRunsRelaxed } from '../cli/module.mjs';
import { launchChromium } from '../tests/support/chromium.mjs';
import { launchFirefox } from '../tests/support/firefox.mjs';
import { readImage, root, samplePhotos } from '../tests/support/models.mjs';
import { startStaticServer } from '../tests/support/static_server.mjs';

export const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};

export function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}:\n${r.stderr}`);
  return r.stdout;
}
// Whether `file` is missing or older than any of `sources`.
export const stale = (file, ...sources) =>
  !existsSync(file) || sources.some((source) => statSync(file).mtimeMs < statSync(source).mtimeMs);

// files: { precision: out.bin }, each converted from `source` (a Keras file) unless newer than it.
export function convertOnce(source, files) {
  for (const [precision, file] of Object.entries(files)) {
    if (stale(file, source)) {
      run(path.join(root, 'build/native/model_convert/model_convert'), [source, '-o', file, '--precision', precision]);
    }
  }
}

// Activation ranges for onnxruntime's static int8 ({layer: [min, max]} over the sample photos), from
// convscope's f32 engine, so the peer's int8 scales come from the activations convscope computes.
export function calibrateOnce(m, f32File, out) {
  if (!stale(out, f32File)) return;
  const model = m.Model.load(readFileSync(f32File));
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
  writeFileSync(out, JSON.stringify(r));
}

// Every engine relative to the convscope rows named `bases` (same run); `diff` (when rows have it):
// the largest difference of its class scores from convscope f32's, relative to their largest.
export function report(title, rows, bases) {
  console.log(`\n${title}`);
  const median = Object.fromEntries(rows.map((r) => [r.name, r.median]));
  const diffs = rows.some((r) => r.diff !== undefined);
  console.log(
    `${'engine'.padEnd(34)}median ms    min ms   load ms${bases.map((b) => `  vs ${b}`.padStart(b.length + 6)).join('')}   top-1` +
      (diffs ? '  max rel diff' : ''),
  );
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(34)}${r.median.toFixed(0).padStart(9)}${r.min.toFixed(0).padStart(10)}${(r.load ?? NaN).toFixed(0).padStart(10)}` +
        `${bases.map((b) => `${(r.median / median[b]).toFixed(2)}x`.padStart(b.length + 6)).join('')}   ${r.top1}` +
        (diffs ? `${(r.diff ?? NaN).toExponential(1).padStart(14)}` : ''),
    );
  }
}

// convscope's single-threaded builds (baseline, and relaxed where this Node runs it: Node 24, e.g.
// scripts/node24's), and with threads > 1 also their threaded builds on that many threads, so one
// interleaved run gives the threads' gain.
export async function nodeModules(threads) {
  const builds = nodeRunsRelaxed ? [false, true] : [false];
  const modules = [];
  for (const n of threads > 1 ? [1, threads] : [1]) {
    for (const relaxed of builds) modules.push(await loadModule({ threads: n, relaxed }));
  }
  return modules;
}

// One convscope engine: the model loaded and run once on `image` (which builds its runtimes);
// run() then times `pixels()` (the input at the model's size, decoded like the peers' tensor).
export function convscopeEngine(mod, bytes, precision, image, pixels) {
  const name = `convscope ${mod.buildInfo().variant} ${mod.buildInfo().threads}T ${precision}`;
  const t0 = performance.now();
  const model = mod.Model.load(bytes);
  const loaded = performance.now();
  model.run(image, { precision });
  const load = performance.now() - t0;
  const note =
    `${name}: Model.load ${(loaded - t0).toFixed(0)} ms, then runtimes + first image ` +
    `${(performance.now() - loaded).toFixed(0)} ms; wasm heap ${(mod.HEAPU8.length / 2 ** 20).toFixed(0)} MiB`;
  return { name, model, load, note, run: () => model.run(pixels(), { precision }) };
}

// tfjs-core with its wasm backend (no threads in Node).
export async function tfjsWasm() {
  const require = createRequire(import.meta.url);
  const tf = require('@tensorflow/tfjs-core');
  require('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend('wasm');
  return tf;
}

// onnxruntime-web sessions of `files` ({precision: .onnx}) on `threads` threads (process-wide).
export async function ortEngines(files, nchw, shape, threads) {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = threads;
  const input = new ort.Tensor('float32', nchw, shape);
  const engines = [];
  for (const [precision, file] of Object.entries(files)) {
    const t0 = performance.now();
    const session = await ort.InferenceSession.create(readFileSync(file));
    engines.push({
      name: `onnxruntime-web ${precision} ${threads}T`,
      load: performance.now() - t0,
      run: async () => (await session.run({ input }))[session.outputNames[0]].data,
    });
  }
  return engines;
}

// onnxruntime's thread count is fixed per process: the `threads` pass of `script` runs in its own.
export function childPass(script, threads, args) {
  const r = spawnSync(process.execPath, [script, '--pass', String(threads), ...args], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`the ${threads}-thread pass failed`);
}

// The benchmark page (bench/browser/vgg16_bench.html; `model=` in `query` picks the files, default
// vgg16) in a browser; the isolated server sends COOP/COEP.
export async function pageBench(launch, query, { isolated, title, bases, runs, warmup }) {
  const server = await startStaticServer(root, {}, { isolated });
  const browser = await launch();
  try {
    const page = await browser.page();
    await page.goto(`${server.url}/bench/browser/vgg16_bench.html?${query}`);
    await page.waitForFunction(() => window.benchReady === true);
    const result = await page.evaluate((o) => window.runBench(o), { runs, warmup });
    if (isolated && !result.isolated) throw new Error('the page is not cross-origin isolated');
    report(
      `${browser.version}, hardwareConcurrency ${result.cores}, ${title} (tfjs on ${result.tfjsThreads}), median of ${runs} interleaved runs`,
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

// Launchers for pageBench: { version, page(), close() }.
export const browsers = {
  chromium: async () => {
    const b = await launchChromium();
    return {
      version: `Chromium ${b.context.browser()?.version() ?? ''}`,
      close: () => b.close(),
      page: () => b.context.newPage(),
    };
  },
  firefox: async () => {
    const b = await launchFirefox();
    return { version: b.version, close: () => b.close(), page: () => b.browser.newPage() };
  },
};
