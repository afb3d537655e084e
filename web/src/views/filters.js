import { figure } from '../figure.js';
import { el, imageCanvas, select } from '../ui.js';
import { zoomable } from './grid_zoom.js';
import { layersOf } from '../view_context.js';

export default {
  id: 'filters',
  title: 'Filters',
  about:
    'The learned 3×3 kernels of a convolution, one tile per filter, each stretched to its own range. First-layer filters are shown in colour (what colour edge or blob they respond to); deeper ones one input channel at a time.',
  /** @param {import('../view_context.js').ViewContext} app */
  async render(app) {
    const convs = layersOf(app.state, 'Conv2D');
    const name = convs.includes(app.state.layer) ? app.state.layer : convs[0];
    const inChannels = (await app.request('layer', { name })).kernel.kerasShape[2];
    const channel = inChannels === 3 ? -1 : Math.min(app.state.channel ?? 0, inChannels - 1);
    const grid = await app.request('filterGrid', { name, options: channel < 0 ? { scale: 8 } : { channel, scale: 8 } });
    const canvas = imageCanvas(grid, { grid: true, label: `filters of ${name}` });
    return el(
      'div',
      {},
      el(
        'div',
        { className: 'controls' },
        select('Layer', convs, name, (v) => app.set({ layer: v })),
        inChannels === 3
          ? el('span', {}, 'colour (RGB input)')
          : select(
              'Input channel',
              Array.from({ length: inChannels }, (_, i) => i),
              channel,
              (v) => app.set({ channel: Number(v) }),
            ),
      ),
      el(
        'div',
        { className: 'row' },
        figure(canvas, `${grid.tiles} filters of ${name}`, `filters-${name}`),
        zoomable(canvas, grid, (i) => `filter ${i}`),
      ),
    );
  },
};
