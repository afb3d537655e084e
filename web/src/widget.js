// <conv-scope>: convscope as an element for tutorials. One script, any number of widgets per page,
// all sharing one worker; each model URL is loaded once. The views are the page's own (views/),
// driven by attributes instead of the page's controls, inside a shadow root.
//
//   <conv-scope model="models/vgg16-int8.bin" image="img/cat.jpg" view="gradcam" layer="block5_conv3"
//               class="281" interactive></conv-scope>
//
// `model` may also name a Keras file (.keras, .h5): converted in the worker by the Keras reader,
// convscope-keras.js, hosted beside this script and loaded only then (it is 4 MB of HDF5 reader).
import pageStyle from './style.css?inline';
import { CancelledError } from './client.js';
import { Jobs } from './jobs.js';
import { pressWatch } from './press_watch.js';
import { client, loadModel, shared } from './widget_models.js';
import { el } from './ui.js';
import { exportFigure } from './figure.js';
import { blobOf } from './fetch_blob.js';
import { grayPicture } from './grayscale.js';
import { MAX_SIDE, parseInputSize } from './input_size.js';
import { firstLayer, isGrayscale, maximizeDefaultLayer, spatialLayers } from './model_layers.js';
import { DEFAULT_STATE } from './view_context.js';
import architecture from './views/architecture.js';
import compare from './views/compare.js';
import { EVERY_OPTION, expectedOf, METHOD_INFO, parseOption } from './catalog.js';
import explain from './views/explain.js';
import features from './views/features.js';
import filters from './views/filters.js';
import maximize from './views/maximize.js';
import predictions from './views/predictions.js';
import summary from './views/summary.js';

const VIEWS = { summary, architecture, filters, features, predictions, maximize, compare };
const EXPLAIN_VIEWS = new Set(METHOD_INFO.keys());
const WIDGET_STYLE = `
:host { display: block; contain: content; font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); border: 1px solid var(--line); border-radius: 8px; padding: .8em; }
:host(:not([interactive])) .controls, :host(:not([interactive])) .zoom { display: none; }
.error { color: var(--bad); }
main { padding: 0; }
`;

const NUMBER_ATTRIBUTES = {
  class: 'classIndex',
  opacity: 'opacity',
  threshold: 'threshold',
  channel: 'channel',
};
// Every method option and maximization option (the catalog's) is an attribute of its own name:
// patch="8", clip99="true", steps="100".
const OPTION_ATTRIBUTES = Object.fromEntries([...EVERY_OPTION.keys()].map((name) => [name, name]));
const STRING_ATTRIBUTES = {
  layer: 'layer',
  colormap: 'colormap',
  normalize: 'normalize',
  filters: 'units',
  precision: 'precision',
  left: 'left',
  right: 'right',
  resize: 'resize',
};

export class ConvScopeElement extends HTMLElement {
  static get observedAttributes() {
    return [
      'model',
      'preprocessing',
      'labels',
      'input-size',
      'image',
      'view',
      'interactive',
      ...Object.keys(NUMBER_ATTRIBUTES),
      ...Object.keys(STRING_ATTRIBUTES),
      ...Object.keys(OPTION_ATTRIBUTES),
    ];
  }

  constructor() {
    super();
    this.root = this.attachShadow({ mode: 'open' });
    this.root.append(el('style', {}, pageStyle + WIDGET_STYLE));
    this.view = el('main', { part: 'view', 'aria-live': 'polite' }, el('p', {}, 'convscope'));
    this.error = el('p', { className: 'error', part: 'error', role: 'alert', hidden: true });
    this.root.append(this.error, this.view);
    this.imageKey = `widget-image-${shared.nextImage++}`;
    this.cache = new Map();
    this.jobs = new Jobs();
    this.afterPress = pressWatch(this.view);
    this.requestsStarted = 0;
    this.visible = false;
    this.addEventListener('dragover', (e) => this.hasAttribute('interactive') && e.preventDefault());
    this.addEventListener('drop', (e) => {
      if (!this.hasAttribute('interactive') || !e.dataTransfer.files.length) return;
      e.preventDefault();
      e.stopPropagation();
      this.setImage(e.dataTransfer.files[0]).catch((err) => this.fail(err));
    });
  }

  connectedCallback() {
    // Lazy: nothing is loaded or computed until the widget scrolls into view.
    this.observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting) && !this.visible) {
          this.visible = true;
          this.observer.disconnect();
          this.run();
        }
      },
      { rootMargin: '200px' },
    );
    this.observer.observe(this);
  }

  disconnectedCallback() {
    this.observer?.disconnect();
  }

  attributeChangedCallback(name, before, after) {
    if (!this.visible || before === after) return;
    if (['image', 'model', 'preprocessing', 'labels', 'input-size'].includes(name)) this.loaded = null;
    this.scheduleRender();
  }

  scheduleRender() {
    if (this.pending) return;
    this.pending = Promise.resolve().then(() => {
      this.pending = null;
      return this.run();
    });
  }

  // The model's info ({name, precision, params, labels, ...}) once loaded.
  get model() {
    return this.modelInfo?.info ?? null;
  }

  async setImage(blob) {
    const c = await client();
    this.picture = await c.request('setImage', { image: this.imageKey, blob });
    this.view.dataset.picture = blob.name ?? 'a dropped picture'; // named by exported figures
    this.grayPicture = null;
    this.cache.clear();
    await this.render();
  }

  async load() {
    const c = await client();
    // A Keras file's conversion keeps its own precision (int8 unless precision="f32").
    const size = this.getAttribute('input-size');
    const inputSize = size === null ? undefined : parseInputSize(size);
    if (inputSize === null) {
      throw new Error(
        `input-size="${size}": give the height and width as HxW (e.g. 160x160), each from 1 to ${MAX_SIDE}`,
      );
    }
    this.modelInfo = await loadModel(this.getAttribute('model') ?? '', {
      preprocessing: this.getAttribute('preprocessing') || undefined,
      labels: this.getAttribute('labels') || undefined,
      precision: this.getAttribute('precision') === 'f32' ? 'f32' : 'int8',
      inputSize,
    });
    const [height, width] = this.modelInfo.info.inputShape;
    if (inputSize && (inputSize[0] !== height || inputSize[1] !== width)) {
      throw new Error(
        `input-size="${size}": the model takes ${height} x ${width} pictures; input-size is for a Keras model whose input size is free`,
      );
    }
    // Exported figures name the model and the picture (figure.js).
    this.view.dataset.model = this.getAttribute('model') || `the default model: ${this.modelInfo.info.name}`;
    const image = this.getAttribute('image');
    if (image) this.view.dataset.picture = image.startsWith('data:') ? 'the picture of this page' : image;
    if (image && this.needsImage()) {
      this.picture = await c.request('setImage', {
        image: this.imageKey,
        blob: await blobOf(new URL(image, document.baseURI).href, `the image ${image}`),
      });
      this.grayPicture = null;
    }
    this.cache.clear();
  }

  needsImage() {
    const view = this.getAttribute('view') ?? 'predictions';
    return EXPLAIN_VIEWS.has(view) || (VIEWS[view] ?? explain).needsImage;
  }

  // Loads what the attributes name (if not yet) and draws the view. Resolves when drawn.
  async run() {
    try {
      this.loaded ??= this.load();
      await this.loaded;
      await this.render();
    } catch (e) {
      this.loaded = null;
      this.fail(e);
    }
  }

  // What went wrong, above the view (which stays).
  say(e) {
    if (e instanceof CancelledError) return;
    this.error.textContent = `convscope: ${e.message ?? e}`;
    this.error.hidden = false;
  }

  // A load or drawing that failed: said, and the view emptied. An interactive widget without a
  // picture stays something to drop one onto (its message may say so).
  fail(e) {
    if (e instanceof CancelledError) return;
    this.say(e);
    this.view.replaceChildren(
      ...(this.hasAttribute('interactive') && !this.picture
        ? [el('p', { className: 'drop-here' }, 'Drop a picture onto this box to see it here.')]
        : []),
    );
    this.dispatchEvent(
      new CustomEvent('convscope-error', {
        detail: { message: e.message ?? String(e) },
        bubbles: true,
        composed: true,
      }),
    );
  }

  state() {
    const { info, summary: s } = this.modelInfo;
    /** @type {import('./view_context.js').ViewState} */
    const state = { ...DEFAULT_STATE, model: { info, summary: s }, imageIndex: this.imageKey };
    for (const [attr, key] of Object.entries(NUMBER_ATTRIBUTES)) {
      if (this.hasAttribute(attr) && this.getAttribute(attr) !== '' && Number.isFinite(Number(this.getAttribute(attr))))
        state[key] = Number(this.getAttribute(attr));
    }
    for (const [attr, key] of Object.entries(STRING_ATTRIBUTES))
      if (this.hasAttribute(attr)) state[key] = this.getAttribute(attr);
    for (const name of Object.keys(OPTION_ATTRIBUTES)) {
      if (!this.hasAttribute(name)) continue;
      const spec = EVERY_OPTION.get(name),
        value = parseOption(spec, this.getAttribute(name));
      if (value === undefined)
        throw new Error(`the ${name} attribute must be ${expectedOf(spec)}, got '${this.getAttribute(name)}'`);
      state[name] = value;
    }
    // Grad-CAM without a layer attribute (or with one that has no feature maps): the model's
    // camLayer (as on the page), the last layer with feature maps before the flatten or global
    // pooling; the first one gives an almost flat map.
    const camLayer = spatialLayers(s.rows).includes(state.layer) ? state.layer : undefined;
    state.maxLayer = state.layer ?? maximizeDefaultLayer(s.rows);
    state.layer ??= firstLayer(s.rows);
    state.camLayer = camLayer;
    return state;
  }

  async render() {
    // Of overlapping renders (attribute changes while a map is computed) the last one started wins.
    const token = (this.renderToken = (this.renderToken ?? 0) + 1);
    const c = await client();
    const view = this.getAttribute('view') ?? 'predictions';
    const state = this.state();
    const widget = this;
    if (this.needsImage() && !this.picture)
      throw new Error('this view needs an image: set the image attribute or drop one onto the widget');
    /** @type {import('./view_context.js').ViewContext} */
    // What the model sees: a grayscale model's picture in gray.
    if (this.picture && isGrayscale(state.model.info)) this.grayPicture ??= grayPicture(this.picture);
    const app = {
      state,
      picture: this.picture && isGrayscale(state.model.info) ? this.grayPicture : this.picture,
      original: this.picture,
      cache: this.cache,
      jobs: this.jobs,
      autoRun: true,
      request: (op, args, callbacks) => {
        widget.requestsStarted++;
        return c.request(op, { model: widget.modelInfo.key, image: widget.imageKey, ...args }, callbacks);
      },
      set(patch) {
        // Interactive widgets reflect a reader's choice in their attributes (and so re-render).
        const names = {
          ...Object.fromEntries(Object.entries(NUMBER_ATTRIBUTES).map(([a, k]) => [k, a])),
          ...Object.fromEntries(Object.entries(STRING_ATTRIBUTES).map(([a, k]) => [k, a])),
          ...OPTION_ATTRIBUTES,
          method: 'view',
          camLayer: 'layer',
          maxLayer: 'layer',
        };
        for (const [k, v] of Object.entries(patch)) {
          if (!names[k]) continue;
          if (v === undefined) widget.removeAttribute(names[k]);
          else widget.setAttribute(names[k], String(v));
        }
      },
      saveHash() {},
      // A view's error (a bad entry in its controls) is said above it; the view stays, to fix it.
      showError: (e) => widget.say(e),
    };
    if (this.picture && (this.needsImage() || view === 'features')) {
      state.run = await app.request('run', { precision: state.precision, resize: state.resize });
    }
    let content;
    if (EXPLAIN_VIEWS.has(view)) {
      state.method = view;
      content = await explain.render(app);
    } else if (VIEWS[view]) {
      content = await VIEWS[view].render(app);
    } else {
      throw new Error(`unknown view '${view}' (views: ${[...Object.keys(VIEWS), ...EXPLAIN_VIEWS].join(', ')})`);
    }
    if (token !== this.renderToken) return;
    // As on the page (press_watch.js): never under a pressed pointer; work its click started
    // draws into the view on show, which then stays.
    const started = this.requestsStarted;
    const pressed = await this.afterPress();
    if (token !== this.renderToken) return;
    if (pressed) {
      if (this.requestsStarted === started) await this.render();
      return;
    }
    this.error.hidden = true;
    this.view.replaceChildren(content);
    for (const canvas of this.view.querySelectorAll('canvas')) canvas.setAttribute('part', 'figure');
    if (!this.ready) {
      this.ready = true;
      this.dispatchEvent(new CustomEvent('convscope-ready', { bubbles: true, composed: true }));
    }
    this.dispatchEvent(
      new CustomEvent('convscope-result', {
        detail: { view, predictions: state.run?.predictions ?? [] },
        bubbles: true,
        composed: true,
      }),
    );
  }

  // The view's main figure as a PNG Blob: as its Export button saves it (legend, caption, opaque
  // background) where the view has figures, else its canvas. A view whose first figure is not its
  // main one (Predictions beside a grayscale model's pictures) marks the main one: data-main.
  exportPNG() {
    const main = this.view.querySelector('[data-main]');
    if (main) return exportFigure(main).blob();
    const figure = this.view.querySelector('figure'),
      canvas = this.view.querySelector('canvas');
    if (figure?.exportBlob) return figure.exportBlob();
    if (!canvas) return Promise.reject(new Error('nothing drawn yet'));
    return new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
  }

  static get stats() {
    return { modelLoads: shared.modelLoads };
  }
}

if (!customElements.get('conv-scope')) customElements.define('conv-scope', ConvScopeElement);
