#!/usr/bin/env node
// convscope: every visualization of a CNN for any image, written to PNG files, by the same wasm
// core the page runs. `convscope --help` for the commands.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';

import {
  choice,
  explainOptions,
  inputSize,
  integer,
  layerOf,
  MAXIMIZE_OPTIONS,
  OPTIONS,
  optionsOf,
  PRECISIONS,
  PREPROCESSING,
  ModelFileError,
  USAGE,
  UsageError,
} from './arguments.mjs';
import { explainImage } from './explain_image.mjs';
import { captioned } from './figures.mjs';
import { expandInputs, outputNames, pngPath, writeFileAtomically } from './files.mjs';
import { defaultThreads, loadModule, root } from './module.mjs';
import { encodePng } from './png.mjs';
import { progressBar } from './progress.mjs';
import { startStaticServer } from './serve.mjs';
import { indexHtml } from './report.mjs';
import { modelBytes, preprocessingWarning } from './model_source.mjs';
import { filterLayers, maximizeLayers, spatialLayers } from '../web/src/model_layers.js';

// The model the page ships (Fashion-MNIST, model_convert/training/train_default_model.py; docs/default-model.md).
export const DEFAULT_MODEL = path.join(root, 'web/models/default.bin');

function modelPath(values) {
  const p = values.model ?? DEFAULT_MODEL;
  if (!existsSync(p)) {
    throw new UsageError(
      values.model
        ? `no model file '${p}'`
        : `no default model at ${path.relative(process.cwd(), p)} yet: pass --model FILE (a Keras file or a file from model_convert)`,
    );
  }
  return p;
}

// `bytes` (a model file) with the class names of the labels file `labels`, if given; an error
// names the labels file.
function withLabelsFile(m, bytes, labels) {
  if (labels === undefined) return bytes;
  let text;
  try {
    text = readFileSync(labels, 'utf8');
  } catch (e) {
    throw new ModelFileError(`cannot read the labels file ${labels}: ${e.code ?? e.message}`);
  }
  try {
    return m.withLabels(bytes, text, labels);
  } catch (e) {
    throw new ModelFileError(e.message);
  }
}

// The model of --model (a Keras file converted in memory, or a model file) with --precision,
// --preprocessing, --input-size and --labels: {model, bytes} (the workers of --jobs load the same
// bytes). A file the core refuses is a usage error whose message names the file.
async function loadModel(m, values) {
  const file = modelPath(values);
  const preprocessing = choice(values.preprocessing, 'preprocessing', PREPROCESSING, undefined);
  const precision = choice(values.precision, 'precision', PRECISIONS, undefined);
  const size = inputSize(values['input-size']);
  try {
    const converted = await modelBytes(m, file, { precision, preprocessing, inputSize: size });
    const { keras } = converted;
    const bytes = withLabelsFile(m, converted.bytes, values.labels);
    const warning = preprocessingWarning(file, keras, PREPROCESSING);
    if (warning && !values.quiet) console.error(`convscope: ${warning}`);
    const model = m.Model.load(bytes);
    const [height, width] = model.info().inputShape;
    if (size && (size[0] !== height || size[1] !== width)) {
      model.release();
      throw new Error(
        `the model takes ${height} x ${width} pictures: --input-size is for a Keras model whose input size is free`,
      );
    }
    return { model, bytes, file };
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    const message = e.message.startsWith(path.resolve(file)) ? e.message : `${file}: ${e.message}`;
    throw new ModelFileError(message);
  }
}

// Explains every image, in `jobs` worker threads or here; returns the report.
async function explainAll(m, { model, bytes, file }, info, inputs, options, outDir, { jobs, threads, quiet }) {
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
              workerData: { modelBytes: bytes, options, threads },
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
    model: {
      file,
      name: info.name,
      precision: info.precision,
      params: info.params,
      inputShape: info.inputShape,
      preprocessing: info.preprocessing.mode,
    },
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
    const { model } = await loadModel(m, values);
    process.stdout.write(model.summary().text);
    model.release();
    return 0;
  }
  if (!['explain', 'filters', 'features', 'maximize'].includes(command))
    throw new UsageError(`unknown command '${command}'`);
  const loaded = await loadModel(m, values);
  const { model } = loaded;
  try {
    mkdirSync(outDir, { recursive: true });
    // Read once: each call marshals the whole layer list (and VGG16's 1,000 labels).
    const info = model.info();
    const { rows } = model.summary();
    const modelName = info.name;
    const save = (name, image, meta, lines) => {
      const target = pngPath(outDir, name);
      writeFileAtomically(
        target,
        encodePng(captioned(m, image, lines), { Software: 'convscope', Model: modelName, ...meta }),
      );
      console.log(target);
    };
    // Each command takes the layers it can use, by what they are (model_layers.js).
    if (command === 'filters') {
      if (args.length !== 1) throw new UsageError('filters takes one LAYER');
      const layer = layerOf(rows, args[0], filterLayers(rows), 'has no filters to draw');
      save(`filters-${layer}`, model.filterGrid(layer), { Method: 'filters', Layer: layer }, [
        `filters | layer ${layer}`,
      ]);
      return 0;
    }
    if (command === 'features') {
      if (args.length !== 2) throw new UsageError('features takes IMAGE LAYER');
      const layer = layerOf(rows, args[1], spatialLayers(rows), 'has no feature maps');
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
      const layer = layerOf(
        rows,
        args[0],
        maximizeLayers(rows, info),
        'has no feature maps and is not the class layer',
      );
      const options = optionsOf(values, MAXIMIZE_OPTIONS);
      for (const f of args.slice(1)) {
        const unit = integer(f, 'filter', 0);
        const isClass = info.head.layer === layer;
        const image = model.maximize({ layer, [isClass ? 'class' : 'filter']: unit, ...options });
        save(`maximize-${layer}-${unit}`, image, { Method: 'maximize', Layer: layer, Unit: String(unit) }, [
          `activation maximization | ${layer} ${isClass ? 'class' : 'filter'} ${unit} | ${isClass ? 'logit' : 'mean activation'} ${image.startActivation.toFixed(2)} on ${image.seedPicture} -> ${image.endActivation.toFixed(2)}`,
        ]);
      }
      return 0;
    }
    // explain
    const { files: inputs, missing } = expandInputs(args);
    for (const arg of missing) console.error(`convscope: ${arg}: no file matches`);
    if (inputs.length === 0 && missing.length === 0) throw new UsageError('explain takes at least one IMAGE');
    const options = explainOptions(values, info, rows);
    const report = await explainAll(m, loaded, info, inputs, options, outDir, run);
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
      console.error(`convscope: ${e.message}${e instanceof ModelFileError ? '' : `\n${USAGE}`}`);
      process.exitCode = 2;
    } else {
      console.error(`convscope: ${e.stack ?? e}`);
      process.exitCode = 1;
    }
  },
);
