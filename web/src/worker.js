// The worker that owns the wasm module: every computation runs here, never on the page's thread.
// Protocol: protocol.js. Big results (pixels, maps) come back as transferred ArrayBuffers.
import createConvscopeModule from '../../build/wasm/convscope-web.mjs';
import { exifOrientation } from './exif.js';
import { READY } from './protocol.js';

let m = null;
let model = null;
let image = null;  // the current picture as {data, width, height} RGBA, EXIF-oriented

async function init({ wasm }) {
  // wasm: bytes (single-file page) or a URL (served site: compiled while it downloads).
  m = await createConvscopeModule({
    instantiateWasm(imports, done) {
      const source = typeof wasm === 'string'
        ? WebAssembly.instantiateStreaming(fetch(wasm), imports)
        : WebAssembly.instantiate(wasm, imports);
      source.then((r) => done(r.instance, r.module));
      return {};
    },
  });
  return true;
}

function requireModel() {
  if (!model) throw new Error('no model loaded');
  return model;
}

async function decode(bytes) {
  // The core's decoder first: it checks sizes before allocating and says what is wrong.
  const rgba = m.decodeImage(bytes);
  if (exifOrientation(bytes) === 1) return rgba;
  const bitmap = await createImageBitmap(new Blob([bytes]), { imageOrientation: 'from-image' });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const d = ctx.getImageData(0, 0, canvas.width, canvas.height);
  return { data: d.data, width: d.width, height: d.height };
}

// A copy the page can own (transferred); grids keep their layout fields.
const imageData = (img) => ({ ...img, data: new Uint8ClampedArray(img.data) });

const OPS = {
  init,
  async loadModel({ blob }) {
    // A Blob (a File): cloning it to the worker is cheap; the bytes are read here, off the page.
    const next = m.Model.load(new Uint8Array(await blob.arrayBuffer()));
    model?.release();
    model = next;
    return { info: model.info(), summary: model.summary() };
  },
  async setImage({ blob }) {
    image = await decode(new Uint8Array(await blob.arrayBuffer()));
    return imageData(image);
  },
  run({ precision, resize }) {
    if (!image) throw new Error('no image yet');
    const r = requireModel().run(image, { precision, resize, topK: 5 });
    return { predictions: r.predictions, precision: r.precision, totalMs: r.totalMs, layerMs: Array.from(r.layerMs ?? []) };
  },
  layer({ name }) {
    const md = requireModel();
    const weights = md.weights(name);
    const describe = (w) => w && { shape: w.shape, kerasShape: w.kerasShape, layout: w.layout, dtype: w.dtype, stats: w.stats };
    return { config: md.layerConfig(name), kernel: describe(weights.kernel), bias: describe(weights.bias) };
  },
  overlay({ map, options }) {
    if (!image) throw new Error('no image yet');
    return imageData(m.overlay(image, map, options));
  },
  filterGrid({ name, options }) { return imageData(requireModel().filterGrid(name, options)); },
  featureMapGrid({ name, options }) { return imageData(requireModel().featureMapGrid(name, options)); },
  explain({ method, options, overlay }, report) {
    const md = requireModel();
    const x = md.explain(method, { ...options, onProgress: report.progress, onPartial: (p) => report.partial(drawn(p, overlay)) });
    return drawn(x, overlay);
  },
  sanityCheck({ method, options, overlay }, report) {
    const r = requireModel().sanityCheck(method, { ...options, onProgress: report.progress });
    return { spearman: r.spearman, randomizedLayers: r.randomizedLayers, original: drawn(r.original, overlay), randomized: drawn(r.randomized, overlay) };
  },
  maximize({ options }, report) {
    const r = requireModel().maximize({ ...options, onProgress: report.progress });
    return { ...imageData(r), startActivation: r.startActivation, endActivation: r.endActivation };
  },
};

// An explanation with its figure: the map over the current picture (or the masked picture).
function drawn(x, overlay) {
  const { map, raw, ...rest } = x;
  return { ...rest, rawShape: raw.shape, map, figure: imageData(m.overlay(image, x, overlay)) };
}

function transferables(value, out = []) {
  if (ArrayBuffer.isView(value)) out.push(value.buffer);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) transferables(v, out);
  return out;
}

self.onmessage = async ({ data: { id, op, args } }) => {
  const report = {
    progress: (fraction, time) => { self.postMessage({ id, progress: fraction, remainingMs: time?.remainingMs }); },
    partial: (partial) => { self.postMessage({ id, partial }, transferables(partial)); },
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
