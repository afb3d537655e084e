// What every <conv-scope> on a page shares: one worker (WorkerClient, with the build it picks), each
// model file fetched once, and each model — a file with its preprocessing and class names, or a
// Keras file converted with its precision and input size — loaded once in that worker.
import ConvscopeWorker from './worker.js?worker&inline';
import { WorkerClient } from './client.js';
import { blobOf } from './fetch_blob.js';
import { kindOf } from './model_kind.js';
import { ASSETS, SCRIPT_URL, assetBlob, wasmBuild } from './widget_assets.js';

// Shared by every widget on the page.
export const shared = {
  client: null,
  files: new Map(), // model URL (or '' for the default) -> Promise<{blob, name, kind}>
  // [URL, preprocessing, labels, a Keras file's precision and input size] -> Promise<{key, info, summary}>
  models: new Map(),
  modelLoads: 0, // how many model files were loaded (tests check that widgets share them)
  nextImage: 0,
};

// On a cross-origin isolated page, the threaded builds from the convscope-threads/ folder beside
// this script (dist/convscope-threads/: hosting it is optional), when it is there.
async function threadedBuilds() {
  // One core: the worker would run one thread (worker.js), a single-threaded build's job.
  if (!self.crossOriginIsolated || (navigator.hardwareConcurrency || 1) < 2) return undefined;
  const folder = new URL('convscope-threads/', SCRIPT_URL);
  const files = (name) =>
    Object.fromEntries(
      Object.entries({ glue: '.mjs', wasm: '.wasm', worker: '.worker.js' }).map(([key, ext]) => [
        key,
        new URL(`${name}${ext}`, folder).href,
      ]),
    );
  const builds = { baseline: files('convscope-web-mt'), relaxed: files('convscope-web-relaxed-mt') };
  const hosted = await fetch(builds.baseline.glue, { method: 'HEAD' }).then(
    (r) => r.ok,
    () => false,
  );
  return hosted ? builds : undefined;
}

export function client() {
  if (!shared.client) {
    // The threaded builds where threadedBuilds() found them, else the single-threaded build this
    // browser runs, from beside the script (widget_assets.js).
    shared.client = threadedBuilds()
      .then((threaded) => (threaded ? { threaded } : wasmBuild()))
      .then((wasm) => new WorkerClient(() => new ConvscopeWorker(), wasm));
    shared.client.catch(() => {
      shared.client = null; // a later widget may retry (a download that failed)
    });
  }
  return shared.client;
}

// The file `url` names ('' the default model) and what it is (model_kind.js), fetched once per page.
function fetchModel(url) {
  if (!shared.files.has(url)) {
    const absolute = url && new URL(url, document.baseURI).href;
    const file = (async () => {
      const blob = await (absolute
        ? blobOf(absolute, `the model ${url}`)
        : assetBlob(ASSETS.model, 'the default model'));
      const name = decodeURIComponent(new URL(absolute || 'model.bin', document.baseURI).pathname.split('/').pop());
      return { blob, name, kind: await kindOf(blob, name) };
    })();
    shared.files.set(url, file);
    file.catch(() => shared.files.delete(url)); // a later widget may retry
  }
  return shared.files.get(url);
}

// The text of a labels= attribute for withLabels: a list in the attribute itself (a JSON list, or
// names separated by commas), or else the URL of a labels file.
async function labelsText(labels) {
  const inline = labels.trim().startsWith('[') || labels.includes(',');
  if (inline)
    return labels.trim().startsWith('[')
      ? labels
      : labels
          .split(',')
          .map((n) => n.trim())
          .join('\n');
  return (await blobOf(new URL(labels, document.baseURI).href, `the labels ${labels}`)).text();
}

// The model of `url` with `preprocessing` and `labels` (if given), loaded once per page for every
// widget that names it so: a Keras file converted first (to `precision`, at `inputSize` where the
// model leaves its size free: each is its own model).
export async function loadModel(url, { preprocessing, labels, precision, inputSize }) {
  const { blob, name, kind } = await fetchModel(url);
  const keras = kind === 'keras';
  const id = JSON.stringify([
    url,
    preprocessing ?? null,
    labels ?? null,
    keras ? precision : null,
    keras ? inputSize : null,
  ]);
  if (!shared.models.has(id)) {
    const key = `widget-model-${shared.models.size}`;
    const load = (async () => {
      const c = await client();
      let model = blob;
      if (keras) {
        // The Keras reader is a classic script beside this one, loaded by the worker only now.
        const reader = new URL('convscope-keras.js', SCRIPT_URL).href;
        const options = { blob, name, precision, preprocessing, inputSize, reader };
        model = new Blob([(await c.request('convertKeras', options)).bytes]);
      } else if (preprocessing) {
        model = new Blob([await c.request('withPreprocessing', { blob, mode: preprocessing })]);
      }
      if (labels)
        model = new Blob([
          await c.request('withLabels', {
            blob: model,
            text: await labelsText(labels),
            what: `the class names for ${name}`,
          }),
        ]);
      shared.modelLoads++;
      return { key, ...(await c.request('loadModel', { model: key, blob: model })) };
    })();
    shared.models.set(id, load);
    load.catch(() => shared.models.delete(id)); // a later widget may retry
  }
  return shared.models.get(id);
}
