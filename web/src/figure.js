// Figures: a canvas with its caption, a legend for heatmaps (colour scale, value range, what the
// values are), and an export that writes all three into one PNG on an opaque background at a
// stated size (a 32 x 32 map is exported enlarged, crisp).
import { withPngText } from './png_text.js';
import { el } from './ui.js';

// Exports have a long side of at least this many pixels (small figures enlarged by a whole factor).
const EXPORT_MIN_SIDE = 512;
const BAR_WIDTH = 256;

// The colour scale of `colormap` as the core draws it: a 256 x 1 RGBA ramp from 0 to 1, made once
// per colormap by the worker (the overlay of a ramp), so that the legend is the figure's colours.
const bars = new Map();
/** @param {import('./view_context.js').ViewContext} app @param {string} colormap */
export function colorbar(app, colormap) {
  if (!bars.has(colormap)) {
    bars.set(colormap, app.request('colorbar', { colormap }));
    bars.get(colormap).catch(() => bars.delete(colormap));
  }
  return bars.get(colormap);
}

// A heatmap legend: bar (from colorbar), [min, max] (what 0 and 1 stand for; omitted when the map
// is scaled per tile), what the values are, and whether the map is signed (zero at the middle,
// marked on the bar).
/**
 * @typedef {{ bar: { data: ArrayBuffer | ArrayLike<number> }, value: string, range?: number[],
 *   signed?: boolean }} Legend
 * @typedef {{ caption?: string, legend?: Legend }} FigureText
 */
/** @returns {Legend} */
export function legendOf(bar, value, range, scale = 'zero') {
  return { bar, value, range, signed: scale === 'signed' };
}

// A value as legends and captions write it.
export const formatValue = (v) =>
  v === 0 ? '0' : Math.abs(v) >= 0.01 && Math.abs(v) < 1e4 ? v.toPrecision(3) : v.toExponential(2);
const legendText = ({ value, range, signed }) =>
  !range
    ? value
    : signed
      ? `${formatValue(range[0])} → 0 at the middle (the mark) → ${formatValue(range[1])}: ${value}`
      : `${formatValue(range[0])} → ${formatValue(range[1])}: ${value}`;

function legendElement(legend) {
  const c = el('canvas', {
    width: BAR_WIDTH,
    height: 1,
    className: 'colorbar',
    role: 'img',
    'aria-label': `colour scale, low to high: ${legendText(legend)}`,
  });
  c.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(legend.bar.data), BAR_WIDTH, 1), 0, 0);
  return el(
    'div',
    { className: 'legend' },
    el('span', {}, 'low'),
    el('span', { className: 'bar' }, c, legend.signed ? el('span', { className: 'zero', title: '0' }) : null),
    el('span', {}, 'high'),
    el('span', { className: 'legend-text' }, legendText(legend)),
  );
}

// What a figure's export is made from: a canvas, or its size and a function that paints it when
// the export is asked for (a drawing too large to paint on every redraw), with the element that
// shows it in the page (whose holder names the model: sourceOf).
/**
 * @typedef {HTMLCanvasElement | { width: number, height: number, paint: () => HTMLCanvasElement,
 *   shownIn: Element }} ExportSource
 */
/** @param {ExportSource} source */
const canvasOf = (source) => ('paint' in source ? source.paint() : source);

// The export of `source` with its caption and legend, and a line naming the model and the picture:
// [width, height] and a drawing function draw(ctx, origin) (origin: that line).
/** @param {ExportSource} source */
function exportLayout(source, caption, legend) {
  const { width: canvasWidth, height: canvasHeight } = source;
  const scale = Math.max(1, Math.ceil(EXPORT_MIN_SIDE / Math.max(canvasWidth, canvasHeight)));
  const pad = 12,
    line = 18;
  const width = Math.max(canvasWidth * scale, legend ? BAR_WIDTH + 80 : 0) + 2 * pad;
  const legendHeight = legend ? 14 + 2 * line : 0;
  const height = canvasHeight * scale + pad * 2 + legendHeight + (caption ? line + 4 : 0) + line;
  const draw = (ctx, origin) => {
    const canvas = canvasOf(source);
    // The page's panel and text colours (light or dark), opaque; black on white outside the page.
    const style = getComputedStyle(canvas),
      panel = style.getPropertyValue('--panel').trim();
    ctx.fillStyle = panel || '#fff';
    ctx.fillRect(0, 0, width, height);
    ctx.imageSmoothingEnabled = scale === 1;
    ctx.drawImage(canvas, pad, pad, canvas.width * scale, canvas.height * scale);
    ctx.fillStyle = panel ? style.color : '#000';
    ctx.font = '13px system-ui, sans-serif';
    let y = pad + canvas.height * scale;
    if (legend) {
      const bar = new OffscreenCanvas(BAR_WIDTH, 1);
      bar.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(legend.bar.data), BAR_WIDTH, 1), 0, 0);
      ctx.fillText('low', pad, y + 22);
      ctx.drawImage(bar, pad + 30, y + 10, BAR_WIDTH, 14);
      if (legend.signed) ctx.fillRect(pad + 30 + BAR_WIDTH / 2 - 1, y + 6, 2, 22); // zero
      ctx.fillText('high', pad + 36 + BAR_WIDTH, y + 22);
      ctx.fillText(legendText(legend), pad, y + 24 + line, width - 2 * pad);
      y += legendHeight;
    }
    if (caption) ctx.fillText(caption, pad, y + line, width - 2 * pad);
    if (origin) ctx.fillText(origin, pad, y + (caption ? 2 * line + 4 : line), width - 2 * pad);
  };
  return { width, height, draw };
}

// `canvas` with its caption and legend (see exportLayout) as a PNG Blob, and its size.
/**
 * @param {ExportSource} canvas
 * @param {FigureText} [text]
 */
export function exportFigure(canvas, { caption, legend } = {}) {
  const { width, height, draw } = exportLayout(canvas, caption, legend);
  const blob = async () => {
    const { model, picture } = sourceOf(canvas);
    const out = el('canvas', { width, height });
    draw(out.getContext('2d'), [model, picture].filter(Boolean).join(' · '));
    const png = await new Promise((resolve, reject) =>
      // null when the browser cannot make the PNG (out of memory for the canvas).
      out.toBlob((b) => (b ? resolve(b) : reject(new Error(`could not make a ${width} × ${height} PNG`))), 'image/png'),
    );
    const text = { Software: 'convscope', Model: model, Source: picture, Caption: caption };
    return withPngText(png, Object.fromEntries(Object.entries(text).filter(([, v]) => v)));
  };
  return { width, height, blob };
}

// The model and the picture a figure was made from: the page and the widget say them on the
// element that holds their views (data-model, data-picture).
/** @param {ExportSource} canvas */
function sourceOf(canvas) {
  const shown = 'shownIn' in canvas ? canvas.shownIn : canvas;
  const holder = /** @type {HTMLElement | null} */ (shown.closest('[data-model]'));
  return { model: holder?.dataset.model ?? '', picture: holder?.dataset.picture ?? '' };
}

// A button that saves `canvas` (with caption and legend) as `${name}.png`.
/**
 * @param {ExportSource} canvas
 * @param {string} name
 * @param {FigureText} [text]
 */
export function exportButton(canvas, name, { caption, legend } = {}) {
  const { width, height, blob } = exportFigure(canvas, { caption, legend });
  const button = el(
    'button',
    {
      type: 'button',
      title: `Save this figure as a ${width} × ${height} PNG`,
      onclick: () =>
        blob().then(
          (png) => {
            const a = el('a', { href: URL.createObjectURL(png), download: `${name}.png` });
            a.click();
            setTimeout(() => URL.revokeObjectURL(a.href), 1000);
          },
          (e) => {
            button.textContent = `Export failed: ${e.message}`;
          },
        ),
    },
    `Export PNG (${width}×${height})`,
  );
  return button;
}

// A figure: the canvas, its legend (for heatmaps), its caption and an Export button. The element's
// exportBlob() gives the same PNG as the button (the widget's exportPNG()).
export function figure(canvas, caption, exportName, legend) {
  const f = el(
    'figure',
    {},
    canvas,
    legend ? legendElement(legend) : null,
    el('figcaption', {}, caption, ' ', exportName ? exportButton(canvas, exportName, { caption, legend }) : null),
  );
  f.exportBlob = exportFigure(canvas, { caption, legend }).blob;
  return f;
}
