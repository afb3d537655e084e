// The page's model files: converting a Keras file (.keras, .h5) in the worker, asking for its
// input size when the model leaves it free and for its preprocessing when the file does not say,
// caching the result (model_cache.js), changing the preprocessing and the class names later, ?model=URL, and the
// header's list of cached models. The page (main.js) gives it its context and the way it loads a
// model.
import { modelCache } from './model_cache.js';
import { inOpeningOrder, kindOf } from './model_kind.js';
import { askInputSize } from './input_size.js';
import { askPreprocessing } from './preprocessing.js';
import { askClassNames } from './class_names.js';
import { el } from './ui.js';

export { inOpeningOrder };

const $ = (id) => document.getElementById(id);

/**
 * @param {any} app the page's context (main.js): request, showBanner, stats, conversionStallMs
 * @param {(blob: Blob, name: string, cached?: string) => Promise<void>} loadModel shows a model;
 *   `cached`: its key in the model cache
 * @param {() => string} precision the precision Keras files are converted to (the header's menu)
 */
export function modelFiles(app, loadModel, precision) {
  // Loads the model cached under `key`, if there is one; says whether it did.
  async function openCached(key, name) {
    const cached = await modelCache.get(key).catch(() => undefined);
    if (cached) await loadModel(cached.blob, `${name} (cached)`, key);
    return Boolean(cached);
  }

  // A Keras file converted in the worker (with progress), at the input size the user picks where
  // the model leaves it free, its preprocessing confirmed by the user where the file does not say,
  // cached under `key`, and loaded.
  async function convertKeras(blob, name, key) {
    const seconds = app.conversionStallMs / 1000;
    const stall = {
      ms: app.conversionStallMs,
      message: `${name}: reading it made no progress for ${seconds} s, so the conversion was stopped (the HDF5 library loops on some damaged files)`,
    };
    const to = precision();
    const convert = (inputSize) =>
      app.request(
        'convertKeras',
        { blob, name, precision: to, inputSize },
        { label: `converting ${name} to ${to}`, stall },
      );
    let r = await convert();
    app.stats.conversions++;
    // A model of free input size was laid out at the converter's default: the user picks the size
    // (the one it was trained at, usually), and a size other than the default converts it again.
    if (r.freeInputSize.some(Boolean)) {
      const size = await askInputSize({ name, current: r.inputSize, free: r.freeInputSize });
      if (size[0] !== r.inputSize[0] || size[1] !== r.inputSize[1]) r = await convert(size);
    }
    let model = new Blob([r.bytes], { type: 'application/octet-stream' });
    // The converter's guess (rescale) when nothing in the file says: the user confirms or corrects
    // it before the model is shown, and the answer is stored in the model file.
    const chosen = r.preprocessingInferred
      ? r.preprocessing
      : await askPreprocessing({ name, current: r.preprocessing, note: noteOf(r.preprocessingNote) });
    if (chosen !== r.preprocessing) model = await withPreprocessing(model, name, chosen);
    try {
      await modelCache.put({ key, name, size: model.size, params: r.params, savedAt: Date.now(), blob: model });
    } catch (e) {
      app.showBanner(
        new Error(`${name} was converted but could not be cached (${e?.message ?? e}); it works for this visit`),
      );
    }
    await loadModel(model, name, key);
    await renderCached();
  }

  // The model file `blob` with preprocessing `mode`, made by the worker.
  async function withPreprocessing(blob, name, mode) {
    const bytes = await app.request('withPreprocessing', { blob, mode }, { label: `storing ${name}'s preprocessing` });
    return new Blob([bytes], { type: 'application/octet-stream' });
  }

  // The model on show with class names `text` (from `what`, which a refusal names).
  function withLabels(model, text, what) {
    return rewrite(model, async (blob) => {
      const bytes = await app.request(
        'withLabels',
        { blob, text, what },
        { label: `storing ${nameOf(model)}'s class names` },
      );
      return new Blob([bytes], { type: 'application/octet-stream' });
    });
  }

  // The model on show as `edit` makes it from its file, stored in its cached copy where it has one,
  // and shown again.
  async function rewrite(model, edit) {
    const record = model.cached && (await modelCache.get(model.cached).catch(() => undefined));
    const source = record?.blob ?? model.blob;
    if (!source) throw new Error(`${nameOf(model)} is no longer in the model cache: open its file again`);
    const blob = await edit(source);
    if (record) await modelCache.put({ ...record, size: blob.size, savedAt: Date.now(), blob });
    await loadModel(blob, model.name, model.cached);
    await renderCached();
  }

  // The header's list of cached models: open one, forget one, or forget them all.
  async function renderCached() {
    const records = await modelCache.list().catch(() => []);
    const total = records.reduce((n, r) => n + r.size, 0);
    $('cached-summary').textContent = `Cached models (${records.length}, ${(total / 1e6).toFixed(0)} MB)`;
    $('cached-list').replaceChildren(
      ...records.map((r) =>
        el(
          'li',
          {},
          el('span', {}, `${r.name} — ${r.params.toLocaleString('en-US')} parameters, ${(r.size / 1e6).toFixed(1)} MB`),
          el(
            'button',
            { type: 'button', onclick: () => loadModel(r.blob, `${r.name} (cached)`, r.key).catch(app.showBanner) },
            'Open',
          ),
          el(
            'button',
            { type: 'button', onclick: () => modelCache.remove(r.key).then(renderCached).catch(app.showBanner) },
            'Forget',
          ),
        ),
      ),
    );
    /** @type {HTMLButtonElement} */ ($('forget-cached')).disabled = records.length === 0;
  }

  return {
    // A Keras file: from the model cache if this file was converted before, else converted.
    async openKeras(blob, name, key) {
      if (!(await openCached(key, name))) await convertKeras(blob, name, key);
    },
    // ?model=URL (a served page): a convscope model file or a Keras file, fetched from where the
    // page's author put it.
    async openUrl(url) {
      const absolute = new URL(url, location.href).href;
      const name = decodeURIComponent(new URL(absolute).pathname.split('/').pop()) || 'model';
      const key = `url:${absolute}:${precision()}`;
      if (await openCached(key, name)) return;
      const response = await fetch(absolute);
      if (!response.ok) {
        throw new Error(`could not load the model ${absolute}: ${response.status} ${response.statusText}`);
      }
      const blob = await response.blob();
      if ((await kindOf(new File([blob], name))) === 'keras') return convertKeras(blob, name, key);
      return loadModel(blob, name);
    },
    // The model on show (`model`: {blob, name, cached}: a cached model's bytes are in the cache)
    // with preprocessing the user picks, stored in its cached copy where it has one; the model is
    // then shown again.
    async changePreprocessing(model, current) {
      const name = nameOf(model);
      const chosen = await askPreprocessing({ name, current, change: true });
      if (chosen !== current) await rewrite(model, (source) => withPreprocessing(source, name, chosen));
    },
    // The same with the class names the user gives (info: the model's)...
    async changeClassNames(model, info) {
      const name = nameOf(model);
      const text = await askClassNames({ name, labels: info.labels, classes: info.head.classes });
      if (text !== null) await withLabels(model, text, `the class names for ${name}`);
    },
    // ... or drops (a labels file: one name per line, a JSON list or Keras' class index).
    async openLabels(model, file) {
      if (!model) throw new Error('no model is open yet: open the model, then its class names');
      await withLabels(model, await file.text(), file.name);
    },
    renderCached,
    forgetAll: () => modelCache.clear().then(renderCached),
  };
}

// What the page calls the model on show, without "(cached)".
const nameOf = (model) => model.name.replace(/ \(cached\)$/, '');

// The converter's note on a guessed preprocessing ("rescale (x / 255), the most common ...; the file
// does not say, so check it") as the question's explanation.
const noteOf = (note) =>
  note ? `The converter's guess: ${note}.` : 'The file does not say how its pictures were scaled.';
