import { figure, formatValue } from '../figure.js';
import { mapColorbar, mapColormap, mapFigure, onPicture } from './map_figure.js';
import { valueAt } from '../map_values.js';
import { RANDOMIZED_TOP_LAYERS } from '../metric_curves.js';
import { LONG_METHODS as LONG, METHOD_INFO, METHODS, methodOptions } from '../catalog.js';
import { optionControl } from '../option_controls.js';
import { layerSelect } from '../layer_select.js';
import { el, imageCanvas, progressText, select, taskButton } from '../ui.js';
import { measureFaithfulness } from './faithfulness.js';
import { modelKnows, unlikeNote } from './predictions.js';
import { classCount, classLabel, defaultCamLayer, spatialLayers } from '../model_layers.js';

/** @typedef {import('../view_context.js').ViewContext} ViewContext */

// The layer menu of the methods that take one (Grad-CAM and its kin; Explain's and Compare's): any
// layer with feature maps (a convolution, its BatchNormalization or activation, a pooling layer),
// the model's own default until one is chosen.
/** @param {ViewContext} app */
export function camLayerMenu(app) {
  const { camLayer, model } = app.state;
  const { rows } = model.summary;
  const layer = camLayer ?? defaultCamLayer(rows, model.info);
  return layerSelect('Layer', rows, spatialLayers(rows), layer, (v) => app.set({ camLayer: v }));
}

// The options a method takes from the page state.
/** @param {ViewContext} app @param {string} method */
export function explainOptions(app, method) {
  const s = app.state,
    o = methodOptions(method, s);
  if (s.classIndex !== undefined) o.class = s.classIndex;
  if (METHOD_INFO.get(method)?.needsLayer && s.camLayer) o.layer = s.camLayer;
  return o;
}

// Runs `method` (cached per image and options) and returns the result from the worker; null for
// a slow method nobody started (the view offers Run). A run in flight is joined (app.jobs), so a
// view drawn again shows its partial maps and progress. worker: see app.request.
/**
 * @param {ViewContext} app
 * @param {string} method
 * @param {import('../protocol.js').RequestCallbacks & { force?: boolean, worker?: number }} [options]
 */
export async function explained(app, method, { force = false, onPartial, onProgress, worker } = {}) {
  const options = explainOptions(app, method),
    key = explainKey(app, method);
  if (app.cache.has(key)) return app.cache.get(key);
  if (LONG.has(method) && !force && !app.jobs.has(key)) return null;
  const overlay = { resize: app.state.resize, colormap: mapColormap(method), alpha: 1 };
  const result = await app.jobs.join(
    key,
    (partial, progress) =>
      app.request(
        'explain',
        { method, options, overlay },
        { onPartial: partial, onProgress: progress, worker, label: METHOD_INFO.get(method).label },
      ),
    { onPartial, onProgress },
  );
  app.cache.set(key, result);
  return result;
}

// What identifies a map: the image, precision, method and options.
/** @param {ViewContext} app @param {string} method */
function explainKey(app, method) {
  return JSON.stringify([app.state.imageIndex, app.state.run.precision, method, explainOptions(app, method)]);
}

// Said under every gradient map of an int8 model: its maps differ from an f32 model's by more than
// its predictions do (docs/explanation-methods.md has the numbers). Says what the map on show was
// made from, without numbers measured on another model; how to get the f32 map is the context's
// to say (the page's control; a widget's reader has none).
/** @param {ViewContext} app */
const int8Gradients = (app) =>
  'Made from int8 weights (an f32 pass over the dequantized weights). Rounding the weights ' +
  "changes a model's gradients by an amount that depends on the model: vanilla saliency and SmoothGrad the " +
  `most, guided backprop, Grad-CAM and occlusion little.${app.f32Advice ? ` ${app.f32Advice}` : ''}`;

export default {
  id: 'explain',
  title: 'Explain',
  about: 'Why the model predicts a class: gradient, class-activation and perturbation maps over your image.',
  // Its drawing opens with the chosen method's own description, which says more than `about`.
  describesItself: true,
  needsImage: true,
  /** @param {ViewContext} app */
  async render(app) {
    const s = app.state,
      method = s.method;
    const result = el('div', { className: 'row' });
    const bar = await mapColorbar(app, method);
    // Partial maps (occlusion, coarse first) are drawn as they come; the masked view waits for the
    // final one (the worker is busy until then).
    const draw = (x, final = true) => {
      result.replaceChildren(mapFigure(app, x, bar, `${method}-${x.layer}-${x.classIndex}`));
      if (x.weights === 'int8' && x.activations === 'f32')
        result.append(el('p', { className: 'note' }, int8Gradients(app)));
      if (x.computation) result.append(el('p', { className: 'note' }, `Computed: ${x.computation}.`));
      if (method === 'occlusion' && final) result.append(masked(app, x));
    };
    // The run's progress where its map will be, kept across tab switches: a view drawn again joins
    // the run in flight. Where the context has its own progress line (the page's bar, with Cancel),
    // the view only says where that is: one line per run. Screen readers hear it at the start, each
    // quarter and the end, not at every tick.
    const about = METHOD_INFO.get(method),
      label = about.label;
    const meter = el('progress', { max: 1, hidden: Boolean(app.progressLine) }),
      shown = el(
        'span',
        { 'aria-hidden': 'true' },
        app.progressLine ? ` ${label} is running: ${app.progressLine}.` : ` ${label}: starting…`,
      );
    const spoken = el('span', { role: 'status', className: 'sr-only' }, `${label} started`);
    const status = el('p', { className: 'view-progress' }, meter, shown, spoken);
    let quarter = 0;
    const onProgress = (fraction, remainingMs) => {
      meter.value = fraction;
      if (!app.progressLine) shown.textContent = ` ${progressText(label, fraction, remainingMs)}`;
      if (Math.floor(4 * fraction) > quarter)
        spoken.textContent = progressText(label, (quarter = Math.floor(4 * fraction)) / 4, remainingMs);
    };
    const run = async (force) => {
      const key = explainKey(app, method);
      if (!app.cache.has(key) && (force || app.autoRun || app.jobs.has(key))) result.replaceChildren(status);
      let x;
      try {
        x = await explained(app, method, {
          force,
          onProgress,
          onPartial: (p) => {
            draw(p, false);
            result.prepend(status);
          },
        });
      } catch (e) {
        // The view says the run ended (the page shows the error); Run starts it again.
        result.replaceChildren(
          el(
            'p',
            {},
            e instanceof Error && e.name === 'CancelledError'
              ? `${label} was cancelled: press Run to start it again.`
              : `${label} failed: ${e.message}`,
          ),
        );
        throw e;
      }
      if (x) draw(x);
      else result.replaceChildren(el('p', {}, 'This method makes many passes: press Run.'));
    };
    const { info } = s.model;
    const classes = [
      ['', `top-1 (${s.run.predictions[0]?.label ?? ''})`],
      ...Array.from({ length: classCount(info) }, (_, i) => [i, `${i}: ${classLabel(info, i)}`]),
    ];
    const controls = el(
      'div',
      { className: 'controls' },
      select('Method', METHODS, method, (v) => app.set({ method: v })),
      select('Class', classes, s.classIndex ?? '', (v) => app.set({ classIndex: v === '' ? undefined : Number(v) })),
    );
    if (about.needsLayer) controls.append(camLayerMenu(app));
    // Options in pixels (occlusion's patch and stride) cannot exceed the model's input.
    const side = Math.min(...s.model.info.inputShape.slice(0, 2));
    for (const spec of about.options) {
      const value = s[spec.name] ?? spec.default;
      const control = optionControl(
        spec,
        value,
        (v) => app.set({ [spec.name]: v }),
        spec.unit === 'pixels' ? side : spec.max,
      );
      // A length in the model's pixels is also said on the picture (a photo is many times larger).
      if (spec.unit === 'pixels')
        control.append(el('span', { className: 'note' }, ` ${onPicture(app, Number(value))}`));
      controls.append(control);
    }
    const opacity = el('input', {
      type: 'range',
      min: 0,
      max: 1,
      step: 0.05,
      value: s.opacity,
      'aria-label': 'opacity',
      oninput: () => {
        app.state.opacity = Number(opacity.value);
        app.saveHash();
        explained(app, method)
          .then((x) => x && draw(x))
          .catch(app.showError);
      },
    });
    controls.append(el('label', {}, 'opacity ', opacity));
    const running = LONG.has(method) && app.jobs.has(explainKey(app, method));
    if (LONG.has(method))
      controls.append(el('button', { type: 'button', onclick: () => run(true).catch(app.showError) }, 'Run'));
    const sanity = el('div', {});
    // Measures the map on show (made first if it is not yet).
    const faithfulness = async () => {
      const x = await explained(app, method, { force: true });
      if (x) await measureFaithfulness(app, method, explainOptions(app, method), x, sanity);
    };
    controls.append(taskButton('How faithful?', faithfulness, app.showError));
    controls.append(
      el(
        'button',
        { type: 'button', onclick: () => sanityCheck(app, method, sanity).catch(app.showError) },
        'Sanity check',
      ),
    );
    // A run in flight is joined without waiting for it: the view shows its progress meanwhile
    // (the widget waits: its events and exportPNG come after the map).
    if (running && !app.autoRun) run(false).catch(app.showError);
    else await run(Boolean(app.autoRun));
    return el(
      'div',
      {},
      el('p', { className: 'about' }, about.help),
      app.saysWhatModelKnows ? null : el('p', { className: 'knows' }, modelKnows(s.model.info)),
      unlikeNote(app),
      controls,
      result,
      sanity,
    );
  },
};

// The classic occlusion view: the picture only where the map is at least the threshold, which is
// set and said in the map's own units (a signed map's middle, 0.5, is zero).
/** @param {ViewContext} app */
function masked(app, x) {
  const holder = el('div', {});
  const said = () => `≥ ${formatValue(valueAt(x, app.state.threshold))}`;
  const shown = el('output', {}, said());
  const slider = el('input', {
    type: 'range',
    min: 0,
    max: 1,
    step: 0.05,
    value: app.state.threshold,
    'aria-label': 'threshold',
    oninput: () => {
      app.state.threshold = Number(slider.value);
      shown.textContent = said();
      slider.setAttribute('aria-valuetext', said());
    },
  });
  slider.setAttribute('aria-valuetext', said());
  const show = async () => {
    app.state.threshold = Number(slider.value);
    const img = await app.request('overlay', {
      map: { map: x.map, width: x.width, height: x.height },
      options: { resize: app.state.resize, mask: true, threshold: app.state.threshold },
    });
    holder.replaceChildren(
      figure(
        imageCanvas(img, { pixelated: false, label: 'masked image' }),
        `the image where the map ${said()} (${x.value})`,
        'occlusion-masked',
      ),
    );
  };
  slider.addEventListener('change', () => show().catch(app.showError));
  show().catch(app.showError);
  return el('div', {}, el('label', {}, 'threshold ', slider, ' ', shown), holder);
}

/** @param {ViewContext} app @param {string} method @param {HTMLElement} target */
async function sanityCheck(app, method, target) {
  const bar = await mapColorbar(app, method);
  // What the click made is brought into view and announced: it lands below the map.
  const said = el('p', { role: 'status' }, 'Sanity check: running…');
  target.replaceChildren(said);
  target.scrollIntoView({ block: 'nearest' });
  const r = await app
    .request(
      'sanityCheck',
      {
        method,
        options: { ...explainOptions(app, method), topLayers: RANDOMIZED_TOP_LAYERS },
        overlay: { resize: app.state.resize, colormap: mapColormap(method), alpha: 1 },
      },
      { label: 'Sanity check' },
    )
    .catch((e) => {
      said.textContent = `Sanity check ${e?.name === 'CancelledError' ? 'cancelled' : 'failed'}: press Sanity check to start it again.`;
      throw e;
    });
  said.textContent = `Sanity check (Adebayo et al. 2018): with the kernels of ${r.randomizedLayers.join(', ')} randomized, the map's Spearman rank correlation with the original is ${r.spearman.toFixed(3)}. A map that explains the model should change (low correlation).`;
  target.append(
    el(
      'div',
      { className: 'row' },
      ...[
        [r.original, 'original map', 'trained weights'],
        [r.randomized, 'randomized map', 'top layers randomized'],
      ].map(([x, label, caption]) =>
        mapFigure(app, x, bar, `sanity-${method}-${label.split(' ')[0]}`, { label, caption }),
      ),
    ),
  );
  target.scrollIntoView({ block: 'nearest' });
}
