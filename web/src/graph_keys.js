// The architecture graph's keys (WAI-ARIA's roving tab stop over the boxes): ↑ and ↓ follow the
// edges to a box's inputs and outputs, ← and → go between the branches of a fork (else along a
// row), Home and End go to the ends, Enter or Space opens a folded block or selects a layer,
// Backspace folds the block of the layer in focus, + and − zoom.

/** @typedef {ReturnType<typeof import('./graph_layout.js').placedGraph>} GraphLayout */
/** @typedef {GraphLayout['boxes'][number]} LaidBox */

export const KEYS_TEXT =
  '↑ and ↓ follow the edges to a layer’s inputs and outputs, ← and → go to the other branches of a fork (else along a row), Home and End go to the ends, Enter opens a folded block, Backspace folds the block of the layer in focus, + and − zoom.';

// The boxes each box's edges reach (inputs: up, outputs: down), leftmost first, and its siblings,
// left to right: the other branches of its fork (the boxes that read what it reads), else the
// boxes of its row (the same centre height).
/** @param {GraphLayout} layout */
function neighbours(layout) {
  const byId = new Map(layout.boxes.map((b) => [b.id, { box: b, up: [], down: [] }]));
  for (const e of layout.edges) {
    byId.get(e.to).up.push(byId.get(e.from).box);
    byId.get(e.from).down.push(byId.get(e.to).box);
  }
  for (const n of byId.values()) for (const list of [n.up, n.down]) list.sort((a, b) => a.x - b.x);
  const centre = (b) => b.y + b.height / 2;
  /** @param {LaidBox} b */
  const siblings = (b) => {
    const fork = [...new Set(byId.get(b.id).up.flatMap((u) => byId.get(u.id).down))];
    const row = fork.length > 1 ? fork : layout.boxes.filter((o) => Math.abs(centre(o) - centre(b)) < 1);
    return row.sort((a, c) => a.x - c.x);
  };
  return { of: (id) => byId.get(id), siblings };
}

/**
 * @param {SVGSVGElement} svg graph_svg.js's drawing of `layout`
 * @param {GraphLayout} layout
 * @param {{ go: (b: LaidBox) => void, activate: (b: LaidBox) => void, fold: (b: LaidBox) => void,
 *   zoom: (factor: number) => void }} to go: focus (and select) a box; activate: open a block or
 *   select a layer; fold: fold the block of a layer
 */
export function graphKeys(svg, layout, { go, activate, fold, zoom }) {
  const links = neighbours(layout);
  const byId = new Map(layout.boxes.map((b) => [b.id, b]));
  svg.addEventListener('keydown', (e) => {
    const b = byId.get(/** @type {Element} */ (e.target).closest?.('.graph-box')?.getAttribute('data-box'));
    if (!b || e.altKey || e.ctrlKey || e.metaKey) return;
    const row = links.siblings(b);
    const move = {
      ArrowUp: () => links.of(b.id).up[0],
      ArrowDown: () => links.of(b.id).down[0],
      ArrowLeft: () => row[row.indexOf(b) - 1],
      ArrowRight: () => row[row.indexOf(b) + 1],
      Home: () => layout.boxes[0],
      End: () => layout.boxes.at(-1),
    }[e.key];
    const act = {
      Enter: () => activate(b),
      ' ': () => activate(b),
      Backspace: () => fold(b),
      '+': () => zoom(1.25),
      '=': () => zoom(1.25),
      '-': () => zoom(0.8),
      '−': () => zoom(0.8),
    }[e.key];
    if (!move && !act) return;
    e.preventDefault();
    const target = move?.();
    if (target) go(target);
    act?.();
  });
}
