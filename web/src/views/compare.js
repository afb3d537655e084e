import { el, figure, overlayCanvas, select } from '../ui.js';
import { explained, METHODS } from './explain.js';

export default {
  id: 'compare',
  title: 'Compare',
  about: 'Two methods side by side on the same image and class.',
  needsImage: true,
  async render(app) {
    const s = app.state;
    const fast = METHODS.filter(([m]) => !['smoothgrad', 'ig', 'occlusion'].includes(m));
    const panes = [];
    for (const [key, fallback] of [['left', 'saliency'], ['right', 'gradcam']]) {
      const method = s[key] ?? fallback;
      const x = await explained(app, method);
      panes.push(el('div', {}, select(key === 'left' ? 'Left' : 'Right', fast, method, (v) => app.set({ [key]: v })),
        figure(overlayCanvas(app.picture, x.figure, s.opacity, method), `${x.method} · ${x.layer} · ${x.label}`, `compare-${method}`)));
    }
    return el('div', { className: 'row' }, ...panes);
  },
};
