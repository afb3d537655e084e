import { catalog } from '../catalog.js';
import { colorbar, figure, legendOf } from '../figure.js';
import { layerSelect } from '../layer_select.js';
import { el, imageCanvas, select } from '../ui.js';
import { zoomable } from './grid_zoom.js';
import { scaleFor } from '../view_context.js';
import { spatialLayers } from '../model_layers.js';

// The menu's words for the core's normalizations (the catalog's enums.normalize).
const NORMALIZE_LABELS = { map: 'each map', layer: 'whole layer' };

export default {
  id: 'features',
  title: 'Feature maps',
  about:
    'What each channel of the selected layer computes for your image: bright where the filter responds. Early layers find edges and colours; deeper ones respond to parts of objects, in coarser maps.',
  needsImage: true,
  /** @param {import('../view_context.js').ViewContext} app */
  async render(app) {
    // Every layer with feature maps: convolutions, and BatchNormalization, activations, pooling, ...
    const spatial = spatialLayers(app.state.model.summary.rows);
    const name = spatial.includes(app.state.layer) ? app.state.layer : spatial[0];
    const normalize = app.state.normalize ?? 'map',
      colormap = app.state.colormap ?? 'viridis';
    const grid = await app.request('featureMapGrid', {
      name,
      options: { normalize, colormap, scale: scaleFor(app.state, name) },
    });
    const canvas = imageCanvas(grid, { grid: true, label: `feature maps of ${name}` });
    const legend = legendOf(
      await colorbar(app, colormap),
      normalize === 'map'
        ? 'activation, each map from its own lowest to highest value'
        : "activation, from the layer's lowest to highest value",
    );
    return el(
      'div',
      {},
      el(
        'div',
        { className: 'controls' },
        layerSelect('Layer', app.state.model.summary.rows, spatial, name, (v) => app.set({ layer: v })),
        select(
          'Normalize',
          catalog.enums.normalize.map((v) => [v, NORMALIZE_LABELS[v] ?? v]),
          normalize,
          (v) => app.set({ normalize: v }),
        ),
        // coolwarm is for signed maps: its grey middle would suggest a zero these maps lack.
        select(
          'Colormap',
          catalog.enums.colormap.filter((c) => c !== 'coolwarm'),
          colormap,
          (v) => app.set({ colormap: v }),
        ),
      ),
      el(
        'div',
        { className: 'row' },
        figure(canvas, `${grid.tiles} maps of ${name}`, `features-${name}`, legend),
        zoomable(canvas, grid, (i) => `channel ${i}`),
      ),
    );
  },
};
