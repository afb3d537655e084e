import { catalog } from '../catalog.js';
import { exportButton } from '../figure.js';
import { layerSelect } from '../layer_select.js';
import { el, hiDpiCanvas } from '../ui.js';

function histogram(stats, label) {
  const { counts, min, max } = stats.histogram;
  const [canvas, ctx] = hiDpiCanvas(360, 140, label);
  const top = Math.max(...counts, 1),
    w = 340 / counts.length;
  ctx.fillStyle = '#4e79a7';
  counts.forEach((c, i) => ctx.fillRect(10 + i * w, 120 - (100 * c) / top, Math.max(1, w - 1), (100 * c) / top));
  ctx.fillStyle = getComputedStyle(document.body).color;
  ctx.font = '12px system-ui, sans-serif';
  ctx.fillText(min.toPrecision(3), 10, 135);
  ctx.textAlign = 'center';
  ctx.fillText('value (bars: how many)', 180, 135);
  ctx.textAlign = 'right';
  ctx.fillText(max.toPrecision(3), 350, 135);
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
    const row = app.state.model.summary.rows.find((r) => r.name === name);
    const kind = catalog.layerKinds.find((k) => k.name === row?.kind);
    // Every weight the layer has, in Keras' order: kernel and bias; BatchNormalization's gamma, beta
    // and moving statistics; SeparableConv2D's depthwise and pointwise kernels.
    const weights = info.weights.map(({ name: what, ...w }) =>
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
        layerSelect(
          'Layer',
          app.state.model.summary.rows,
          app.state.model.summary.rows.map((r) => r.name),
          name,
          (v) => app.set({ layer: v }),
        ),
      ),
      // What kind of layer it is (the core's description of its kind), its output and weights.
      row &&
        el(
          'p',
          { className: 'layer-kind' },
          `${row.type} (${row.category}${row.activation ? `, ${row.activation}` : ''}): ${kind?.description ?? ''} ` +
            `Output ${row.outputShape.join('×')}; ${row.params.toLocaleString('en-US')} parameters` +
            (row.params > row.trainableParams ? ` (${row.trainableParams.toLocaleString('en-US')} trainable)` : '') +
            '.',
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
