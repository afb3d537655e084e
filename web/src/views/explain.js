import { el, figure, imageCanvas, overlayCanvas, select } from '../ui.js';

export const METHODS = [
  ['saliency', 'Saliency (vanilla gradient)'], ['smoothgrad', 'SmoothGrad'], ['guided', 'Guided backprop'],
  ['gradcam', 'Grad-CAM'], ['guided-gradcam', 'Guided Grad-CAM'], ['occlusion', 'Occlusion'],
  ['ig', 'Integrated gradients'],
];
const LONG = new Set(['smoothgrad', 'ig', 'occlusion']);
const HELP = {
  saliency: 'How much each pixel changes the class score: |gradient|, the largest over colour channels.',
  smoothgrad: 'The saliency averaged over noisy copies of the image: less speckle, the same idea.',
  guided: 'Gradients that only pass where they and the activations are positive: sharp, edge-like detail.',
  gradcam: 'Where the chosen layer looked for the class: its maps weighted by their average gradient. Coarse but class-specific.',
  'guided-gradcam': 'Guided backprop times Grad-CAM: fine detail, only where Grad-CAM points.',
  occlusion: 'How much the class probability drops when a grey patch hides each spot: slow but model-agnostic. Coarse positions come first.',
  ig: 'Gradients summed along a path from a black image to yours: attributions that add up to the score difference.',
};

// The options a method takes from the page state.
export function explainOptions(app, method) {
  const s = app.state, o = {};
  if (s.classIndex !== undefined) o.class = s.classIndex;
  if ((method === 'gradcam' || method === 'guided-gradcam') && s.camLayer) o.layer = s.camLayer;
  if (method === 'occlusion') Object.assign(o, { patch: s.patch, stride: s.stride });
  return o;
}

// Runs `method` (cached per image and options) and returns the result from the worker.
// worker: see app.request.
export async function explained(app, method, { force = false, onPartial, worker } = {}) {
  const options = explainOptions(app, method);
  const key = JSON.stringify([app.state.imageIndex, app.state.run.precision, method, options]);
  if (!app.cache.has(key)) {
    if (LONG.has(method) && !force) return null;
    const overlay = { resize: app.state.resize, colormap: 'jet', alpha: 1 };
    app.cache.set(key, await app.request('explain', { method, options, overlay }, { onPartial, worker }));
  }
  return app.cache.get(key);
}

function describe(x) {
  return `${x.method} · layer ${x.layer} · ${x.label} (${x.classIndex}) · ${x.arithmetic}`;
}

// Said under every gradient map of an int8 model: its maps differ from an f32 model's by more than
// its predictions do (docs/explanation-methods.md has the numbers).
const INT8_GRADIENTS = 'From int8 weights: gradients run on an f32 pass over the dequantized weights, but '
  + 'the rounded weights still change them — on a random-weight VGG16 vanilla saliency correlates only ~0.7 '
  + 'with the f32 model\'s map, guided backprop and Grad-CAM above 0.95. Open an f32 model file for exact maps.';

export default {
  id: 'explain',
  title: 'Explain',
  about: 'Why the model predicts a class: gradient, class-activation and perturbation maps over your image.',
  needsImage: true,
  async render(app) {
    const s = app.state, method = s.method;
    const result = el('div', { className: 'row' });
    // Partial maps (occlusion, coarse first) are drawn as they come; the masked view waits for the
    // final one (the worker is busy until then).
    const draw = (x, final = true) => {
      result.replaceChildren(figure(overlayCanvas(app.picture, x.figure, s.opacity, describe(x)), describe(x), `${method}-${x.layer}-${x.classIndex}`));
      if (x.weights === 'int8' && x.activations === 'f32') result.append(el('p', { className: 'note' }, INT8_GRADIENTS));
      if (method === 'occlusion' && final) result.append(masked(app, x));
    };
    const run = async (force) => {
      const x = await explained(app, method, { force, onPartial: (p) => draw(p, false) });
      if (x) draw(x);
      else result.replaceChildren(el('p', {}, 'This method makes many passes: press Run.'));
    };
    const classes = [['', `top-1 (${s.run.predictions[0]?.label ?? ''})`],
      ...Array.from({ length: app.state.model.info.outputShape.at(-1) }, (_, i) => [i, `${i}: ${app.state.model.info.labels[i] ?? `class ${i}`}`])];
    const controls = el('div', { className: 'controls' },
      select('Method', METHODS, method, (v) => app.set({ method: v })),
      select('Class', classes, s.classIndex ?? '', (v) => app.set({ classIndex: v === '' ? undefined : Number(v) })));
    if (method === 'gradcam' || method === 'guided-gradcam') {
      const layers = app.state.model.summary.rows.filter((r) => r.type === 'Conv2D' || r.type === 'MaxPooling2D').map((r) => r.name);
      controls.append(select('Layer', layers, s.camLayer ?? app.layersOf('Conv2D').at(-1), (v) => app.set({ camLayer: v })));
    }
    if (method === 'occlusion') {
      for (const key of ['patch', 'stride']) {
        const input = el('input', { type: 'number', min: 1, max: 224, value: s[key], 'aria-label': key,
          onchange: () => app.set({ [key]: Math.max(1, Number(input.value) || 1) }) });
        controls.append(el('label', {}, `${key} `, input));
      }
    }
    const opacity = el('input', { type: 'range', min: 0, max: 1, step: 0.05, value: s.opacity, 'aria-label': 'opacity',
      oninput: () => { app.state.opacity = Number(opacity.value); app.saveHash(); explained(app, method).then((x) => x && draw(x)); } });
    controls.append(el('label', {}, 'opacity ', opacity));
    if (LONG.has(method)) controls.append(el('button', { type: 'button', onclick: () => run(true).catch(app.showError) }, 'Run'));
    const sanity = el('div', {});
    controls.append(el('button', { type: 'button', onclick: () => sanityCheck(app, method, sanity).catch(app.showError) }, 'Sanity check'));
    await run(Boolean(app.autoRun));
    return el('div', {}, el('p', { className: 'about' }, HELP[method]), controls, result, sanity);
  },
};

// The classic occlusion view: the picture only where the map is at least the threshold.
function masked(app, x) {
  const holder = el('div', {});
  const slider = el('input', { type: 'range', min: 0, max: 1, step: 0.05, value: app.state.threshold, 'aria-label': 'threshold' });
  const show = async () => {
    app.state.threshold = Number(slider.value);
    const img = await app.request('overlay', { map: { map: x.map, width: x.width, height: x.height }, options: { resize: app.state.resize, mask: true, threshold: app.state.threshold } });
    holder.replaceChildren(figure(imageCanvas(img, { pixelated: false, label: 'masked image' }), `the image where the map ≥ ${app.state.threshold}`, 'occlusion-masked'));
  };
  slider.addEventListener('change', () => show().catch(app.showError));
  show().catch(app.showError);
  return el('div', {}, el('label', {}, 'threshold ', slider), holder);
}

async function sanityCheck(app, method, target) {
  const r = await app.request('sanityCheck', { method, options: { ...explainOptions(app, method), topLayers: 3 }, overlay: { resize: app.state.resize, alpha: 1 } });
  target.replaceChildren(
    el('p', {}, `Sanity check (Adebayo et al. 2018): with the kernels of ${r.randomizedLayers.join(', ')} randomized, the map's Spearman rank correlation with the original is ${r.spearman.toFixed(3)}. A map that explains the model should change (low correlation).`),
    el('div', { className: 'row' },
      figure(overlayCanvas(app.picture, r.original.figure, app.state.opacity, 'original map'), 'trained weights'),
      figure(overlayCanvas(app.picture, r.randomized.figure, app.state.opacity, 'randomized map'), 'top layers randomized')));
}
