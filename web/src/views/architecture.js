import { exportButton } from '../figure.js';
import { el, hiDpiCanvas } from '../ui.js';

// A colour per layer category (the core's layer-kind table, Netron's categories: the catalog's
// layerKinds[].category and the summary rows' `category`), never per Keras class, so that every
// kind a model holds is coloured and named in the legend.
const CATEGORY_COLORS = {
  Data: '#888888',
  Layer: '#4e79a7',
  Activation: '#e15759',
  Pool: '#f28e2b',
  Normalization: '#59a14f',
  Dropout: '#b07aa1',
  Shape: '#9c755f',
  Tensor: '#76b7b2',
};
const OTHER_COLOR = '#999999';
// What each category means, for the legend.
const CATEGORY_TEXT = {
  Data: 'input',
  Layer: 'learned layers (convolution, dense)',
  Activation: 'activations',
  Pool: 'pooling',
  Normalization: 'normalization and rescaling',
  Dropout: 'training only (dropout, noise): pass their input on',
  Shape: 'reshaping (flatten, padding, cropping)',
  Tensor: 'merges of branches (add, multiply, concatenate)',
};
const colorOf = (category) => CATEGORY_COLORS[category] ?? OTHER_COLOR;

// The categories present in `rows`, in the order of first appearance, each with its Keras classes.
function categoriesOf(rows) {
  const found = new Map();
  for (const r of rows) {
    if (!found.has(r.category)) found.set(r.category, new Set());
    found.get(r.category).add(r.type);
  }
  return [...found].map(([category, types]) => ({ category, types: [...types] }));
}

const LEGEND_LINE = 18;

// The diagram with its legend under it, as its Export button saves it.
function withLegend(diagram, width, height, categories) {
  const [c, ctx] = hiDpiCanvas(width, height + 12 + LEGEND_LINE * categories.length);
  ctx.drawImage(diagram, 0, 0, width, height);
  ctx.font = '12px system-ui, sans-serif';
  categories.forEach(({ category, types }, i) => {
    const y = height + 12 + i * LEGEND_LINE;
    ctx.fillStyle = colorOf(category);
    ctx.fillRect(10, y, 14, 12);
    ctx.fillStyle = getComputedStyle(document.body).color;
    ctx.fillText(`${category}: ${types.join(', ')}`, 30, y + 11);
  });
  return c;
}

// One box per layer, left to right: height grows with the spatial size, width with the channels,
// colour with the layer's category.
export default {
  id: 'architecture',
  title: 'Architecture',
  about:
    'The network as blocks, coloured by what each layer does (the legend). Taller boxes see larger maps, wider ones have more channels. Click a layer to select it in every view.',
  /** @param {import('../view_context.js').ViewContext} app */
  async render(app) {
    const rows = app.state.model.summary.rows;
    const labels = rows.map((r) => `${r.name} ${r.outputShape.join('×')}`);
    // Labels slant down at 60 degrees from under each box: the canvas ends where the longest does.
    const font = '12px system-ui, sans-serif';
    const measure = hiDpiCanvas(1, 1)[1];
    measure.font = font;
    const lengths = labels.map((l) => measure.measureText(l).width);
    const step = 44,
      W = Math.ceil(Math.max(...lengths.map((l, i) => 20 + (i + 0.5) * step + l * Math.cos(Math.PI / 3))));
    const H = Math.ceil(210 + Math.max(...lengths) * Math.sin(Math.PI / 3));
    const [canvas, ctx] = hiDpiCanvas(W, H, 'architecture diagram');
    canvas.id = 'architecture-diagram'; // keeps focus across the redraw a selection makes
    const boxes = [];
    const maxSide = Math.max(...rows.map((r) => (r.outputShape.length === 3 ? r.outputShape[0] : 1)));
    const maxChannels = Math.max(...rows.map((r) => r.outputShape.at(-1)));
    ctx.font = font;
    rows.forEach((r, i) => {
      const s = r.outputShape;
      const side = s.length === 3 ? s[0] : 1,
        channels = s.at(-1);
      const h = 30 + (150 * Math.log2(1 + side)) / Math.log2(1 + maxSide);
      // Widths span 8 pixels (one channel) to the step's (the model's most), on a log scale: a
      // model's narrow and wide layers look it.
      const w = 8 + ((step - 14) * Math.log2(1 + channels)) / Math.log2(1 + maxChannels);
      const x = 10 + i * step + (step - w) / 2,
        y = 110 - h / 2;
      ctx.fillStyle = colorOf(r.category);
      ctx.globalAlpha = r.name === app.state.layer ? 1 : 0.75;
      ctx.fillRect(x, y, w, h);
      ctx.globalAlpha = 1;
      if (r.name === app.state.layer) {
        ctx.strokeStyle = getComputedStyle(document.body).color;
        ctx.lineWidth = 2;
        ctx.strokeRect(x - 2, y - 2, w + 4, h + 4);
      }
      boxes.push({ x: 10 + i * step, w: step, name: r.name });
      ctx.save();
      ctx.translate(x + w / 2 - 3, 200);
      ctx.rotate(Math.PI / 3);
      ctx.fillStyle = getComputedStyle(document.body).color;
      ctx.fillText(labels[i], 0, 0);
      ctx.restore();
    });
    canvas.tabIndex = 0;
    canvas.addEventListener('click', (e) => {
      const rect = canvas.getBoundingClientRect();
      const x = (e.clientX - rect.left) * (W / rect.width);
      const hit = boxes.find((b) => x >= b.x && x < b.x + b.w);
      if (hit) app.set({ layer: hit.name });
    });
    const selected = rows.find((r) => r.name === app.state.layer);
    canvas.setAttribute(
      'aria-label',
      `architecture diagram, ${app.state.layer}${selected ? ` (${selected.type}, ${selected.category})` : ''} selected: the arrow keys, Home and End choose a layer`,
    );
    canvas.addEventListener('keydown', (e) => {
      const i = rows.findIndex((r) => r.name === app.state.layer);
      const to = {
        ArrowRight: Math.min(i + 1, rows.length - 1),
        ArrowLeft: Math.max(i - 1, 0),
        Home: 0,
        End: rows.length - 1,
      }[e.key];
      if (to === undefined) return;
      e.preventDefault();
      if (to !== i) app.set({ layer: rows[to].name });
    });
    // The legend: every category the model has, its colour, what it means and which classes of
    // this model are in it.
    const categories = categoriesOf(rows);
    const legend = el(
      'ul',
      { className: 'category-legend', 'aria-label': 'Colours' },
      ...categories.map(({ category, types }) =>
        el(
          'li',
          { 'data-category': category },
          el('span', { className: 'swatch', style: `background: ${colorOf(category)}` }),
          el('strong', {}, category),
          `${CATEGORY_TEXT[category] ? ` (${CATEGORY_TEXT[category]})` : ''}: ${types.join(', ')}`,
        ),
      ),
    );
    // Scrolls sideways on a narrow screen rather than shrinking the labels to a few pixels.
    return el(
      'div',
      {},
      el('div', { className: 'scroll-x' }, canvas),
      legend,
      el('p', {}, `Selected: ${app.state.layer} `, exportButton(withLegend(canvas, W, H, categories), 'architecture')),
    );
  },
};
