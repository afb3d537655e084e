// A layer menu: the layers a view can use, in the model's order, grouped by block (the blocks the
// architecture view folds: graph_layout.js's blocksOf) and, for a model of many layers, with a
// field that narrows the menu to the layers whose names hold what is typed (Enter picks the first).
import { blocksOf, FOLD_ABOVE } from './graph_layout.js';
import { el } from './ui.js';

/** @typedef {import('../../wasm/convscope').SummaryRow} SummaryRow */

/**
 * @param {string} label
 * @param {SummaryRow[]} rows the model's summary rows
 * @param {string[]} layers the names to offer, in the rows' order
 * @param {string} value
 * @param {(layer: string) => void} onChange
 */
export function layerSelect(label, rows, layers, value, onChange) {
  const blocks = blocksOf(rows);
  const s = el('select', { 'aria-label': label, onchange: () => onChange(s.value) });
  /** @type {HTMLElement | null} */
  let group = null;
  for (const name of layers) {
    const option = el('option', { value: name, selected: name === value }, name);
    const block = blocks.get(name);
    if (block === undefined) group = null;
    else if (group?.getAttribute('label') !== block) group = s.appendChild(el('optgroup', { label: block }));
    (group ?? s).append(option);
  }
  const menu = el('label', {}, `${label} `, s);
  if (layers.length <= FOLD_ABOVE) return menu;
  const count = el('span', { className: 'hint', role: 'status' });
  const find = el('input', {
    type: 'search',
    'aria-label': `Find a layer (${label})`,
    placeholder: 'Find a layer',
    size: 14,
    oninput: () => {
      const text = find.value.trim().toLowerCase();
      const options = [...s.options];
      for (const o of options) o.hidden = !o.value.toLowerCase().includes(text);
      for (const g of s.querySelectorAll('optgroup')) g.hidden = [...g.children].every((o) => o.hidden);
      count.textContent = text ? `${options.filter((o) => !o.hidden).length} of ${options.length}` : '';
    },
    onkeydown: (e) => {
      if (e.key !== 'Enter') return;
      e.preventDefault();
      const first = [...s.options].find((o) => !o.hidden);
      if (!first) count.textContent = `no layer's name holds “${find.value.trim()}”`;
      else if (first.value !== s.value) onChange(first.value);
    },
  });
  return el('span', { className: 'layer-menu' }, menu, ' ', find, ' ', count);
}
