// A laid-out model graph (graph_layout.js) as SVG, and as a canvas for its export: boxes framed in
// their category's colour (a folded block striped by its layers' categories), edges with
// arrowheads, open blocks as labelled frames. Each box is a focusable element with what a screen
// reader should hear (its visible text first); which keys move between them is the view's
// (views/architecture.js).
import { categoriesOf, colorOf } from './layer_colors.js';
import { canvasDensity, hiDpiCanvas } from './ui.js';

/** @typedef {ReturnType<typeof import('./graph_layout.js').placedGraph>} GraphLayout */
/** @typedef {GraphLayout['boxes'][number]} LaidBox */

const NS = 'http://www.w3.org/2000/svg';
export const FONT = '12px system-ui, sans-serif';
export const BOLD_FONT = `600 ${FONT}`;
const STRIPE = 5,
  ARROW = 6;

function svgEl(tag, attrs = {}, ...children) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) e.setAttribute(k, String(v));
  e.append(...children);
  return e;
}

// The element id of box `id` (a layer's name, or block:<name>): focus finds it again after a redraw.
export const boxElementId = (id) => `graph-box:${id}`;

// A box's stripe: one segment per category of its layers, as tall as its share (one for a layer).
function stripes(b) {
  let y = 0;
  return categoriesOf(b.layers).map(({ category, count }) => {
    const h = (b.height * count) / b.layers.length;
    const s = { y, h, color: colorOf(category) };
    y += h;
    return s;
  });
}

// The line from an edge's last point back along its last segment, and the arrowhead there.
function arrowHead(points) {
  const [a, b] = points.slice(-2);
  const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
  const ux = (b.x - a.x) / len,
    uy = (b.y - a.y) / len;
  const base = { x: b.x - ux * ARROW, y: b.y - uy * ARROW };
  return [
    b,
    { x: base.x - uy * ARROW * 0.6, y: base.y + ux * ARROW * 0.6 },
    { x: base.x + uy * ARROW * 0.6, y: base.y - ux * ARROW * 0.6 },
  ];
}

const pathData = (points) => points.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join('');

/**
 * @param {GraphLayout} layout
 * @param {{ selected: (b: LaidBox) => boolean, describe: (b: LaidBox) => string, label: string }} how
 */
export function graphSvg(layout, { selected, describe, label }) {
  const svg = svgEl('svg', {
    class: 'graph',
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    role: 'group',
    'aria-label': label,
  });
  for (const c of layout.clusters)
    svg.append(
      svgEl(
        'g',
        { class: 'graph-cluster', 'data-block': c.name },
        svgEl('rect', { x: c.x, y: c.y, width: c.width, height: c.height, rx: 6 }),
        svgEl('text', { x: c.x + 6, y: c.y - 4 }, `${c.name} ▾`),
      ),
    );
  for (const e of layout.edges)
    svg.append(
      svgEl(
        'g',
        { class: 'graph-edge', 'data-from': e.from, 'data-to': e.to },
        svgEl('path', { d: pathData(e.points) }),
        svgEl('polygon', {
          points: arrowHead(e.points)
            .map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`)
            .join(' '),
        }),
      ),
    );
  for (const b of layout.boxes) {
    const g = svgEl(
      'g',
      {
        class: 'graph-box',
        id: boxElementId(b.id),
        'data-box': b.id,
        role: 'button',
        tabindex: -1,
        'aria-label': describe(b),
        'aria-current': selected(b) ? 'true' : null,
        'aria-expanded': b.block ? 'false' : null,
        transform: `translate(${b.x.toFixed(1)},${b.y.toFixed(1)})`,
      },
      svgEl('rect', { class: 'frame', width: b.width, height: b.height, rx: 4 }),
      ...stripes(b).map((s) => svgEl('rect', { x: 0, y: s.y, width: STRIPE, height: s.h, fill: s.color })),
      // One text of two lines, the first ending in a space: a screen reader's name from the
      // content (and the aria-label, which starts with it) reads "name kind · shape".
      svgEl(
        'text',
        { x: STRIPE + 6, y: 16 },
        svgEl('tspan', { class: 'name' }, `${b.lines[0]} `),
        svgEl('tspan', { x: STRIPE + 6, dy: 16 }, b.lines[1]),
      ),
    );
    svg.append(g);
  }
  return svg;
}

// The same drawing on a canvas (without the selection), in the page's colours.
/**
 * @param {CanvasRenderingContext2D} ctx
 * @param {GraphLayout} layout
 * @param {{ ink: string, panel: string, line: string }} how
 */
function paintGraph(ctx, layout, { ink, panel, line }) {
  ctx.lineWidth = 1;
  for (const c of layout.clusters) {
    ctx.strokeStyle = line;
    ctx.strokeRect(c.x, c.y, c.width, c.height);
    ctx.fillStyle = ink;
    ctx.font = FONT;
    ctx.fillText(c.name, c.x + 6, c.y - 4);
  }
  ctx.strokeStyle = ink;
  ctx.fillStyle = ink;
  for (const e of layout.edges) {
    ctx.beginPath();
    e.points.forEach((p, i) => (i ? ctx.lineTo(p.x, p.y) : ctx.moveTo(p.x, p.y)));
    ctx.stroke();
    const [tip, l, r] = arrowHead(e.points);
    ctx.beginPath();
    ctx.moveTo(tip.x, tip.y);
    ctx.lineTo(l.x, l.y);
    ctx.lineTo(r.x, r.y);
    ctx.fill();
  }
  for (const b of layout.boxes) {
    ctx.fillStyle = panel;
    ctx.fillRect(b.x, b.y, b.width, b.height);
    ctx.strokeStyle = line;
    ctx.strokeRect(b.x, b.y, b.width, b.height);
    for (const s of stripes(b)) {
      ctx.fillStyle = s.color;
      ctx.fillRect(b.x, b.y + s.y, STRIPE, s.h);
    }
    ctx.fillStyle = ink;
    ctx.font = BOLD_FONT;
    ctx.fillText(b.lines[0], b.x + STRIPE + 6, b.y + 16);
    ctx.font = FONT;
    ctx.fillText(b.lines[1], b.x + STRIPE + 6, b.y + 32);
  }
}

const LEGEND_LINE = 18;

// The drawing with its legend under it, as the Export button saves it (figure.js's ExportSource):
// painted when asked for, at the density that fits a canvas (a fully open DenseNet121 is 30,000
// pixels tall). `shownIn`: the drawing in the page.
/**
 * @param {GraphLayout} layout
 * @param {{ category: string, types: string[] }[]} categories the legend's lines
 * @param {Element} shownIn
 */
export function graphExport(layout, categories, shownIn) {
  const { width } = layout,
    height = layout.height + 12 + LEGEND_LINE * categories.length;
  const density = canvasDensity(width, height);
  const paint = () => {
    const [c, ctx] = hiDpiCanvas(width, height, 'architecture diagram');
    const style = getComputedStyle(shownIn);
    const panel = style.getPropertyValue('--panel').trim() || '#fff';
    const line = style.getPropertyValue('--line').trim() || '#ccc';
    ctx.fillStyle = panel;
    ctx.fillRect(0, 0, width, height);
    paintGraph(ctx, layout, { ink: style.color, panel, line });
    ctx.font = FONT;
    categories.forEach(({ category, types }, i) => {
      const y = layout.height + 12 + i * LEGEND_LINE;
      ctx.fillStyle = colorOf(category);
      ctx.fillRect(10, y, 14, 12);
      ctx.fillStyle = style.color;
      ctx.fillText(`${category}: ${types.join(', ')}`, 30, y + 11);
    });
    return c;
  };
  return { width: Math.floor(width * density), height: Math.floor(height * density), paint, shownIn };
}
