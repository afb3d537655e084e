import { colorbar, figure, legendOf } from '../figure.js';
import { el, overlayCanvas, select } from '../ui.js';
import { LONG_METHODS, METHODS } from '../catalog.js';
import { explained } from './explain.js';
import { modelKnows } from './predictions.js';

export default {
  id: 'compare',
  title: 'Compare',
  about: 'Two methods side by side on the same image and class.',
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
    const [bar, ...maps] = await Promise.all([
      colorbar(app, 'jet'),
      ...sides.map(([, method], i) => explained(app, method, { worker: i })),
    ]);
    const panes = sides.map(([key, method], i) =>
      el(
        'div',
        {},
        select(key === 'left' ? 'Left' : 'Right', fast, method, (v) => app.set({ [key]: v })),
        figure(
          overlayCanvas(app.picture, maps[i].figure, s.opacity, method),
          `${maps[i].method} · ${maps[i].layer} · ${maps[i].label}`,
          `compare-${method}`,
          legendOf(bar, maps[i].value, maps[i].valueRange),
        ),
      ),
    );
    return el(
      'div',
      {},
      el('p', { className: 'knows' }, modelKnows(s.model.info)),
      el('div', { className: 'row' }, ...panes),
    );
  },
};
