import { MAXIMIZE_OPTIONS, maximizeOptions } from '../catalog.js';
import { figure } from '../figure.js';
import { optionControl } from '../option_controls.js';
import { layerSelect } from '../layer_select.js';
import { el, imageCanvas } from '../ui.js';
import { classCount, classLabel, maximizeDefaultLayer, maximizeLayers } from '../model_layers.js';

// The units typed ("5, 6,7"): whole numbers below `count`, in the order given. Throws an error
// naming every entry that is not one (nothing is dropped silently).
/** @param {string} text @param {number} count @param {string} what "filters" or "classes" */
export function parseUnits(text, count, what) {
  const entries = text
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  const bad = entries.filter((v) => !/^\d+$/.test(v) || Number(v) >= count);
  if (bad.length || !entries.length) {
    const named = bad.length ? `${bad.map((v) => `"${v}"`).join(', ')}: not ` : 'give ';
    throw new Error(`${what}: ${named}numbers from 0 to ${count - 1}, separated by commas`);
  }
  return entries.map(Number);
}

export default {
  id: 'maximize',
  title: 'Maximize',
  about:
    'Activation maximization: starting from noise (or from the mean of the pictures the model was trained on, where its file says), the input is changed step by step to excite one filter (or class) as much as possible — a picture of what that unit looks for.',
  /** @param {import('../view_context.js').ViewContext} app */
  async render(app) {
    const s = app.state;
    // Any layer with feature maps (a filter's mean response), and the class layer (a class).
    const last = s.model.info.head.layer;
    const layers = maximizeLayers(s.model.summary.rows, s.model.info);
    const layer = layers.includes(s.maxLayer) ? s.maxLayer : maximizeDefaultLayer(s.model.summary.rows);
    const what = layer === last ? 'classes' : 'filters';
    const count =
      layer === last ? classCount(s.model.info) : s.model.summary.rows.find((r) => r.name === layer).outputShape.at(-1);
    // What is typed is kept in the state at once: a redraw (another option changed) keeps it.
    const units = el('input', {
      value: s.units ?? '0,1,2,3',
      size: 12,
      title: `the ${what} to synthesize, from 0 to ${count - 1}, separated by commas`,
      oninput: () => {
        units.setCustomValidity('');
        app.state.units = units.value;
        app.saveHash();
      },
      onkeydown: (e) => {
        if (e.key !== 'Enter') return;
        e.preventDefault();
        go().catch(app.showError);
      },
    });
    const gallery = el(
      'div',
      { className: 'row' },
      el('p', {}, `Press Synthesize (or Enter in the ${what} field) to make a picture for each one listed.`),
    );
    const go = async () => {
      let list;
      try {
        list = parseUnits(units.value, count, what);
      } catch (e) {
        units.setCustomValidity(e.message);
        units.reportValidity();
        throw e;
      }
      gallery.replaceChildren();
      // Every unit at once, one per worker in turn (the page's extra workers, where it has them);
      // shown in order as they come.
      const workers = app.team?.available(s.model.info) ?? 1;
      const key = layer === last ? 'class' : 'filter';
      const pending = list.map((unit, i) =>
        app.request(
          'maximize',
          { options: { layer, [key]: unit, ...maximizeOptions(s) } },
          { worker: i % workers, label: `Maximize ${list.length} ${what}` },
        ),
      );
      pending.forEach((p) => p.catch(() => {})); // each is awaited (and its error shown) below
      for (const [i, unit] of list.entries()) {
        const r = await pending[i];
        const label = layer === last ? `${unit}: ${classLabel(s.model.info, unit)}` : `filter ${unit}`;
        gallery.append(
          figure(
            imageCanvas(r, { label }),
            // The core's start and end activation: a filter's mean output, a class's logit.
            `${label}: ${layer === last ? 'logit' : 'mean activation'} ${r.startActivation.toFixed(2)} on what it started from (${r.seedPicture}) → ${r.endActivation.toFixed(2)}`,
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
        layerSelect('Layer', app.state.model.summary.rows, layers, layer, (v) => app.set({ maxLayer: v })),
        el('label', {}, `${what} `, units),
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
