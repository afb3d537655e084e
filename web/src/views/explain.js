import { colorbar, figure, legendOf } from '../figure.js';
import { LONG_METHODS as LONG, METHOD_INFO, METHODS, methodOptions } from '../catalog.js';
import { optionControl } from '../option_controls.js';
import { el, imageCanvas, overlayCanvas, progressText, select } from '../ui.js';
import { modelKnows } from './predictions.js';
import { classCount, classLabel, defaultCamLayer, spatialLayers } from '../model_layers.js';

/** @typedef {import('../view_context.js').ViewContext} ViewContext */

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
  const overlay = { resize: app.state.resize, colormap: 'jet', alpha: 1 };
  const result = await app.jobs.join(
    key,
    (partial, progress) =>
      app.request('explain', { method, options, overlay }, { onPartial: partial, onProgress: progress, worker }),
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

function describe(x) {
  return `${x.method} · layer ${x.layer} · ${x.label} (${x.classIndex}) · ${x.arithmetic}`;
}

// Said under every gradient map of an int8 model: its maps differ from an f32 model's by more than
// its predictions do (docs/explanation-methods.md has the numbers).
// Says what the map on show was made from, without numbers measured on another model.
const INT8_GRADIENTS =
  'Made from int8 weights (an f32 pass over the dequantized weights). Rounding the weights ' +
  "changes a model's gradients by an amount that depends on the model: vanilla saliency and SmoothGrad the " +
  'most, guided backprop, Grad-CAM and occlusion little (docs/explanation-methods.md). For the f32 map, open ' +
  'the model\'s f32 file, or its Keras file with "Keras weights: f32".';

export default {
  id: 'explain',
  title: 'Explain',
  about: 'Why the model predicts a class: gradient, class-activation and perturbation maps over your image.',
  needsImage: true,
  /** @param {ViewContext} app */
  async render(app) {
    const s = app.state,
      method = s.method;
    const result = el('div', { className: 'row' });
    const bar = await colorbar(app, 'jet');
    // Partial maps (occlusion, coarse first) are drawn as they come; the masked view waits for the
    // final one (the worker is busy until then).
    const draw = (x, final = true) => {
      result.replaceChildren(
        figure(
          overlayCanvas(app.picture, x.figure, s.opacity, describe(x)),
          describe(x),
          `${method}-${x.layer}-${x.classIndex}`,
          legendOf(bar, x.value, x.valueRange),
        ),
      );
      if (x.weights === 'int8' && x.activations === 'f32')
        result.append(el('p', { className: 'note' }, INT8_GRADIENTS));
      if (method === 'occlusion' && final) result.append(masked(app, x));
    };
    // The run's progress in the view itself (the page's bar may be out of sight), kept across tab
    // switches: a view drawn again joins the run in flight.
    // Screen readers hear it at the start, each quarter and the end, not at every tick.
    const about = METHOD_INFO.get(method),
      label = about.label;
    const meter = el('progress', { max: 1 }),
      shown = el('span', { 'aria-hidden': 'true' }, ` ${label}: starting…`);
    const spoken = el('span', { role: 'status', className: 'sr-only' }, `${label} started`);
    const status = el('p', { className: 'view-progress' }, meter, shown, spoken);
    let quarter = 0;
    const onProgress = (fraction, remainingMs) => {
      meter.value = fraction;
      shown.textContent = ` ${progressText(label, fraction, remainingMs)}`;
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
    const { info, summary } = s.model;
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
    if (about.needsLayer) {
      // Any layer with feature maps (a convolution, its BatchNormalization or activation, a pooling
      // layer); the model's own default otherwise.
      const layer = s.camLayer ?? defaultCamLayer(summary.rows, info);
      controls.append(select('Layer', spatialLayers(summary.rows), layer, (v) => app.set({ camLayer: v })));
    }
    // Options in pixels (occlusion's patch and stride) cannot exceed the model's input.
    const side = Math.min(...s.model.info.inputShape.slice(0, 2));
    for (const spec of about.options) {
      controls.append(
        optionControl(
          spec,
          s[spec.name] ?? spec.default,
          (v) => app.set({ [spec.name]: v }),
          spec.unit === 'pixels' ? side : spec.max,
        ),
      );
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
      el('p', { className: 'knows' }, modelKnows(s.model.info)),
      controls,
      result,
      sanity,
    );
  },
};

// The classic occlusion view: the picture only where the map is at least the threshold.
/** @param {ViewContext} app */
function masked(app, x) {
  const holder = el('div', {});
  const slider = el('input', {
    type: 'range',
    min: 0,
    max: 1,
    step: 0.05,
    value: app.state.threshold,
    'aria-label': 'threshold',
  });
  const show = async () => {
    app.state.threshold = Number(slider.value);
    const img = await app.request('overlay', {
      map: { map: x.map, width: x.width, height: x.height },
      options: { resize: app.state.resize, mask: true, threshold: app.state.threshold },
    });
    holder.replaceChildren(
      figure(
        imageCanvas(img, { pixelated: false, label: 'masked image' }),
        `the image where the map ≥ ${app.state.threshold}`,
        'occlusion-masked',
      ),
    );
  };
  slider.addEventListener('change', () => show().catch(app.showError));
  show().catch(app.showError);
  return el('div', {}, el('label', {}, 'threshold ', slider), holder);
}

/** @param {ViewContext} app @param {string} method @param {HTMLElement} target */
async function sanityCheck(app, method, target) {
  const bar = await colorbar(app, 'jet');
  const r = await app.request('sanityCheck', {
    method,
    options: { ...explainOptions(app, method), topLayers: 3 },
    overlay: { resize: app.state.resize, alpha: 1 },
  });
  target.replaceChildren(
    el(
      'p',
      {},
      `Sanity check (Adebayo et al. 2018): with the kernels of ${r.randomizedLayers.join(', ')} randomized, the map's Spearman rank correlation with the original is ${r.spearman.toFixed(3)}. A map that explains the model should change (low correlation).`,
    ),
    el(
      'div',
      { className: 'row' },
      ...[
        [r.original, 'original map', 'trained weights'],
        [r.randomized, 'randomized map', 'top layers randomized'],
      ].map(([x, label, caption]) =>
        figure(
          overlayCanvas(app.picture, x.figure, app.state.opacity, label),
          caption,
          `sanity-${method}-${label.split(' ')[0]}`,
          legendOf(bar, x.value, x.valueRange),
        ),
      ),
    ),
  );
}
