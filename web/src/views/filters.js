import { colorbar, figure, legendOf } from '../figure.js';
import { layerSelect } from '../layer_select.js';
import { el, imageCanvas, select } from '../ui.js';
import { zoomable } from './grid_zoom.js';
import { filterLayers } from '../model_layers.js';

export default {
  id: 'filters',
  title: 'Filters',
  about:
    'The learned kernels of a convolution, one tile per filter, each stretched to its own range. Filters on an RGB picture are shown in colour (what colour edge or blob they respond to); on a grayscale picture and deeper, in gray, one input channel at a time.',
  /** @param {import('../view_context.js').ViewContext} app */
  async render(app) {
    // Layers whose kernel draws as filters (Conv2D; SeparableConv2D's depthwise kernel).
    const convs = filterLayers(app.state.model.summary.rows);
    if (!convs.length) return el('p', {}, 'This model has no convolution whose filters could be drawn.');
    const name = convs.includes(app.state.layer) ? app.state.layer : convs[0];
    // The spatial kernel, stored OHWI: its input channels are the last axis (1 for a depthwise
    // kernel, whose every filter sees a channel of its own).
    const { weights } = await app.request('layer', { name });
    const kernel = weights.find((w) => w.layout === 'OHWI');
    const inChannels = kernel.shape[3],
      depthwise = kernel.name === 'depthwise_kernel';
    const channel = inChannels === 3 ? -1 : Math.min(app.state.channel ?? 0, inChannels - 1);
    const grid = await app.request('filterGrid', { name, options: channel < 0 ? { scale: 8 } : { channel, scale: 8 } });
    const canvas = imageCanvas(grid, { grid: true, label: `filters of ${name}` });
    // Each tile is stretched to its own filter's range: the legend says so, without a range.
    const legend = legendOf(
      await colorbar(app, 'gray'),
      channel < 0
        ? "weights: each filter from its own lowest (dark) to its highest (bright), drawn in colour: red, green and blue are its weights on the input's red, green and blue"
        : 'weights: each filter from its own lowest (dark) to its highest (bright)',
    );
    const input =
      inChannels === 3
        ? el('span', {}, 'colour (RGB input)')
        : inChannels === 1
          ? el(
              'span',
              {},
              depthwise ? 'gray: each filter on its own input channel (depthwise)' : 'gray (one input channel)',
            )
          : select(
              'Input channel',
              Array.from({ length: inChannels }, (_, i) => i),
              channel,
              (v) => app.set({ channel: Number(v) }),
            );
    return el(
      'div',
      {},
      el(
        'div',
        { className: 'controls' },
        layerSelect('Layer', app.state.model.summary.rows, convs, name, (v) => app.set({ layer: v })),
        input,
      ),
      el(
        'div',
        { className: 'row' },
        figure(canvas, `${grid.tiles} filters of ${name}`, `filters-${name}`, legend),
        zoomable(canvas, grid, (i) => `filter ${i}`),
      ),
    );
  },
};
