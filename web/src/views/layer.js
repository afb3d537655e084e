import { exportButton } from '../figure.js';
import { el, hiDpiCanvas, select } from '../ui.js';

function histogram(stats, label) {
  const { counts, min, max } = stats.histogram;
  const [canvas, ctx] = hiDpiCanvas(360, 140, label);
  const top = Math.max(...counts, 1),
    w = 340 / counts.length;
  ctx.fillStyle = '#4e79a7';
  counts.forEach((c, i) => ctx.fillRect(10 + i * w, 120 - (100 * c) / top, Math.max(1, w - 1), (100 * c) / top));
  ctx.fillStyle = getComputedStyle(document.body).color;
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillText(min.toPrecision(3), 10, 135);
  ctx.fillText(max.toPrecision(3), 300, 135);
  return canvas;
}

export default {
  id: 'layer',
  title: 'Layer',
  about:
    "The selected layer's Keras configuration and its weights: shapes as Keras stores them, statistics and the distribution of the values.",
  /** @param {import('../view_context.js').ViewContext} app */
  async render(app) {
    const name = app.state.layer;
    const info = await app.request('layer', { name });
    const weights = [
      ['kernel', info.kernel],
      ['bias', info.bias],
    ]
      .filter(([, w]) => w)
      .map(([what, w]) =>
        el(
          'div',
          {},
          el('h3', {}, `${what}: ${w.kerasShape.join(' × ')} (stored ${w.layout} ${w.dtype})`),
          el(
            'p',
            {},
            `min ${w.stats.min.toPrecision(4)} · max ${w.stats.max.toPrecision(4)} · mean ${w.stats.mean.toPrecision(4)} · std ${w.stats.std.toPrecision(4)}`,
          ),
          (() => {
            const c = histogram(w.stats, `${what} histogram`);
            return el('div', {}, c, exportButton(c, `${name}-${what}-histogram`));
          })(),
        ),
      );
    return el(
      'div',
      {},
      el(
        'div',
        { className: 'controls' },
        select(
          'Layer',
          app.state.model.summary.rows.map((r) => r.name),
          name,
          (v) => app.set({ layer: v }),
        ),
      ),
      el(
        'div',
        { className: 'row' },
        el('pre', {}, JSON.stringify(info.config, null, 2)),
        el('div', {}, ...(weights.length ? weights : [el('p', {}, 'This layer has no weights.')])),
      ),
    );
  },
};
