// A colour per layer category (the core's layer-kind table, Netron's categories: the catalog's
// layerKinds[].category and the summary rows' `category`), never per Keras class, so that every
// kind a model holds is coloured and named in the legend. Shared by the architecture diagram, its
// export and its legend.

/** @typedef {import('../../wasm/convscope').SummaryRow} SummaryRow */

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
export const CATEGORY_TEXT = {
  Data: 'input',
  Layer: 'learned layers (convolution, dense)',
  Activation: 'activations',
  Pool: 'pooling',
  Normalization: 'normalization and rescaling',
  Dropout: 'training only (dropout, noise): pass their input on',
  Shape: 'reshaping (flatten, padding, cropping)',
  Tensor: 'merges of branches (add, multiply, concatenate)',
};

/** @param {string} category */
export const colorOf = (category) => CATEGORY_COLORS[category] ?? OTHER_COLOR;

// The categories present in `rows`, in the order of first appearance, each with its Keras classes
// and how many of the rows are in it.
/** @param {SummaryRow[]} rows */
export function categoriesOf(rows) {
  const found = new Map();
  for (const r of rows) {
    if (!found.has(r.category)) found.set(r.category, { types: new Set(), count: 0 });
    const c = found.get(r.category);
    c.types.add(r.type);
    c.count++;
  }
  return [...found].map(([category, { types, count }]) => ({ category, types: [...types], count }));
}
