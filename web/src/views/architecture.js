import { exportButton } from '../figure.js';
import { blocksOf, FOLD_ABOVE, graphOf } from '../graph_layout.js';
import { layoutOffThread } from '../graph_layout_client.js';
import { BOLD_FONT, boxElementId, FONT, graphSvg, paintGraph } from '../graph_svg.js';
import { zoomable } from '../graph_zoom.js';
import { CATEGORY_TEXT, categoriesOf, colorOf } from '../layer_colors.js';
import { keepFocus } from '../keyboard.js';
import { el, hiDpiCanvas } from '../ui.js';

/** @typedef {import('../../../wasm/convscope').SummaryRow} SummaryRow */
/** @typedef {ReturnType<typeof import('../graph_layout.js').placedGraph>} GraphLayout */

const KEYS =
  '↑ and ↓ follow the edges to a layer’s inputs and outputs, ← and → go to the other branches of a fork (else along a row), Home and End go to the ends, Enter opens a folded block, Backspace folds the block of the layer in focus, + and − zoom.';

// What the view remembers of each model while it is open: its open blocks, zoom and scroll, and
// the layouts made (a new selection redraws without laying out again).
/** @type {WeakMap<SummaryRow[], { open: Set<string>, zoom: number, left: number, top: number, layouts: Map<string, Promise<GraphLayout>> }>} */
const memory = new WeakMap();
function memoryOf(rows) {
  if (!memory.has(rows)) {
    const open = new Set(rows.length > FOLD_ABOVE ? [] : blocksOf(rows).values());
    memory.set(rows, { open, zoom: 1, left: 0, top: 0, layouts: new Map() });
  }
  return memory.get(rows);
}

const measurer = hiDpiCanvas(1, 1)[1];
function measure(text, bold) {
  measurer.font = bold ? BOLD_FONT : FONT;
  return measurer.measureText(text).width;
}

function layoutOf(rows, mem) {
  const key = [...mem.open].sort().join('\n');
  if (!mem.layouts.has(key)) {
    const made = layoutOffThread(graphOf(rows, mem.open), measure);
    made.catch(() => mem.layouts.delete(key));
    mem.layouts.set(key, made);
  }
  return mem.layouts.get(key);
}

// The boxes each box's edges reach (inputs: up, outputs: down), leftmost first, and its siblings,
// left to right: the other branches of its fork (the boxes that read what it reads), else the
// boxes of its row (the same centre height).
function neighbours(layout) {
  const byId = new Map(layout.boxes.map((b) => [b.id, { box: b, up: [], down: [] }]));
  for (const e of layout.edges) {
    byId.get(e.to).up.push(byId.get(e.from).box);
    byId.get(e.from).down.push(byId.get(e.to).box);
  }
  for (const n of byId.values()) for (const list of [n.up, n.down]) list.sort((a, b) => a.x - b.x);
  const centre = (b) => b.y + b.height / 2;
  const siblings = (b) => {
    const fork = [...new Set(byId.get(b.id).up.flatMap((u) => byId.get(u.id).down))];
    const row = fork.length > 1 ? fork : layout.boxes.filter((o) => Math.abs(centre(o) - centre(b)) < 1);
    return row.sort((a, c) => a.x - c.x);
  };
  return { of: (id) => byId.get(id), siblings };
}

// What a screen reader hears for a box: its two lines as shown, then a layer's category and links,
// a folded block's state and whether the selected layer is in it.
function describer(rows, selectedLayer) {
  const readers = new Map();
  for (const r of rows) for (const i of r.inputs) readers.set(i, [...(readers.get(i) ?? []), r.name]);
  return (b) => {
    const shown = `${b.lines[0]} ${b.lines[1]}`;
    if (b.block) {
      const inside = b.layers.some((r) => r.name === selectedLayer)
        ? `, holds the selected layer ${selectedLayer}`
        : '';
      return `${shown}: block of ${b.layers.length} layers, folded${inside}`;
    }
    const r = b.row;
    const links = [
      r.inputs.length ? `reads ${r.inputs.join(', ')}` : '',
      readers.has(r.name) ? `feeds ${readers.get(r.name).join(', ')}` : '',
    ].filter(Boolean);
    return `${shown}: ${r.category}${links.length ? `; ${links.join('; ')}` : ''}`;
  };
}

// The legend: every category the model has, its colour, what it means and which classes of this
// model are in it.
function legendList(categories) {
  return el(
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
}

const LEGEND_LINE = 18;

// The diagram with its legend under it, as its Export button saves it (at the density that fits a
// canvas: a fully open DenseNet121 is 30,000 pixels tall). Made once per layout and colour scheme:
// moving the selection redraws the view, and painting a large graph takes longer than drawing it.
/** @type {WeakMap<GraphLayout, { ink: string, canvas: HTMLCanvasElement }>} */
const exports = new WeakMap();
function exportCanvas(layout, categories) {
  const style = getComputedStyle(document.body);
  if (exports.get(layout)?.ink === style.color) return exports.get(layout).canvas;
  const { width, height } = layout;
  const [c, ctx] = hiDpiCanvas(width, height + 12 + LEGEND_LINE * categories.length, 'architecture diagram');
  const panel = style.getPropertyValue('--panel').trim() || '#fff';
  const line = style.getPropertyValue('--line').trim() || '#ccc';
  ctx.fillStyle = panel;
  ctx.fillRect(0, 0, width, c.height);
  paintGraph(ctx, layout, { ink: style.color, panel, line });
  ctx.font = FONT;
  categories.forEach(({ category, types }, i) => {
    const y = height + 12 + i * LEGEND_LINE;
    ctx.fillStyle = colorOf(category);
    ctx.fillRect(10, y, 14, 12);
    ctx.fillStyle = style.color;
    ctx.fillText(`${category}: ${types.join(', ')}`, 30, y + 11);
  });
  exports.set(layout, { ink: style.color, canvas: c });
  return c;
}

// The model as a layered graph, top to bottom: a box per layer (its name, class and output shape,
// striped in its category's colour), an edge per input; a large model's blocks folded to one box
// until opened.
export default {
  id: 'architecture',
  title: 'Architecture',
  about:
    'The network as a graph, from the input at the top to the classes at the bottom: each box is a layer with its output shape, striped by what it does (the legend), each arrow an input. Large models start with their blocks folded. Click a layer to select it in every view.',
  /** @param {import('../view_context.js').ViewContext} app */
  async render(app) {
    // Opening and folding blocks redraws the view in place (the page and the widget redraw it
    // for a new selection), once the layout worker has placed the boxes; of several redraws
    // asked for meanwhile, the last one is drawn.
    const root = el('div');
    const rows = app.state.model.summary.rows;
    const mem = memoryOf(rows);
    let asked = 0;
    const redraw = async () => {
      const mine = ++asked;
      const status = root.querySelector('.graph-tools [role=status]');
      if (status) status.textContent = 'Laying out…';
      root.setAttribute('aria-busy', 'true');
      const layout = await layoutOf(rows, mem).finally(() => mine === asked && root.setAttribute('aria-busy', 'false'));
      if (mine === asked)
        keepFocus(root, () => root.replaceChildren(...diagram(app, layout, () => redraw().catch(app.showError))));
    };
    await redraw();
    return root;
  },
};

// The view's content for `layout`; `redraw()` draws it again.
/**
 * @param {import('../view_context.js').ViewContext} app
 * @param {GraphLayout} layout
 * @param {() => void} redraw
 */
function diagram(app, layout, redraw) {
  const rows = app.state.model.summary.rows;
  const mem = memoryOf(rows);
  const blocks = blocksOf(rows);
  const selected = (b) => (b.block ? b.layers.some((r) => r.name === app.state.layer) : b.id === app.state.layer);
  const svg = graphSvg(layout, {
    selected,
    describe: describer(rows, app.state.layer),
    label: `architecture of ${app.state.model.summary.name}: ${rows.length} layers. ${KEYS}`,
  });
  svg.id = 'architecture-diagram';
  const scroller = el('div', { className: 'graph-scroll' }, svg);
  const { zoom } = zoomable(scroller, svg, mem);
  // `focus`: the box that takes focus once redrawn (its element takes that box's id until then).
  const openBlock = (name, open, focus) => {
    if (focus && svg.contains(document.activeElement)) document.activeElement.id = boxElementId(focus);
    if (open) mem.open.add(name);
    else mem.open.delete(name);
    redraw();
  };

  // One tab stop: the selected layer's box (or its folded block's), else the first.
  const boxes = [...svg.querySelectorAll('.graph-box')];
  (boxes.find((b) => b.getAttribute('aria-current') === 'true') ?? boxes[0]).setAttribute('tabindex', '0');
  const byId = new Map(layout.boxes.map((b) => [b.id, b]));
  const boxOf = (target) => byId.get(target.closest?.('.graph-box')?.dataset.box);
  const go = (b) => {
    svg.querySelector('[tabindex="0"]')?.setAttribute('tabindex', '-1');
    const e = svg.getElementById(boxElementId(b.id));
    e.setAttribute('tabindex', '0');
    e.focus();
    if (!b.block) app.set({ layer: b.id });
  };
  const links = neighbours(layout);
  svg.addEventListener('click', (e) => {
    const b = boxOf(e.target);
    if (b?.block) openBlock(b.block, true, b.layers[0].name);
    else if (b) go(b);
    const cluster = e.target.closest?.('.graph-cluster');
    if (cluster) openBlock(cluster.dataset.block, false);
  });
  svg.addEventListener('keydown', (e) => {
    const b = boxOf(e.target);
    if (!b || e.altKey || e.ctrlKey || e.metaKey) return;
    const row = links.siblings(b);
    const to = {
      ArrowUp: () => links.of(b.id).up[0],
      ArrowDown: () => links.of(b.id).down[0],
      ArrowLeft: () => row[row.indexOf(b) - 1],
      ArrowRight: () => row[row.indexOf(b) + 1],
      Home: () => layout.boxes[0],
      End: () => layout.boxes.at(-1),
    }[e.key];
    if (to) {
      e.preventDefault();
      const target = to();
      if (target) go(target);
    } else if ((e.key === 'Enter' || e.key === ' ') && b.block) {
      e.preventDefault();
      openBlock(b.block, true, b.layers[0].name);
    } else if (e.key === 'Backspace' && blocks.has(b.id)) {
      e.preventDefault();
      openBlock(blocks.get(b.id), false, `block:${blocks.get(b.id)}`);
    } else if (e.key === '+' || e.key === '=' || e.key === '-' || e.key === '−') {
      e.preventDefault();
      zoom(e.key === '+' || e.key === '=' ? 1.25 : 0.8);
    }
  });

  const folded = new Set(blocks.values()).size - mem.open.size;
  const toolbar = el(
    'div',
    { className: 'controls graph-tools' },
    el('button', { type: 'button', 'aria-label': 'Zoom out', onclick: () => zoom(0.8) }, '−'),
    el('button', { type: 'button', 'aria-label': 'Zoom in', onclick: () => zoom(1.25) }, '+'),
    el('button', { type: 'button', onclick: () => zoom(1 / mem.zoom) }, 'Actual size'),
    mem.open.size > 0
      ? el('button', { type: 'button', onclick: () => ((mem.open = new Set()), redraw()) }, 'Fold every block')
      : null,
    folded > 0
      ? el(
          'button',
          { type: 'button', onclick: () => ((mem.open = new Set(blocks.values())), redraw()) },
          `Open every block (${folded})`,
        )
      : null,
    el('span', { role: 'status' }),
  );
  const categories = categoriesOf(rows);
  return [
    toolbar,
    el('p', { className: 'hint' }, KEYS),
    scroller,
    legendList(categories),
    el('p', {}, `Selected: ${app.state.layer} `, exportButton(exportCanvas(layout, categories), 'architecture')),
  ];
}
