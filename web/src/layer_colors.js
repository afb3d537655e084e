// A colour per layer category (Netron's categories: the catalog's layerKinds[].category and the
// summary rows' `category`, coloured and named by the catalog's layerCategories), never per Keras
// class, so that every kind a model holds is coloured and named in the legend. Shared by the
// architecture diagram, its export and its legend.

/** @typedef {import('../../wasm/convscope').SummaryRow} SummaryRow */

import { catalog } from './catalog.js';

/** @type {Map<string, import('../../wasm/convscope').LayerCategoryInfo>} */
const CATEGORIES = new Map(catalog.layerCategories.map((c) => [c.name, c]));
const OTHER_COLOR = '#999999';

/** @param {string} category */
export const colorOf = (category) => CATEGORIES.get(category)?.color ?? OTHER_COLOR;
// What each category holds, for the legend.
/** @param {string} category */
export const legendOf = (category) => CATEGORIES.get(category)?.legend ?? category;

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
