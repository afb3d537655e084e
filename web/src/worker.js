// The worker that owns the wasm module: every computation runs here, never on the page's thread.
// It holds any number of models and images by key (the page uses one of each; widgets on a page
// share this worker and each model once), and runs an image through a model only when a request
// needs that model's activations for that image. Protocol: protocol.js. Big results (pixels, maps)
// come back as transferred ArrayBuffers.
import createBaselineModule from '../../build/wasm/convscope-web.mjs';
import createRelaxedModule from '../../build/wasm/convscope-web-relaxed.mjs';
import { grayPicture } from './grayscale.js';
import { decodePicture } from './picture.js';
import { READY } from './protocol.js';
import { relaxedSimdWorks } from './relaxed_simd.js';

/** @type {import('../../wasm/convscope').ConvscopeModule} */
let m = null;
/** @type {Map<string, import('../../wasm/convscope').Model>} */
const models = new Map();
const images = new Map(); // key -> {full, display} (picture.js)
const lastRun = new Map(); // model key -> what it last ran: {image, precision, resize, result}
const precisions = new Map(); // model key -> its file's precision (read once, not per request)
const grayscale = new Set(); // keys of the models that see pictures in gray (an H x W x 1 input)

// XNNPACK's pool on a big machine: beyond this VGG16's layers gain little from more threads, and
// each one is a worker holding the module.
const MAX_THREADS = 8;

// wasm: {baseline, relaxed} (the widget: only the one it chose), each a Blob (single-file page,
// widget) or a URL (served: compiled while it downloads); on an isolated page also `threaded` (threaded_builds.js, or the widget's
// convscope-threads/ folder). The relaxed-SIMD build runs where this engine passes the self-test,
// a threaded one on every core (up to MAX_THREADS) where the page is cross-origin isolated.
// Replies with what runs: m.buildInfo().
async function init({ wasm }) {
  const cores = Math.min(navigator.hardwareConcurrency || 1, MAX_THREADS);
  const threads = self.crossOriginIsolated && wasm.threaded ? cores : 1;
  // Where the page chose one build (the widget), that one; else the relaxed one where it works.
  const builds = threads > 1 ? wasm.threaded : wasm;
  const relaxed = builds.relaxed !== undefined && (builds.baseline === undefined || relaxedSimdWorks());
  // Emscripten's module promise never settles when instantiation fails: that failure is raced in.
  let failed;
  const failure = new Promise((_, reject) => {
    failed = reject;
  });
  if (threads > 1) {
    m = await Promise.race([
      createThreadedModule(relaxed ? builds.relaxed : builds.baseline, threads, failed),
      failure,
    ]);
  } else {
    const source = relaxed ? builds.relaxed : builds.baseline;
    if (source === undefined) throw new Error('no single-threaded wasm build was given to the worker');
    const create = relaxed ? createRelaxedModule : createBaselineModule;
    m = await Promise.race([create({ instantiateWasm: instantiate(source, failed) }), failure]);
  }
  m.setThreads(threads);
  return m.buildInfo();
}

// Emscripten's instantiateWasm hook for a Blob or a URL; `failed` gets an error naming it.
const instantiate = (source, failed) => (imports, done) => {
  const remote = typeof source === 'string';
  const ok = (response) => {
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response;
  };
  const instance = remote
    ? WebAssembly.instantiateStreaming(fetch(source).then(ok), imports)
    : source.arrayBuffer().then((bytes) => WebAssembly.instantiate(bytes, imports));
  instance.then(
    (r) => done(r.instance, r.module),
    (e) =>
      failed(
        new Error(
          `could not start the wasm module from ${remote ? source : 'the wasm build it was given'} ` +
            `(${e.message}): reload the page; if it persists, the file is missing or damaged on the server`,
        ),
      ),
  );
  return {};
};

// A threaded build from its three files: this worker and each pthread worker import the same ES
// module (mainScriptUrlOrBlob); the pool's threads - 1 workers start with it.
async function createThreadedModule({ glue, wasm, worker }, threads, failed) {
  const { default: create } = await import(/* @vite-ignore */ glue);
  return create({
    mainScriptUrlOrBlob: glue,
    locateFile: (file) => (file.endsWith('.worker.js') ? worker : file),
    instantiateWasm: instantiate(wasm, failed),
    convscopePoolSize: threads - 1,
  });
}

function modelOf(key) {
  const model = models.get(key);
  if (!model) throw new Error('no model loaded');
  return model;
}

// The picture `key` at full size (what the model runs), or its display copy (what is drawn).
function imageOf(key, { display = false } = {}) {
  const image = images.get(key);
  if (!image) throw new Error('no image yet');
  return display ? image.display : image.full;
}

// What maps of `model` are drawn over: the display copy of picture `key`, in gray for a model that
// sees pictures in gray (made once per picture).
function backdropOf(key, model) {
  const display = imageOf(key, { display: true });
  if (!grayscale.has(model)) return display;
  const image = images.get(key);
  image.gray ??= grayPicture(display);
  return image.gray;
}

// Runs `image` through `model` unless that is what it last did; returns the run's summary.
/**
 * @param {{ model: string, image: string, precision?: import('../../wasm/convscope').Precision,
 *   resize?: import('../../wasm/convscope').ResizeMode }} what
 */
function ensureRun({ model, image, precision, resize = 'keras' }) {
  const md = modelOf(model);
  const p = precision ?? precisions.get(model);
  const last = lastRun.get(model);
  if (last && last.image === image && last.precision === p && last.resize === resize) return last.result;
  lastRun.delete(model);
  const r = md.run(imageOf(image), { precision: p, resize, topK: 5 });
  const result = { predictions: r.predictions, precision: r.precision, totalMs: r.totalMs, unlike: r.unlike };
  lastRun.set(model, { image, precision: p, resize, result });
  return result;
}

// A copy the page can own (transferred); grids keep their layout fields.
const imageData = (img) => ({ ...img, data: new Uint8ClampedArray(img.data) });

const OPS = {
  init,
  async loadModel({ model, blob }) {
    // A Blob (a File): cloning it to the worker is cheap; the bytes are read here, off the page.
    const next = m.Model.load(new Uint8Array(await blob.arrayBuffer()));
    models.get(model)?.release();
    models.set(model, next);
    lastRun.delete(model);
    const info = next.info();
    precisions.set(model, info.precision);
    if (info.inputShape.at(-1) === 1) grayscale.add(model);
    else grayscale.delete(model);
    return { info, summary: next.summary() };
  },
  // A Keras file (.keras, .h5) -> convertKeras' result: the model file's bytes (the page caches
  // them, then loads them as a model), with how its preprocessing was chosen. `preprocessing`:
  // the mode to use instead of the inferred one; `inputSize`: [height, width] for a model of free
  // input size. `reader`: where the widget build, which leaves the Keras reader out, finds it (a
  // classic script beside the widget's, loaded only now).
  async convertKeras({ blob, name, precision = 'int8', preprocessing, inputSize, reader }, report) {
    const { convertKeras } = await kerasImport(reader);
    const options = {
      precision,
      onProgress: report.progress,
      ...(preprocessing ? { preprocessing } : {}),
      ...(inputSize ? { inputSize } : {}),
    };
    return convertKeras(m, blob, name, options);
  },
  // A copy of a model file with another preprocessing (the weights unchanged).
  async withPreprocessing({ blob, mode }) {
    return m.withPreprocessing(new Uint8Array(await blob.arrayBuffer()), mode);
  },
  // A copy of a model file with the class names in `text` (a labels file's or typed).
  // `what`: where the names came from, as a refusal names it ("labels.txt", "the class names for m.keras").
  async withLabels({ blob, text, what }) {
    return m.withLabels(new Uint8Array(await blob.arrayBuffer()), text, what);
  },
  async setImage({ image, blob }) {
    images.set(image, await decodePicture(m, new Uint8Array(await blob.arrayBuffer())));
    for (const [key, run] of lastRun) if (run.image === image) lastRun.delete(key);
    return imageData(imageOf(image, { display: true }));
  },
  forget({ model, image }) {
    if (model !== undefined) {
      models.get(model)?.release();
      models.delete(model);
      lastRun.delete(model);
      precisions.delete(model);
      grayscale.delete(model);
    }
    if (image !== undefined) images.delete(image);
    return true;
  },
  // The run's summary; for a grayscale model, with what it was given, at its input size (Predictions
  // shows it beside the picture): made for each answer, since an answer's buffers are transferred.
  run(what) {
    const result = ensureRun(what);
    return grayscale.has(what.model) ? { ...result, input: modelOf(what.model).inputPicture() } : result;
  },
  // The layer's Keras config and each of its weights (kernel, bias; BatchNormalization's gamma,
  // beta, moving mean and variance; SeparableConv2D's depthwise and pointwise kernels) in order.
  layer({ model, name }) {
    const md = modelOf(model);
    /** @type {Record<string, import('../../wasm/convscope').WeightTensor>} */
    const weights = md.weights(name);
    const describe = (w) => ({
      shape: w.shape,
      kerasShape: w.kerasShape,
      layout: w.layout,
      dtype: w.dtype,
      stats: w.stats,
    });
    const list = Object.entries(weights)
      .filter(([, w]) => w)
      .map(([what, w]) => ({ name: what, ...describe(w) }));
    return { config: md.layerConfig(name), weights: list };
  },
  overlay({ model, image, map, options }) {
    return imageData(m.overlay(backdropOf(image, model), map, options));
  },
  filterGrid({ model, name, options }) {
    return imageData(modelOf(model).filterGrid(name, options));
  },
  featureMapGrid(args) {
    ensureRun(args);
    return imageData(modelOf(args.model).featureMapGrid(args.name, args.options));
  },
  explain(args, report) {
    ensureRun(args);
    const { method, options } = args;
    const x = modelOf(args.model).explain(method, {
      ...options,
      onProgress: report.progress,
      onPartial: (p) => report.partial(drawn(p, args)),
    });
    return drawn(x, args);
  },
  // One part of a split method (worker_team.js): its raw data; part 0 passes on partial maps.
  explainPart(args, report) {
    ensureRun(args);
    const { method, options } = args;
    const onPartial = options.part === 0 ? (p) => report.partial(drawn(p, args)) : undefined;
    const x = modelOf(args.model).explain(method, { ...options, onProgress: report.progress, onPartial });
    return { raw: x.raw.data, computation: x.computation };
  },
  combine(args) {
    ensureRun(args);
    const { method, options, parts } = args;
    return drawn(modelOf(args.model).combine(method, options, parts), args);
  },
  sanityCheck(args, report) {
    ensureRun(args);
    const { method, options } = args;
    const r = modelOf(args.model).sanityCheck(method, { ...options, onProgress: report.progress });
    return {
      spearman: r.spearman,
      randomizedLayers: r.randomizedLayers,
      original: r.original && drawn(r.original, args),
      randomized: drawn(r.randomized, args),
    };
  },
  measure(args, report) {
    ensureRun(args);
    const { metric, map, options } = args;
    return measured(modelOf(args.model).measure(metric, map, { ...options, onProgress: report.progress }));
  },
  measurePart(args, report) {
    ensureRun(args);
    const { metric, map, options } = args;
    return modelOf(args.model).measurePart(metric, map, { ...options, onProgress: report.progress });
  },
  combineMeasurement(args) {
    ensureRun(args);
    const { metric, map, options, parts } = args;
    return measured(modelOf(args.model).combineMeasurement(metric, map, options, parts));
  },
  // The colour scale of `colormap`: a 0-to-1 ramp drawn by the core's overlay.
  colorbar({ colormap }) {
    const width = 256,
      picture = { data: new Uint8Array(4 * width), width, height: 1 };
    const ramp = { map: Float32Array.from({ length: width }, (_, i) => i / (width - 1)), width, height: 1 };
    return imageData(m.overlay(picture, ramp, { colormap, alpha: 1 }));
  },
  spearman({ a, b }) {
    return m.spearmanCorrelation(a, b);
  },
  maximize({ model, options }, report) {
    const r = modelOf(model).maximize({ ...options, onProgress: report.progress });
    const { startActivation, endActivation, seedPicture } = r;
    return { ...imageData(r), startActivation, endActivation, seedPicture };
  },
};

// An explanation with its figure: the map over the picture as the model sees it (or the masked
// picture). The request's model, image and overlay options say which picture and how.
// A measurement as the page uses it (its curves; the metric and class are the request's).
const measured = (r) => ({ x: r.x, map: r.map, random: r.random, randomizedModel: r.randomizedModel });

function drawn(x, { model, image, overlay }) {
  const { map, raw, ...rest } = x;
  return {
    ...rest,
    rawShape: raw.shape,
    map,
    figure: imageData(m.overlay(backdropOf(image, model), x, overlay)),
  };
}

// The Keras reader: a chunk of this build (the page), or in the widget's build a classic script
// hosted beside the widget's (`reader`: its URL), which sets self.convscopeKeras.
async function kerasImport(reader) {
  if (import.meta.env.CONVSCOPE_KERAS) return import('./keras_import.js');
  if (!reader) {
    throw new Error(
      'this build opens convscope model files only: convert Keras files on the convscope page or with model_convert',
    );
  }
  const scope = /** @type {any} */ (self);
  if (!scope.convscopeKeras) {
    try {
      importScripts(reader);
    } catch (e) {
      throw new Error(
        `the Keras reader ${reader} could not be loaded (${e.message}): host convscope-keras.js beside ` +
          'convscope-widget.js, or convert the model with model_convert and host the .bin file',
        { cause: e },
      );
    }
  }
  return scope.convscopeKeras;
}

// The buffers a reply can hand over instead of copying (not a threaded module's shared memory).
function transferables(value, out = []) {
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) out.push(value.buffer);
  } else if (value && typeof value === 'object') for (const v of Object.values(value)) transferables(v, out);
  return out;
}

self.onmessage = async ({ data: { id, op, args } }) => {
  const report = {
    progress: (fraction, time) => {
      self.postMessage({ id, progress: fraction, remainingMs: time?.remainingMs });
    },
    partial: (partial) => {
      self.postMessage({ id, partial }, transferables(partial));
    },
  };
  try {
    if (!OPS[op]) throw new Error(`unknown request '${op}'`);
    const result = await OPS[op](args ?? {}, report);
    self.postMessage({ id, result }, [...new Set(transferables(result))]);
  } catch (e) {
    self.postMessage({ id, error: e?.message ?? String(e) });
  }
};
self.postMessage({ id: 0, result: READY });
