// A model's layers as a graph to draw (no DOM here, so Node tests it): layers are boxes, the
// summary rows' `inputs` are the edges, and a large model's blocks — runs of layers sharing a name
// prefix, as keras.applications names them (conv2_block1_…, block_3_…, block2a_…) — fold into one
// box each until opened. Each box is sized here (by the page's font) and placed by
// graph_placement.js (in a worker in the page).

/** @typedef {import('../../wasm/convscope').SummaryRow} SummaryRow */

// Models with more layers than this start with their blocks folded (VGG16's 23 stay open).
export const FOLD_ABOVE = 60;

// The block a layer's name puts it in: the name up to its `block<n>` part (ResNet's and DenseNet's
// conv2_block1, MobileNetV2's block_3, EfficientNet's block2a, VGG16's block1), else its first
// `_`-separated part (conv1_pad and conv1_conv, stem_conv and stem_bn); null for a name of one
// part. Whether the block is one is up to blocksOf (two or more layers in a run).
/** @param {string} name */
export function blockKey(name) {
  const block = /^(.*?block_?\d+[a-z]?)(?:_|$)/.exec(name);
  if (block) return block[1];
  const cut = name.indexOf('_');
  return cut > 0 ? name.slice(0, cut) : null;
}

// Each layer's block: runs of two or more consecutive rows with the same key, the input and the
// class layer never in one. A key that comes back after other layers starts a new block
// (`#2` after its name), so a block's layers are always a run. A block is named by what its
// layers' names share.
/** @param {SummaryRow[]} rows @returns {Map<string, string>} layer name → block name */
export function blocksOf(rows) {
  const keys = rows.map((r, i) => (r.category === 'Data' || i === rows.length - 1 ? null : blockKey(r.name)));
  const seen = new Map(),
    block = new Map();
  for (let i = 0; i < rows.length;) {
    let end = i + 1;
    while (keys[i] !== null && end < rows.length && keys[end] === keys[i]) end++;
    if (end - i >= 2) {
      const base = commonPrefix(rows.slice(i, end).map((r) => r.name));
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      const name = n === 1 ? base : `${base}#${n}`;
      for (let j = i; j < end; j++) block.set(rows[j].name, name);
    }
    i = end;
  }
  return block;
}

// The `_`-separated parts all of `names` start with (expanded_conv for MobileNetV2's first
// block's expanded_conv_depthwise, expanded_conv_project, ...).
function commonPrefix(names) {
  const parts = names.map((n) => n.split('_'));
  let k = 0;
  while (parts.every((p) => k < p.length && p[k] === parts[0][k])) k++;
  return parts[0].slice(0, k).join('_');
}

// The boxes and edges to draw with the blocks not in `open` folded: a layer box per layer outside
// a folded block, a block box per folded block, a cluster per open block (drawn around its layers),
// and one edge per distinct pair of boxes joined by some layer's input (edges inside a folded block
// vanish). Edges keep the order of the rows and of each row's inputs.
/**
 * @param {SummaryRow[]} rows
 * @param {Set<string>} open the blocks drawn open
 */
export function graphOf(rows, open) {
  const blocks = blocksOf(rows);
  const boxOf = (name) => (blocks.has(name) && !open.has(blocks.get(name)) ? `block:${blocks.get(name)}` : name);
  /** @type {Map<string, {id: string, row?: SummaryRow, block?: string, layers: SummaryRow[]}>} */
  const boxes = new Map();
  /** @type {Map<string, {id: string, layers: string[]}>} */
  const clusters = new Map();
  for (const r of rows) {
    const id = boxOf(r.name),
      b = blocks.get(r.name);
    if (!boxes.has(id)) boxes.set(id, id === r.name ? { id, row: r, layers: [r] } : { id, block: b, layers: [] });
    if (id !== r.name) boxes.get(id).layers.push(r);
    else if (b !== undefined) {
      if (!clusters.has(b)) clusters.set(b, { id: `cluster:${b}`, layers: [] });
      clusters.get(b).layers.push(r.name);
    }
  }
  const edges = [],
    seen = new Set();
  for (const r of rows)
    for (const input of r.inputs) {
      const from = boxOf(input),
        to = boxOf(r.name),
        key = `${from}\n${to}`;
      if (from === to || seen.has(key) || !boxes.has(from)) continue;
      seen.add(key);
      edges.push({ from, to });
    }
  return { boxes: [...boxes.values()], clusters: [...clusters.values()], edges, blocks };
}

const BOX_HEIGHT = 40,
  PAD_X = 10;

// graphOf's boxes with their two lines — a layer's name (bold) then what it is with its output
// shape — and their size: `measure(text, bold)` gives a line's width in pixels (the page's font;
// an estimate in tests).
/**
 * @param {ReturnType<typeof graphOf>} graph
 * @param {(text: string, bold: boolean) => number} measure
 */
export function sizedBoxes(graph, measure) {
  return graph.boxes.map((b) => {
    const lines = boxLines(b);
    const width = Math.ceil(Math.max(measure(lines[0], true), measure(lines[1], false))) + 2 * PAD_X;
    return { ...b, lines, width, height: BOX_HEIGHT };
  });
}

// What placeGraph (graph_placement.js) needs: sizes and links only, for its worker.
/** @param {ReturnType<typeof graphOf>} graph @param {ReturnType<typeof sizedBoxes>} boxes */
export const placementOf = (graph, boxes) => ({
  boxes: boxes.map(({ id, width, height }) => ({ id, width, height })),
  clusters: graph.clusters.map(({ id, layers }) => ({ id, layers })),
  edges: graph.edges.map(({ from, to }) => ({ from, to })),
});

// The graph to draw: sizedBoxes' boxes and graphOf's clusters and edges where placeGraph put them.
/**
 * @param {ReturnType<typeof graphOf>} graph
 * @param {ReturnType<typeof sizedBoxes>} boxes
 * @param {ReturnType<typeof import('./graph_placement.js').placeGraph>} places
 */
export const placedGraph = (graph, boxes, places) => ({
  width: places.width,
  height: places.height,
  boxes: boxes.map((b, i) => ({ ...b, ...places.boxes[i] })),
  clusters: graph.clusters.map((c, i) => ({ ...c, name: c.id.slice('cluster:'.length), ...places.clusters[i] })),
  edges: graph.edges.map((e, i) => ({ ...e, points: places.edges[i] })),
});

// A box's two lines: a layer's name, then its Keras class and output shape; a folded block's
// name, then its layer count and the shape its last layer gives.
function boxLines(b) {
  const shape = (r) => r.outputShape.join('×');
  if (b.row) return [b.row.name, `${b.row.type} · ${shape(b.row)}`];
  return [`${b.block} ▸`, `${b.layers.length} layers · ${shape(b.layers.at(-1))}`];
}
