// An explanation map as a figure, shared by Explain (its map, the sanity check's) and Compare: the
// map over the picture, a caption that states the map's resolution, and a legend in the colormap
// of the method's scale (the catalog's: signed maps diverge from zero at the middle).
import { colorbar, figure, legendOf } from '../figure.js';
import { colormapOf, METHOD_INFO } from '../catalog.js';
import { mapResolution } from '../map_values.js';
import { overlayCanvas } from '../ui.js';

/** @typedef {import('../view_context.js').ViewContext} ViewContext */

// The colormap `method`'s maps are drawn in, and its colour scale.
/** @param {string} method */
export const mapColormap = (method) => colormapOf(METHOD_INFO.get(method).scale);
/** @param {ViewContext} app @param {string} method */
export const mapColorbar = (app, method) => colorbar(app, mapColormap(method));

// What a map is, for its caption: method, layer, class, arithmetic and its resolution.
export function describeMap(x) {
  return `${x.method} · layer ${x.layer} · ${x.label} (${x.classIndex}) · ${x.arithmetic} · ${mapResolution(x, x.rawShape)}`;
}

/**
 * @param {ViewContext} app
 * @param {any} x the worker's drawn explanation (worker.js drawn())
 * @param {any} bar from mapColorbar
 * @param {string} exportName
 * @param {{ label?: string, caption?: string }} [text] the canvas's label and the caption (default:
 *   describeMap)
 */
export function mapFigure(app, x, bar, exportName, { label = describeMap(x), caption = describeMap(x) } = {}) {
  return figure(
    overlayCanvas(app.picture, x.figure, app.state.opacity, label),
    caption,
    exportName,
    legendOf(bar, x.value, x.valueRange, METHOD_INFO.get(x.method)?.scale),
  );
}

// "15 px = about 300 × 225 px of the picture": a length in the model's input pixels, on the picture;
// empty where the picture is the model's size (the same number twice says nothing).
/** @param {ViewContext} app @param {number} pixels */
export function onPicture(app, pixels) {
  const [height, width] = app.state.model.info.inputShape;
  const { width: pw, height: ph } = app.picture ?? { width, height };
  // Keras' resize squashes the picture to the input; a centre crop scales both sides alike.
  const crop = app.state.resize === 'crop' ? Math.min(pw / width, ph / height) : null;
  const sx = crop ?? pw / width,
    sy = crop ?? ph / height;
  if (sx === 1 && sy === 1) return '';
  return `about ${Math.round(pixels * sx)} × ${Math.round(pixels * sy)} px of the picture`;
}
