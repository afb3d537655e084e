// The page: state, inputs (drop, picker, paste, samples, model files), tabs, progress and cancel.
// Every computation is a request to the worker that owns the wasm module (client.js).
import baselineWasm from '../../build/wasm/convscope-web.wasm?url';
import relaxedWasm from '../../build/wasm/convscope-web-relaxed.wasm?url';
import defaultModelSource from '../models/default.bin?url';
import ConvscopeWorker from './worker.js?worker&inline';
import { CancelledError, WorkerClient } from './client.js';
import { fileCacheKey, modelCache } from './model_cache.js';
import { inOpeningOrder, modelFiles } from './model_files.js';
import { showModelHeader } from './model_header.js';
import { classCount, firstLayer, isGrayscale, maximizeLayers, spatialLayers } from './model_layers.js';
import { grayPicture } from './grayscale.js';
import { teamSize, WorkerTeam } from './worker_team.js';
import { hashOf, readHashInto } from './page_hash.js';
import { ImageStrip } from './image_strip.js';
import { wireInputs } from './page_inputs.js';
import { keepFocus, refocus, roving } from './keyboard.js';
import { Jobs } from './jobs.js';
import { pressWatch } from './press_watch.js';
import { el } from './ui.js';
import { progressLine } from './progress_line.js';
import { blobOf } from './fetch_blob.js';
import { DEFAULT_STATE } from './view_context.js';
import architecture from './views/architecture.js';
import compare from './views/compare.js';
import { LONG_METHODS, METHODS } from './catalog.js';
import explain from './views/explain.js';
import features from './views/features.js';
import filters from './views/filters.js';
import layer from './views/layer.js';
import maximize from './views/maximize.js';
import predictions from './views/predictions.js';
import summary from './views/summary.js';

const SAMPLES = import.meta.glob('../samples/*.{jpg,png}', { query: '?url', import: 'default', eager: true });
const VIEWS = [predictions, summary, architecture, layer, filters, features, explain, maximize, compare];
const $ = (id) => document.getElementById(id);
const progress = progressLine($('progress'), $('progress-text'));
// The precision Keras files are converted to (the header's menu).
const kerasPrecision = () => /** @type {HTMLSelectElement} */ ($('keras-precision')).value;

// The page's state and the views' context (view_context.js) in one, for the whole visit.
const app = {
  // The selection, and the page's own: the tab on show, the key of the cached model on show
  // (model_cache.js).
  /** @type {import('./view_context.js').ViewState & { tab: string, cached?: string }} */
  state: { ...DEFAULT_STATE, tab: 'predictions', method: 'gradcam' },
  images: [], // {name, blob}, null where the user removed one (indices name images in the worker)
  picture: null, // the current image's RGBA as the worker decoded it, in gray for a grayscale model
  original: null, // the same in colour
  modelFile: null, // the model on show: {blob (unless cached), name, cached} (to change its preprocessing)
  cache: new Map(),
  defaultLayer: undefined, // the layer the page chose for the last model (no note when it goes)
  jobs: new Jobs(), // long explain runs in flight, joined by a view drawn again
  client: null,
  progressLine: 'progress and Cancel at the bottom of the window',
  saysWhatModelKnows: true,
  f32Advice: 'For the f32 map, open the model\'s f32 file, or its Keras file with "Keras weights: f32".',
  stats: { conversions: 0 }, // Keras files converted in this visit (tests check the cache with it)
  // A conversion that reports no progress for this long is stopped: Debian's and h5wasm's libhdf5
  // loop forever on some damaged files (docs/robustness.md); a real file reports every 16 MB read.
  conversionStallMs: 60000,

  set(patch) {
    Object.assign(this.state, patch);
    this.saveHash();
    render();
  },
  get active() {
    return progress.active; // requests in flight (tests wait for none)
  },
  saveHash() {
    history.replaceState(null, '', hashOf(this.state));
  },
  // What went wrong with a file or model, in the banner: it stays until the user dismisses it or
  // opens another file (a render that finishes later never clears it).
  showBanner(e) {
    if (e instanceof CancelledError) return;
    $('error-text').textContent = e.message ?? String(e);
    $('error').hidden = false;
  },
  // What went wrong in the view on show (view_context.js): said in that view, gone with it.
  showError(e) {
    if (e instanceof CancelledError) return;
    $('view-error').textContent = e.message ?? String(e);
    $('view-error').hidden = false;
  },
  // A worker request (view_context.js's ViewRequest), on the page's progress line
  // (progress_line.js). Work shared by several workers says how many.
  /** @type {import('./view_context.js').ViewRequest} */
  async request(op, args, { onPartial, onProgress: alsoProgress, label = op, stall, worker } = {}) {
    const info = this.state.model?.info;
    const available = info ? this.team.available(info) : 1;
    const workers = info ? this.team.workersForRequest(op, args, info) : 1;
    const what = workers > 1 ? `${label} on ${workers} workers` : label;
    const part = progress.start(what);
    const onProgress = (fraction, remainingMs) => {
      part.update(fraction, remainingMs);
      alsoProgress?.(fraction, remainingMs);
    };
    try {
      // The page's model and its current image, unless the request names others.
      const keyed = { model: 'page', image: `image${this.state.imageIndex}`, ...args };
      if (workers > 1 && op === 'explain') return await this.team.explain(keyed, workers, { onProgress, onPartial });
      if (workers > 1 && op === 'measure') return await this.team.measure(keyed, workers, { onProgress });
      if (workers > 1) return await this.team.sanityCheck(keyed, { onProgress });
      if (worker < available) return await this.team.elsewhere(worker, op, keyed, { onProgress, onPartial });
      return await this.client.request(op, keyed, { onProgress, onPartial, stall });
    } finally {
      part.end();
    }
  },
};

function readHash() {
  const methods = METHODS.map(([m]) => m),
    fast = methods.filter((m) => !LONG_METHODS.has(m));
  const choices = { tab: VIEWS.map((v) => v.id), method: methods, left: fast, right: fast };
  noteUnused(readHashInto(app.state, location.hash, choices), 'not known here');
}

// Says which settings (of the link, or kept from the last model) were not used, and so are
// defaults; the note grows until the user dismisses it.
const unused = [];
function noteUnused(settings, why) {
  if (!settings.length) return;
  unused.push(`${settings.join(', ')} (${why})`);
  $('notice-text').textContent = `Not used: ${unused.join('; ')}. The defaults are shown instead.`;
  $('notice').hidden = false;
}

let renderToken = 0;
const afterPress = pressWatch($('view'));
async function render() {
  const token = ++renderToken;
  for (const tab of $('tabs').children) tab.setAttribute('aria-selected', String(tab.id === `tab-${app.state.tab}`));
  app.tabs.update();
  const view = VIEWS.find((v) => v.id === app.state.tab) ?? VIEWS[0];
  const main = $('view');
  main.setAttribute('aria-labelledby', `tab-${view.id}`);
  $('view-error').hidden = true;
  if (!app.state.model) return;
  if (view.needsImage && !app.state.run) {
    main.replaceChildren(el('p', {}, 'Open an image or pick a sample to see this view.'));
    main.setAttribute('aria-busy', 'false'); // an earlier render still running no longer owns it
    return;
  }
  main.setAttribute('aria-busy', 'true');
  try {
    const content = await view.render(app);
    if (token !== renderToken) return;
    // A press in the view ends in a click on the control it started on (Run, after an edit whose
    // change event brought this redraw). Work the click started draws into the view on show
    // (Synthesize, Sanity check), which then stays; otherwise it is drawn again once the click is
    // done, from the state it left.
    const started = progress.started;
    const pressed = await afterPress();
    if (token !== renderToken) return;
    if (pressed) {
      if (progress.started === started) render();
      return;
    }
    const about = view.describesItself ? [] : [el('p', { className: 'about' }, view.about)];
    keepFocus(main, () => main.replaceChildren(...about, content));
    // A cancelled run's control, if the redraw that says so took focus away with the old view.
    if (refocusAfterCancel && document.activeElement === document.body) refocus(refocusAfterCancel, main);
    if (document.activeElement !== document.body) refocusAfterCancel = null;
  } catch (e) {
    if (token === renderToken) {
      main.replaceChildren(el('p', { className: 'about' }, view.about));
      app.showError(e);
    }
  } finally {
    if (token === renderToken) main.setAttribute('aria-busy', 'false');
  }
}

// name: what the header calls it; cached: its key in the model cache, if it came from there.
async function loadModel(blob, name, cached) {
  app.team.dismiss(); // the extra workers hold the previous model
  const { info, summary: s } = await app.request('loadModel', { blob }, { label: `loading ${name}` });
  app.cache.clear();
  app.state.model = { info, summary: s };
  app.state.cached = cached;
  // A cached model's bytes are read back from the cache when needed: a VGG16 kept here would hold
  // 138 MB on the page's side for the whole visit.
  app.modelFile = { blob: cached ? undefined : blob, name, cached };
  app.state.run = undefined;
  // Kept from the link or the last model only where this model has such a layer; a layer the page
  // chose itself for the last model goes without a note.
  const usable = {
    layer: s.rows.map((r) => r.name),
    camLayer: spatialLayers(s.rows),
    maxLayer: maximizeLayers(s.rows, info),
  };
  if (app.state.layer === app.defaultLayer && !usable.layer.includes(app.state.layer)) app.state.layer = undefined;
  const unknown = Object.keys(usable).filter((k) => app.state[k] !== undefined && !usable[k].includes(app.state[k]));
  if (app.state.classIndex >= classCount(info)) unknown.push('classIndex');
  noteUnused(
    unknown.map((k) => `${k}=${app.state[k]}`),
    `not in ${name}`,
  );
  for (const k of unknown) app.state[k] = undefined;
  if (app.state.layer === undefined) app.state.layer = app.defaultLayer = firstLayer(s.rows);
  app.saveHash(); // without the settings just dropped: a reload does not note them again
  showModelHeader(info, name, app.team.available(info));
  $('view').dataset.model = `${name}: ${info.name}`; // named by exported figures (figure.js)
  app.strip.setGray(isGrayscale(info));
  if (app.state.imageIndex !== undefined) await showImage(app.state.imageIndex);
  else render();
}

const models = modelFiles(app, loadModel, kerasPrecision);

// Shows image `index` once the worker has decoded and run it; until then the views keep the image
// on show (a big photo decodes for seconds, and requests made meanwhile name the old one). Of
// several images asked for in turn, the last one asked for is shown.
let showToken = 0;
async function showImage(index) {
  const img = app.images[index],
    image = `image${index}`,
    token = ++showToken;
  if (!img) return;
  img.picture ??= await app.request('setImage', { blob: img.blob, image });
  const run = await app.request('run', { resize: app.state.resize, image });
  if (token !== showToken || !app.images[index]) return;
  Object.assign(app.state, { imageIndex: index, run });
  // What the model sees: a grayscale model's picture in gray (made once per picture).
  app.picture = isGrayscale(app.state.model.info) ? (img.gray ??= grayPicture(img.picture)) : img.picture;
  app.original = img.picture;
  app.cache.clear();
  $('view').dataset.picture = img.name;
  app.strip.select(index);
  render();
}

// What the Cancel button does: every worker stops, the page's restarts with its model and images.
// Focus goes back to the control that started the run, unless the user is elsewhere (removing
// an image stops its run: focus stays in the strip).
let refocusAfterCancel = null;
function cancelWork({ refocusStarter = true } = {}) {
  const { starter } = progress;
  app.team.dismiss();
  app.client.cancel();
  progress.hide();
  if (!refocusStarter) return;
  refocus(starter, $('view'));
  refocusAfterCancel = starter; // and again after the redraw that says the run was cancelled
}

// Takes image `index` away (worker included); the nearest remaining one is shown, or none.
async function removeImage(index) {
  // A run on this image stops with it: its parts would fail on the forgotten image.
  if (app.jobs.keys().some((key) => JSON.parse(key)[0] === index)) cancelWork({ refocusStarter: false });
  app.strip.remove(index, $('open-images'));
  app.images[index] = null;
  app.client.request('forget', { image: `image${index}` }).catch(() => {});
  app.team.forget(`image${index}`);
  if (app.state.imageIndex !== index) return;
  const left = app.images.map((img, i) => (img ? i : -1)).filter((i) => i >= 0);
  const next = left.find((i) => i > index) ?? left.at(-1);
  if (next !== undefined) return showImage(next);
  Object.assign(app.state, { imageIndex: undefined, run: undefined });
  delete $('view').dataset.picture;
  app.picture = app.original = null;
  app.cache.clear();
  render();
}

// Files dropped, pasted or picked while others are still loading wait their turn: each image
// joins the strip only once it has run, in the order given. The first turn is the page's own
// start (its model and first picture): files given before it ends come after it.
let started;
let opening = new Promise((resolve) => {
  started = resolve;
});
// Files the user gives: an acting user has seen the banner's last message.
function openGiven(files) {
  $('error').hidden = true;
  return openFiles(files);
}

function openFiles(files) {
  opening = opening.then(() => openFilesInTurn(files));
  return opening;
}

async function openFilesInTurn(files) {
  for (const { file, kind } of await inOpeningOrder(files)) {
    try {
      if (kind === 'model') await loadModel(file, file.name);
      else if (kind === 'keras') await models.openKeras(file, file.name, `${fileCacheKey(file)}:${kerasPrecision()}`);
      else if (kind === 'labels') await models.openLabels(app.modelFile, file);
      else await addImage(file.name, file);
    } catch (e) {
      if (e instanceof CancelledError) continue;
      // The converter's messages start with the file name already.
      app.showBanner(e.message?.startsWith(file.name) ? e : new Error(`${file.name}: ${e.message}`));
    }
  }
}

async function addImage(name, blob) {
  // Decoded and run before it joins the strip: a bad file is refused with the core's message.
  const previous = app.state.imageIndex;
  app.images.push({ name, blob });
  try {
    await showImage(app.images.length - 1);
  } catch (e) {
    app.images.pop();
    app.client.request('forget', { image: `image${app.images.length}` }).catch(() => {});
    if (previous !== undefined) await showImage(previous).catch(() => {});
    throw e;
  }
  const index = app.images.length - 1;
  app.strip.add(index, name, app.images[index].picture);
  app.strip.select(app.state.imageIndex);
}

// The view tabs, built once so that focus stays on them: arrow keys, Home and End move along
// them and show the view (WAI-ARIA tabs with automatic activation).
function wireTabs() {
  $('tabs').replaceChildren(
    ...VIEWS.map((v) =>
      el(
        'button',
        {
          type: 'button',
          role: 'tab',
          id: `tab-${v.id}`,
          'aria-controls': 'view',
          'aria-selected': String(v.id === app.state.tab),
          onclick: () => app.set({ tab: v.id }),
        },
        v.title,
      ),
    ),
  );
  app.tabs = roving($('tabs'), '[role=tab]', (tab) => app.set({ tab: tab.id.slice('tab-'.length) }));
}

async function main() {
  window.convscopeApp = app; // for tests and the console
  readHash();
  wireTabs();
  app.strip = new ImageStrip($('strip'), $('remove-image'), {
    onShow: (index) => showImage(index).catch(app.showBanner),
    onRemove: (index) => removeImage(index).catch(app.showBanner),
  });
  app.modelActions = {
    changePreprocessing: () =>
      models.changePreprocessing(app.modelFile, app.state.model.info.preprocessing.mode).catch(app.showBanner),
    changeClassNames: () => models.changeClassNames(app.modelFile, app.state.model.info).catch(app.showBanner),
  };
  wireInputs({
    ...app.modelActions,
    open: openGiven,
    cancel: () => cancelWork(),
    forgetCached: () => models.forgetAll().catch(app.showBanner),
    dismissNotice: () => {
      unused.length = 0;
    },
    samples: SAMPLES,
  });
  // Served: the worker compiles the wasm it picks while it downloads; single file: both builds
  // are inlined.
  const wasmOf = async (source) => (source.startsWith('data:') ? blobOf(source) : new URL(source, location.href).href);
  const wasm = { baseline: await wasmOf(baselineWasm), relaxed: await wasmOf(relaxedWasm) };
  // A served page that is cross-origin isolated (COOP + COEP headers: `convscope serve`) runs on
  // every core.
  if (import.meta.env.CONVSCOPE_THREADS && self.crossOriginIsolated) {
    wasm.threaded = (await import('./threaded_builds.js')).threadedBuilds;
  }
  const newClient = () => new WorkerClient(() => new ConvscopeWorker(), wasm);
  app.client = newClient();
  // Split methods over extra workers (worker_team.js); ?workers=N sets how many (benchmarks).
  const forced = Number(new URLSearchParams(location.search).get('workers')) || undefined;
  const size = (info) =>
    forced ??
    teamSize({
      modelFileBytes: info.fileSize,
      cores: navigator.hardwareConcurrency,
      deviceMemoryGB: navigator.deviceMemory,
    });
  app.team = new WorkerTeam(app.client, newClient, size);
  models.renderCached();
  // The model: ?model=URL, else the cached one the page showed last (reload), else the default.
  const url = new URLSearchParams(location.search).get('model');
  const cached = app.state.cached && (await modelCache.get(app.state.cached).catch(() => undefined));
  try {
    if (url) await models.openUrl(url);
    else if (cached) await loadModel(cached.blob, `${cached.name} (cached)`, cached.key);
  } catch (e) {
    app.showBanner(e);
  }
  if (!app.state.model) await loadModel(await blobOf(defaultModelSource), 'default model');
  // Start on a picture of the kind the default model knows (Fashion-MNIST), else the first sample.
  const samples = Object.entries(SAMPLES);
  const first = samples.find(([p]) => p.includes('/fashion-')) ?? samples[0];
  if (first) await openFilesInTurn([new File([await blobOf(first[1])], first[0].split('/').pop())]);
}

main()
  .catch(app.showBanner)
  .finally(() => {
    started();
    // Ready once files given meanwhile are open too.
    opening.finally(() => {
      window.convscopeReady = true;
    });
  });
export { app };
