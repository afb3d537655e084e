// The page's state in its URL hash (#tab=explain&method=occlusion&...), so that a link or a reload
// shows the same view. A link may come from another version of the page or be mistyped: values the
// page does not know are left out (their defaults apply) and named, for a note.

import { catalog, EVERY_OPTION, parseOption } from './catalog.js';

// `cached`: the key of the cached model on show (model_cache.js), reopened on reload. The methods'
// and activation maximization's options (the catalog's) follow the class and layer, checked against
// their catalog ranges.
const HASH_KEYS = [
  'cached',
  'tab',
  'layer',
  'method',
  'classIndex',
  'camLayer',
  ...EVERY_OPTION.keys(),
  'opacity',
  'threshold',
  'channel',
  'normalize',
  'colormap',
  'maxLayer',
  'units',
  'left',
  'right',
  'rankBy',
];
// Numbers and the range each must be in (integers where `integer`).
const NUMBERS = {
  classIndex: { min: 0, integer: true },
  channel: { min: 0, integer: true },
  opacity: { min: 0, max: 1 },
  threshold: { min: 0, max: 1 },
};
const CHOICES = {
  normalize: catalog.enums.normalize,
  colormap: catalog.enums.colormap,
  rankBy: catalog.metrics.map((m) => m.name),
};

export function hashOf(state) {
  const params = new URLSearchParams();
  for (const k of HASH_KEYS) if (state[k] !== undefined) params.set(k, state[k]);
  return `#${params}`;
}

// Copies the settings of `hash` into `state`; choices: {key: [allowed values]} besides the page's
// own (views, methods). Returns the settings left out, as "key=value". Layer names are checked
// once a model is loaded.
export function readHashInto(state, hash, choices) {
  const params = new URLSearchParams(hash.replace(/^#/, '')),
    allowed = { ...CHOICES, ...choices },
    ignored = [];
  for (const k of HASH_KEYS) {
    if (!params.has(k)) continue;
    const v = params.get(k);
    if (EVERY_OPTION.has(k)) {
      const value = parseOption(EVERY_OPTION.get(k), v);
      if (value === undefined) ignored.push(`${k}=${v}`);
      else state[k] = value;
      continue;
    }
    const number = NUMBERS[k],
      value = number ? Number(v) : v;
    const bad = number
      ? v.trim() === '' ||
        !Number.isFinite(value) ||
        value < number.min ||
        value > (number.max ?? Infinity) ||
        (number.integer && !Number.isInteger(value))
      : allowed[k] && !allowed[k].includes(v);
    if (bad) ignored.push(`${k}=${v}`);
    else state[k] = value;
  }
  return ignored;
}
