#!/usr/bin/env node
// convscope: every visualization of a CNN for any image, written to PNG files, by the same wasm
// core the page runs. `convscope --help` for the commands.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';

import { catalog, expectedOf, OPTIONS as METHOD_OPTIONS, parseOption } from './catalog.mjs';
import { explainImage, METHODS } from './explain_image.mjs';
import { captioned } from './figures.mjs';
import { expandInputs, outputNames, writeFileAtomically } from './files.mjs';
import { defaultThreads, loadModule, root } from './module.mjs';
import { encodePng } from './png.mjs';
import { progressBar } from './progress.mjs';
import { startStaticServer } from './serve.mjs';
import { indexHtml } from './report.mjs';

// The model the page ships (Fashion-MNIST, model_convert/training/train_default_model.py; docs/default-model.md).
export const DEFAULT_MODEL = path.join(root, 'web/models/default.bin');

// The core's names for a run's precision and resize mode (its catalog's enums).
const { precision: PRECISIONS, resize: RESIZE_MODES } = catalog.enums;
// Activation maximization's options (the catalog's): preset, steps, seed.
const MAXIMIZE_OPTIONS = catalog.maximize.options;
// An option's place in the usage line: a flag, or a flag and what it takes.
const usageFlag = (o) =>
  o.type === 'boolean' ? `[--${o.name}]` : `[--${o.name} ${o.type === 'choice' ? o.choices.join('|') : 'N'}]`;

const USAGE = `usage:
  convscope summary [--model M]
  convscope explain IMAGE... [--model M] [--methods ${METHODS.join(',')}]
                   [--layer L] [--class C|top1] [--precision ${PRECISIONS.join('|')}] [--resize ${RESIZE_MODES.join('|')}]
                   [--threshold T] [--jobs N] [--threads N] [--quiet] [-o OUTDIR]
                   ${[...METHOD_OPTIONS.values()].map(usageFlag).join(' ')}
  convscope filters LAYER [--model M] [-o OUTDIR]
  convscope features IMAGE LAYER [--model M] [--precision ${PRECISIONS.join('|')}] [-o OUTDIR]
  convscope maximize LAYER FILTER... [--model M] ${MAXIMIZE_OPTIONS.map(usageFlag).join(' ')} [-o OUTDIR]
  convscope serve [DIR] [--port P] [--host H]   (DIR: dist/site; 127.0.0.1:8080; cross-origin isolated)
IMAGE may be a file, a folder (its images, recursively) or a glob ('photos/*.jpg'): PNG (8 or 16 bits),
JPEG, BMP or GIF (WebP and other formats: open them in the page, which uses the browser's decoder).
--threads N: threads per image (default: the cores, shared among the --jobs; 1 = no thread pool).
Method options (each method takes its own; docs/explanation-methods.md):
${[...METHOD_OPTIONS.values()].map((o) => `  --${o.name}: ${o.help}`).join('\n')}
Activation maximization's options:
${MAXIMIZE_OPTIONS.map((o) => `  --${o.name}: ${o.help}`).join('\n')}
Exit codes: 0 all done, 1 some inputs failed, 2 usage error.`;

class UsageError extends Error {}

const OPTIONS = {
  model: { type: 'string' },
  methods: { type: 'string' },
  layer: { type: 'string' },
  class: { type: 'string' },
  precision: { type: 'string' },
  resize: { type: 'string' },
  threshold: { type: 'string' },
  jobs: { type: 'string' },
  threads: { type: 'string' },
  quiet: { type: 'boolean' },
  out: { type: 'string', short: 'o' },
  port: { type: 'string' },
  host: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};
// The methods' and activation maximization's options (the core's catalog): booleans are flags,
// the rest take a value.
for (const o of [...METHOD_OPTIONS.values(), ...MAXIMIZE_OPTIONS]) {
  OPTIONS[o.name] ??= { type: o.type === 'boolean' ? 'boolean' : 'string' };
}

// The options described by `specs` (the catalog's) given on the command line, checked against
// their descriptions.
function optionsOf(values, specs) {
  const out = {};
  for (const o of specs) {
    const v = values[o.name];
    if (v === undefined) continue;
    if (typeof v === 'boolean') {
      out[o.name] = v;
      continue;
    }
    const parsed = parseOption(o, v);
    if (parsed === undefined) throw new UsageError(`--${o.name} must be ${expectedOf(o)}, got '${v}'`);
    out[o.name] = parsed;
  }
  return out;
}

function integer(value, name, min) {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min)
    throw new UsageError(`--${name} must be an integer >= ${min}, got '${value}'`);
  return Number(value);
}

function choice(value, name, allowed, fallback) {
  if (value === undefined) return fallback;
  if (!allowed.includes(value)) throw new UsageError(`--${name} must be ${allowed.join(' or ')}, got '${value}'`);
  return value;
}

function modelPath(values) {
  const p = values.model ?? DEFAULT_MODEL;
  if (!existsSync(p)) {
    throw new UsageError(
      values.model
        ? `no model file '${p}'`
        : `no default model at ${path.relative(process.cwd(), p)} yet: pass --model FILE (a file from model_convert)`,
    );
  }
  return p;
}

function loadModel(m, file) {
  try {
    return m.Model.load(readFileSync(file));
  } catch (e) {
    throw new UsageError(`${file}: ${e.message}`);
  }
}

function explainOptions(values, info, rows) {
  const methods = (values.methods ?? METHODS.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of methods) {
    if (!METHODS.includes(name)) throw new UsageError(`unknown method '${name}' (methods: ${METHODS.join(', ')})`);
  }
  let classIndex = 'top1';
  if (values.class !== undefined && values.class !== 'top1') {
    const classes = info.outputShape.at(-1);
    classIndex = /^\d+$/.test(values.class) ? Number(values.class) : info.labels.indexOf(values.class);
    if (classIndex < 0 || classIndex >= classes) {
      throw new UsageError(`--class must be top1, a class index below ${classes} or a label, got '${values.class}'`);
    }
  }
  if (values.layer !== undefined && !rows.some((r) => r.name === values.layer)) {
    throw new UsageError(`no layer named '${values.layer}'`);
  }
  const threshold = values.threshold === undefined ? 0.5 : Number(values.threshold);
  if (!(threshold >= 0 && threshold <= 1))
    throw new UsageError(`--threshold must be between 0 and 1, got '${values.threshold}'`);
  return {
    methods,
    classIndex,
    threshold,
    layer: values.layer,
    methodOptions: optionsOf(values, METHOD_OPTIONS.values()),
    maximizeOptions: optionsOf(values, MAXIMIZE_OPTIONS),
    precision: choice(values.precision, 'precision', PRECISIONS, info.precision),
    resize: choice(values.resize, 'resize', RESIZE_MODES, 'keras'),
  };
}

// Explains every image, in `jobs` worker threads or here; returns the report.
async function explainAll(m, model, info, file, inputs, options, outDir, { jobs, threads, quiet }) {
  const names = outputNames(inputs);
  const bar = progressBar(inputs.length, { quiet });
  const partial = new Array(inputs.length).fill(0);
  const show = () => bar.update(partial.reduce((a, b) => a + b, 0));
  const results = new Array(inputs.length);
  // What runs the images: this module, or the workers' (each reports its own when ready).
  let engine = { variant: info.variant, threads: info.threads };
  const jobFor = (index) => {
    const dir = path.join(outDir, names[index]);
    mkdirSync(dir, { recursive: true });
    return { index, file: inputs[index], outDir: dir, modelName: info.name };
  };
  if (jobs === 1) {
    inputs.forEach((input, index) => {
      try {
        const bytes = readFileSync(input);
        results[index] = {
          result: explainImage(m, model, { ...jobFor(index), bytes }, options, (f) => {
            partial[index] = f;
            show();
          }),
        };
      } catch (e) {
        results[index] = { error: e.message };
      }
      partial[index] = 1;
      show();
    });
  } else {
    let next = 0;
    await Promise.all(
      Array.from(
        { length: Math.min(jobs, inputs.length) },
        () =>
          new Promise((resolve, reject) => {
            const worker = new Worker(new URL('./worker.mjs', import.meta.url), {
              workerData: { modelPath: file, options, threads },
            });
            const feed = () => worker.postMessage(next < inputs.length ? jobFor(next++) : null);
            worker.on('message', (msg) => {
              if (msg.ready) {
                engine = msg.engine;
                return feed();
              }
              if (msg.fraction !== undefined) {
                partial[msg.index] = msg.fraction;
                show();
                return;
              }
              results[msg.index] = msg.error !== undefined ? { error: msg.error } : { result: msg.result };
              partial[msg.index] = 1;
              show();
              feed();
            });
            worker.on('error', reject);
            worker.on('exit', resolve);
          }),
      ),
    );
  }
  bar.done();
  return {
    model: { file, name: info.name, precision: info.precision, params: info.params, inputShape: info.inputShape },
    parameters: options,
    // What ran: the wasm build, the threads each image ran on, the images at once.
    engine: { ...engine, jobs },
    images: inputs.map((input, i) => ({
      source: input,
      ...(results[i].error !== undefined ? { error: results[i].error } : results[i].result),
    })),
  };
}

// Serves the site build with the headers that let the page use threads, until interrupted.
async function serve(args, values) {
  if (args.length > 1) throw new UsageError('serve takes at most one DIR');
  const dir = path.resolve(args[0] ?? path.join(root, 'dist/site'));
  if (!existsSync(path.join(dir, 'index.html'))) {
    throw new UsageError(`${dir} has no index.html: build the site first (scripts/build.sh writes dist/site)`);
  }
  const port = integer(values.port, 'port', 0) ?? 8080;
  let server;
  try {
    server = await startStaticServer(dir, { isolated: true, host: values.host ?? '127.0.0.1', port });
  } catch (e) {
    throw new UsageError(`cannot listen on ${values.host ?? '127.0.0.1'}:${port}: ${e.code ?? e.message}`);
  }
  console.log(
    `convscope: serving ${dir} at ${server.url}/ (cross-origin isolated: the page runs on every core; Ctrl-C stops)`,
  );
  await new Promise((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
  await server.close();
  return 0;
}

async function main(argv) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  } catch (e) {
    throw new UsageError(e.message);
  }
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (values.help || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (!command) throw new UsageError('no command given');
  if (command === 'serve') return serve(args, values);
  const outDir = values.out ?? 'out';
  const cores = defaultThreads();
  const jobs = Math.min(integer(values.jobs, 'jobs', 1) ?? 1, cores);
  const threads = integer(values.threads, 'threads', 1) ?? Math.max(1, Math.floor(cores / jobs));
  const m = await loadModule({ threads: jobs > 1 ? 1 : threads });
  try {
    return await runCommand(m, command, args, values, outDir, { jobs, threads, quiet: values.quiet });
  } finally {
    m.exitThreads();
  }
}

async function runCommand(m, command, args, values, outDir, run) {
  if (command === 'summary') {
    if (args.length) throw new UsageError('summary takes no arguments');
    const model = loadModel(m, modelPath(values));
    process.stdout.write(model.summary().text);
    model.release();
    return 0;
  }
  if (!['explain', 'filters', 'features', 'maximize'].includes(command))
    throw new UsageError(`unknown command '${command}'`);
  const file = modelPath(values);
  const model = loadModel(m, file);
  try {
    mkdirSync(outDir, { recursive: true });
    // Read once: each call marshals the whole layer list (and VGG16's 1,000 labels).
    const info = model.info();
    const { rows } = model.summary();
    const modelName = info.name;
    const save = (name, image, meta, lines) => {
      const target = path.join(outDir, `${name}.png`);
      writeFileAtomically(
        target,
        encodePng(captioned(m, image, lines), { Software: 'convscope', Model: modelName, ...meta }),
      );
      console.log(target);
    };
    const layerArg = (name) => {
      if (!rows.some((r) => r.name === name)) throw new UsageError(`no layer named '${name}'`);
      return name;
    };
    if (command === 'filters') {
      if (args.length !== 1) throw new UsageError('filters takes one LAYER');
      const layer = layerArg(args[0]);
      save(`filters-${layer}`, model.filterGrid(layer), { Method: 'filters', Layer: layer }, [
        `filters | layer ${layer}`,
      ]);
      return 0;
    }
    if (command === 'features') {
      if (args.length !== 2) throw new UsageError('features takes IMAGE LAYER');
      const layer = layerArg(args[1]);
      const precision = choice(values.precision, 'precision', PRECISIONS, info.precision);
      try {
        model.run(readFileSync(args[0]), { precision });
      } catch (e) {
        console.error(`convscope: ${args[0]}: ${e.message}`);
        return 1;
      }
      const stem = outputNames([args[0]])[0];
      save(
        `features-${stem}-${layer}`,
        model.featureMapGrid(layer, { colormap: 'viridis' }),
        { Method: 'features', Layer: layer, Source: path.basename(args[0]), Precision: precision },
        [`feature maps | ${path.basename(args[0])} | layer ${layer} | ${precision}`],
      );
      return 0;
    }
    if (command === 'maximize') {
      if (args.length < 2) throw new UsageError('maximize takes LAYER FILTER...');
      const layer = layerArg(args[0]);
      const options = optionsOf(values, MAXIMIZE_OPTIONS);
      for (const f of args.slice(1)) {
        const unit = integer(f, 'filter', 0);
        const isClass = rows.at(-1).name === layer;
        const image = model.maximize({ layer, [isClass ? 'class' : 'filter']: unit, ...options });
        save(`maximize-${layer}-${unit}`, image, { Method: 'maximize', Layer: layer, Unit: String(unit) }, [
          `activation maximization | ${layer} ${isClass ? 'class' : 'filter'} ${unit} | act ${image.startActivation.toFixed(2)} -> ${image.endActivation.toFixed(2)}`,
        ]);
      }
      return 0;
    }
    // explain
    const { files: inputs, missing } = expandInputs(args);
    for (const arg of missing) console.error(`convscope: ${arg}: no file matches`);
    if (inputs.length === 0 && missing.length === 0) throw new UsageError('explain takes at least one IMAGE');
    const options = explainOptions(values, info, rows);
    const report = await explainAll(m, model, info, file, inputs, options, outDir, run);
    writeFileAtomically(path.join(outDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileAtomically(path.join(outDir, 'index.html'), indexHtml(report, outDir));
    const failed = report.images.filter((img) => img.error !== undefined);
    for (const img of failed) console.error(`convscope: ${img.source}: ${img.error}`);
    if (!values.quiet) {
      const { variant, threads, jobs } = report.engine;
      console.error(
        `convscope: ${inputs.length - failed.length} of ${inputs.length} images explained ` +
          `(wasm ${variant}, ${threads} thread${threads > 1 ? 's' : ''}${jobs > 1 ? ` x ${jobs} jobs` : ''}): ${path.join(outDir, 'index.html')}`,
      );
    }
    return failed.length + missing.length ? 1 : 0;
  } finally {
    model.release();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    if (e instanceof UsageError) {
      console.error(`convscope: ${e.message}\n${USAGE}`);
      process.exitCode = 2;
    } else {
      console.error(`convscope: ${e.stack ?? e}`);
      process.exitCode = 1;
    }
  },
);
