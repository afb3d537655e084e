import { exportButton } from '../figure.js';
import { blocksOf, FOLD_ABOVE, graphOf } from '../graph_layout.js';
import { layoutOffThread } from '../graph_layout_client.js';
import { graphKeys, KEYS_TEXT } from '../graph_keys.js';
import { BOLD_FONT, boxElementId, FONT, graphExport, graphSvg } from '../graph_svg.js';
import { panZoom } from '../graph_zoom.js';
import { categoriesOf, colorOf, legendOf } from '../layer_colors.js';
import { keepFocus } from '../keyboard.js';
import { el, hiDpiCanvas } from '../ui.js';

/** @typedef {import('../../../wasm/convscope').SummaryRow} SummaryRow */
/** @typedef {ReturnType<typeof import('../graph_layout.js').placedGraph>} GraphLayout */

// Layouts kept per model: the last few sets of open blocks (going back and forth between two is
// common; a fully open DenseNet121's layout is a few MB).
const LAYOUTS_KEPT = 4;

// What the view remembers of each model while it is open: its open blocks, zoom and scroll, the
// box to focus once drawn again (after a block opens or folds), and the layouts made (a new
// selection redraws without laying out again).
/**
 * @typedef {{ open: Set<string>, zoom: number, left: number, top: number, focusNext?: string,
 *   layouts: Map<string, Promise<GraphLayout>> }} Memory
 * @type {WeakMap<SummaryRow[], Memory>}
 */
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

/** @param {SummaryRow[]} rows @param {Memory} mem */
function layoutOf(rows, mem) {
  const key = [...mem.open].sort().join('\n');
  const made = mem.layouts.get(key) ?? layoutOffThread(graphOf(rows, mem.open), measure);
  mem.layouts.delete(key); // kept as the newest
  mem.layouts.set(key, made);
  if (mem.layouts.size > LAYOUTS_KEPT) mem.layouts.delete(mem.layouts.keys().next().value);
  made.catch(() => mem.layouts.delete(key));
  return made;
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
        ` (${legendOf(category)}): ${types.join(', ')}`,
      ),
    ),
  );
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
    // asked for meanwhile, the last one is drawn, and none once the view has gone.
    const root = el('div');
    const rows = app.state.model.summary.rows;
    const mem = memoryOf(rows);
    let asked = 0;
    const redraw = async () => {
      const mine = ++asked;
      const scroller = root.querySelector('.graph-scroll');
      scroller?.setAttribute('aria-busy', 'true');
      const status = root.querySelector('.graph-tools [role=status]');
      if (status) status.textContent = 'Laying out…';
      const layout = await layoutOf(rows, mem);
      if (mine !== asked || (mine > 1 && !root.isConnected)) return;
      keepFocus(root, () => root.replaceChildren(...diagram(app, layout, () => redraw().catch(app.showError))));
      if (mem.focusNext === undefined) return;
      // The box asked for (a block's first layer once opened, the block once folded) takes focus.
      const next = /** @type {SVGElement | null} */ (
        root.querySelector(`[id="${CSS.escape(boxElementId(mem.focusNext))}"]`)
      );
      mem.focusNext = undefined;
      next?.focus();
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
    label: `architecture of ${app.state.model.summary.name}: ${rows.length} layers`,
  });
  svg.id = 'architecture-diagram';
  svg.setAttribute('aria-describedby', 'architecture-keys');
  const scroller = el('div', { className: 'graph-scroll' }, svg);
  const { zoom } = panZoom(scroller, svg, mem);
  const setOpen = (open, focus) => {
    mem.open = open;
    // Focus goes on where the keys were, to the box asked for.
    if (svg.contains(/** @type {Document | ShadowRoot} */ (svg.getRootNode()).activeElement)) mem.focusNext = focus;
    redraw();
  };
  const openBlock = (block, focus) => setOpen(new Set([...mem.open, block]), focus);
  const foldBlock = (block) => setOpen(new Set([...mem.open].filter((b) => b !== block)), `block:${block}`);

  // One tab stop: the selected layer's box (or its folded block's), else the first; then the box
  // last focused.
  const boxes = [...svg.querySelectorAll('.graph-box')];
  (boxes.find((b) => b.getAttribute('aria-current') === 'true') ?? boxes[0]).setAttribute('tabindex', '0');
  svg.addEventListener('focusin', (e) => {
    const box = /** @type {Element} */ (e.target).closest('.graph-box');
    if (!box) return;
    for (const b of boxes) b.setAttribute('tabindex', b === box ? '0' : '-1');
  });
  const go = (b) => {
    /** @type {SVGElement} */ (svg.getElementById(boxElementId(b.id))).focus();
    if (!b.block) app.set({ layer: b.id });
  };
  const activate = (b) => (b.block ? openBlock(b.block, b.layers[0].name) : go(b));
  graphKeys(svg, layout, {
    go,
    activate,
    fold: (b) => blocks.has(b.id) && foldBlock(blocks.get(b.id)),
    zoom,
  });
  svg.addEventListener('click', (e) => {
    const target = /** @type {Element} */ (e.target);
    const b = layout.boxes.find((x) => x.id === target.closest('.graph-box')?.getAttribute('data-box'));
    if (b) activate(b);
    const cluster = target.closest('.graph-cluster');
    if (cluster) foldBlock(cluster.getAttribute('data-block'));
  });

  // The buttons stay when they have nothing to do (aria-disabled), so that focus stays on them.
  const allBlocks = new Set(blocks.values());
  const button = (text, enabled, onclick, label) =>
    el(
      'button',
      {
        type: 'button',
        'aria-disabled': String(!enabled),
        ...(label ? { 'aria-label': label } : {}),
        onclick: () => enabled && onclick(),
      },
      text,
    );
  const toolbar = el(
    'div',
    { className: 'controls graph-tools' },
    button('−', true, () => zoom(0.8), 'Zoom out'),
    button('+', true, () => zoom(1.25), 'Zoom in'),
    button('Actual size', true, () => zoom(1 / mem.zoom)),
    allBlocks.size > 0 ? button('Fold every block', mem.open.size > 0, () => setOpen(new Set())) : null,
    allBlocks.size > 0
      ? button('Open every block', mem.open.size < allBlocks.size, () => setOpen(new Set(allBlocks)))
      : null,
    el('span', { role: 'status' }),
  );
  const categories = categoriesOf(rows);
  return [
    toolbar,
    el('p', { className: 'hint', id: 'architecture-keys' }, KEYS_TEXT),
    scroller,
    legendList(categories),
    el('p', {}, `Selected: ${app.state.layer} `, exportButton(graphExport(layout, categories, svg), 'architecture')),
  ];
}
