import { MAXIMIZE_OPTIONS, maximizeOptions } from '../catalog.js';
import { figure } from '../figure.js';
import { optionControl } from '../option_controls.js';
import { el, imageCanvas, select } from '../ui.js';
import { classLabel, firstLayer, maximizeLayers } from '../model_layers.js';

export default {
  id: 'maximize',
  title: 'Maximize',
  about:
    'Activation maximization: starting from noise, the input is changed step by step to excite one filter (or class) as much as possible — a picture of what that unit looks for.',
  /** @param {import('../view_context.js').ViewContext} app */
  async render(app) {
    const s = app.state;
    // Any layer with feature maps (a filter's mean response), and the class layer (a class).
    const last = s.model.info.head.layer;
    const layers = maximizeLayers(s.model.summary.rows, s.model.info);
    const layer = layers.includes(s.maxLayer) ? s.maxLayer : firstLayer(s.model.summary.rows);
    const units = el('input', { value: s.units ?? '0,1,2,3', 'aria-label': 'units', size: 12 });
    const gallery = el(
      'div',
      { className: 'row' },
      el('p', {}, `Press Synthesize to make a picture for each ${layer === last ? 'class' : 'filter'} listed.`),
    );
    const go = async () => {
      app.state.units = units.value;
      app.saveHash();
      const list = units.value
        .split(',')
        .map((v) => Number(v.trim()))
        .filter((v) => Number.isInteger(v) && v >= 0);
      gallery.replaceChildren();
      // Every unit at once, one per worker in turn (the page's extra workers, where it has them);
      // shown in order as they come.
      const workers = app.team?.available(s.model.info) ?? 1;
      const key = layer === last ? 'class' : 'filter';
      const pending = list.map((unit, i) =>
        app.request('maximize', { options: { layer, [key]: unit, ...maximizeOptions(s) } }, { worker: i % workers }),
      );
      pending.forEach((p) => p.catch(() => {})); // each is awaited (and its error shown) below
      for (const [i, unit] of list.entries()) {
        const r = await pending[i];
        const label = layer === last ? `${unit}: ${classLabel(s.model.info, unit)}` : `filter ${unit}`;
        gallery.append(
          figure(
            imageCanvas(r, { label }),
            `${label} (${r.startActivation.toFixed(2)} → ${r.endActivation.toFixed(2)})`,
            `maximize-${layer}-${unit}`,
          ),
        );
      }
    };
    return el(
      'div',
      {},
      el(
        'div',
        { className: 'controls' },
        select('Layer', layers, layer, (v) => app.set({ maxLayer: v })),
        el('label', {}, layer === last ? 'classes ' : 'filters ', units),
        // The catalog's options: preset, steps, seed. Steps left empty (or 0): the preset's.
        ...[...MAXIMIZE_OPTIONS.values()].map((spec) =>
          spec.name === 'steps'
            ? optionControl(spec, s.steps || undefined, (v) => app.set({ steps: v }), spec.max, "preset's")
            : optionControl(spec, s[spec.name] ?? spec.default, (v) => app.set({ [spec.name]: v })),
        ),
        el('button', { type: 'button', onclick: () => go().catch(app.showError) }, 'Synthesize'),
      ),
      gallery,
    );
  },
};
