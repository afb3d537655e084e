import { el, select } from '../ui.js';
import { LONG_METHODS, METHOD_INFO, METHODS } from '../catalog.js';
import { camLayerMenu, explained } from './explain.js';
import { mapColorbar, mapFigure } from './map_figure.js';
import { modelKnows, unlikeNote } from './predictions.js';
import { rankingPanel } from './ranking.js';

export default {
  id: 'compare',
  title: 'Compare',
  about:
    'Two methods side by side on the same image and class, and every quick method ranked by how faithful its map is.',
  needsImage: true,
  /** @param {import('../view_context.js').ViewContext} app */
  async render(app) {
    const s = app.state;
    const fast = METHODS.filter(([m]) => !LONG_METHODS.has(m));
    const sides = [
      ['left', 'saliency'],
      ['right', 'gradcam'],
    ].map(([key, fallback]) => [key, s[key] ?? fallback]);
    // The two panes side by side: the right one on the page's second worker where it has one.
    const [bars, maps] = await Promise.all([
      Promise.all(sides.map(([, method]) => mapColorbar(app, method))),
      Promise.all(sides.map(([, method], i) => explained(app, method, { worker: i }))),
    ]);
    const panes = sides.map(([key, method], i) =>
      el(
        'div',
        {},
        select(key === 'left' ? 'Left' : 'Right', fast, method, (v) => app.set({ [key]: v })),
        mapFigure(app, maps[i], bars[i], `compare-${method}`, { label: method }),
      ),
    );
    // The layer of the methods that take one (Grad-CAM and its kin), the Explain view's.
    const layer = sides.some(([, method]) => METHOD_INFO.get(method).needsLayer) ? camLayerMenu(app) : null;
    return el(
      'div',
      {},
      app.saysWhatModelKnows ? null : el('p', { className: 'knows' }, modelKnows(s.model.info)),
      unlikeNote(app),
      layer ? el('div', { className: 'controls' }, layer) : null,
      el('div', { className: 'row' }, ...panes),
      rankingPanel(
        app,
        fast.map(([m]) => m),
      ),
    );
  },
};
