// The page's state in its URL hash (#tab=explain&method=occlusion&...), so that a link or a reload
// shows the same view. A link may come from another version of the page or be mistyped: values the
// page does not know are left out (their defaults apply) and named, for a note.

// `cached`: the key of the cached model on show (model_cache.js), reopened on reload.
const HASH_KEYS = ['cached', 'tab', 'layer', 'method', 'classIndex', 'camLayer', 'patch', 'stride', 'opacity', 'threshold', 'channel', 'normalize', 'colormap', 'maxLayer', 'units', 'left', 'right'];
const NUMBER_KEYS = new Set(['classIndex', 'patch', 'stride', 'opacity', 'threshold', 'channel']);
const CHOICES = { normalize: ['map', 'layer'], colormap: ['viridis', 'jet', 'gray'] };

export function hashOf(state) {
  const params = new URLSearchParams();
  for (const k of HASH_KEYS) if (state[k] !== undefined) params.set(k, state[k]);
  return `#${params}`;
}

// Copies the settings of `hash` into `state`; choices: {key: [allowed values]} besides the page's
// own (views, methods). Returns the settings left out, as "key=value". Layer names are checked
// once a model is loaded.
export function readHashInto(state, hash, choices) {
  const params = new URLSearchParams(hash.replace(/^#/, '')), allowed = { ...CHOICES, ...choices }, ignored = [];
  for (const k of HASH_KEYS) {
    if (!params.has(k)) continue;
    const v = params.get(k), value = NUMBER_KEYS.has(k) ? Number(v) : v;
    const bad = NUMBER_KEYS.has(k) ? v.trim() === '' || !Number.isFinite(value) : allowed[k] && !allowed[k].includes(v);
    if (bad) ignored.push(`${k}=${v}`);
    else state[k] = value;
  }
  return ignored;
}
