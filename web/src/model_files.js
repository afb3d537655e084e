// The page's model files: telling a model from a Keras .h5 or an image, converting a Keras file in
// the worker and caching the result (model_cache.js), ?model=URL, and the header's list of cached
// models. The page (main.js) gives it its context and the way it loads a model.
import { modelCache } from './model_cache.js';
import { el } from './ui.js';

const $ = (id) => document.getElementById(id);

// 'model' (a convscope model file), 'keras' (HDF5: a Keras .h5) or 'image', from the first bytes
// and the name. Only those bytes are read here: big files go to the worker as Blobs.
export async function kindOf(file) {
  const magic = new Uint8Array(await file.slice(0, 8).arrayBuffer());
  const text = new TextDecoder('latin1').decode(magic);
  if (text === 'CNVSCOPE' || /\.bin$/i.test(file.name)) return 'model';
  if (text === '\x89HDF\r\n\x1a\n' || /\.(h5|hdf5|keras)$/i.test(file.name)) return 'keras';
  return 'image';
}

/**
 * @param {any} app the page's context (main.js): request, showError, stats, conversionStallMs
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

  // A Keras .h5 converted in the worker (with progress), cached under `key`, and loaded.
  async function convertKeras(blob, name, key) {
    const seconds = app.conversionStallMs / 1000;
    const stall = {
      ms: app.conversionStallMs,
      message: `${name}: reading it made no progress for ${seconds} s, so the conversion was stopped (the HDF5 library loops on some damaged files)`,
    };
    const to = precision();
    const r = await app.request(
      'convertKeras',
      { blob, name, precision: to },
      { label: `converting ${name} to ${to}`, stall },
    );
    app.stats.conversions++;
    const model = new Blob([r.bytes], { type: 'application/octet-stream' });
    try {
      await modelCache.put({ key, name, size: model.size, params: r.params, savedAt: Date.now(), blob: model });
    } catch (e) {
      app.showError(
        new Error(`${name} was converted but could not be cached (${e?.message ?? e}); it works for this visit`),
      );
    }
    await loadModel(model, name, key);
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
            { type: 'button', onclick: () => loadModel(r.blob, `${r.name} (cached)`, r.key).catch(app.showError) },
            'Open',
          ),
          el(
            'button',
            { type: 'button', onclick: () => modelCache.remove(r.key).then(renderCached).catch(app.showError) },
            'Forget',
          ),
        ),
      ),
    );
    /** @type {HTMLButtonElement} */ ($('forget-cached')).disabled = records.length === 0;
  }

  return {
    // A Keras .h5: from the model cache if this file was converted before, else converted.
    async openKeras(blob, name, key) {
      if (!(await openCached(key, name))) await convertKeras(blob, name, key);
    },
    // ?model=URL (a served page): a convscope model file or a Keras .h5, fetched from where the
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
    renderCached,
    forgetAll: () => modelCache.clear().then(renderCached),
  };
}
