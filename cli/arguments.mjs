// The command line's words: its usage text, its options (with the methods' and activation
// maximization's from the core's catalog), and their checks. A wrong argument is a UsageError
// (exit 2, with the usage).
import {
  catalog,
  expectedOf,
  METRIC_INFO,
  METRIC_OPTIONS,
  OPTIONS as METHOD_OPTIONS,
  parseOption,
} from './catalog.mjs';
import { METHODS } from './explain_image.mjs';
import { MAX_SIDE, parseInputSize } from '../web/src/input_size.js';
import { classCount, spatialLayers } from '../web/src/model_layers.js';

// The core's names for a run's precision and resize mode (its catalog's enums).
export const { precision: PRECISIONS, resize: RESIZE_MODES } = catalog.enums;
// How pictures can be scaled for a model (--preprocessing; 'custom' is a model file's own).
export const PREPROCESSING = catalog.enums.preprocessing.filter((p) => p !== 'custom');
// Activation maximization's options (the catalog's): preset, steps, seed.
export const MAXIMIZE_OPTIONS = catalog.maximize.options;
// An option's place in the usage line: a flag, or a flag and what it takes.
const usageFlag = (o) =>
  o.type === 'boolean' ? `[--${o.name}]` : `[--${o.name} ${o.type === 'choice' ? o.choices.join('|') : 'N'}]`;

export const USAGE = `usage:
  convscope summary [--model M] [--preprocessing ${PREPROCESSING.join('|')}] [--input-size HxW] [--labels FILE]
  convscope explain IMAGE... [--model M] [--labels FILE] [--methods ${METHODS.join(',')}]
                   [--layer L] [--class C|top1] [--precision ${PRECISIONS.join('|')}] [--resize ${RESIZE_MODES.join('|')}]
                   [--threshold T] [--jobs N] [--threads N] [--quiet] [-o OUTDIR]
                   ${[...METHOD_OPTIONS.values()].map(usageFlag).join(' ')}
                   [--metrics ${[...METRIC_INFO.keys()].join(',')}] ${[...METRIC_OPTIONS.values()]
                     .filter((o) => !METHOD_OPTIONS.has(o.name))
                     .map(usageFlag)
                     .join(' ')}
  convscope filters LAYER [--model M] [-o OUTDIR]
  convscope features IMAGE LAYER [--model M] [--precision ${PRECISIONS.join('|')}] [-o OUTDIR]
  convscope maximize LAYER FILTER... [--model M] ${MAXIMIZE_OPTIONS.map(usageFlag).join(' ')} [-o OUTDIR]
  convscope serve [DIR] [--port P] [--host H]   (DIR: dist/site; 127.0.0.1:8080; cross-origin isolated)
IMAGE may be a file, a folder (its images, recursively) or a glob ('photos/*.jpg'): PNG (8 or 16 bits),
JPEG, BMP or GIF (WebP and other formats: open them in the page, which uses the browser's decoder).
M is a convscope model file or a Keras file (.keras, or a legacy .h5), converted in memory to
--precision (default int8); --preprocessing says how pictures are scaled for it (a Keras file that
does not say gets rescale, x / 255, with a warning); --input-size HxW the size a Keras model whose
input size is free runs at (default 224x224). --labels FILE: the model's class names, one per class
in its order (one per line, a JSON list, or Keras' class index); a Keras file has none (a
1000-class model gets ImageNet's), so predictions say "class 3" without it. --layer (Grad-CAM and
its kin, feature maps): any layer with feature maps; default the model's own (the last before the
flatten or global pooling).
--threads N: threads per image (default: the cores, shared among the --jobs; 1 = no thread pool).
--threshold T: occlusion's masked picture keeps where the map is at least T of its scale, 0 to 1
(0.5 is no change; default 0.75, half the largest drop); its caption says it in the map's units.
Method options (each method takes its own; docs/explanation-methods.md):
${[...METHOD_OPTIONS.values()].map((o) => `  --${o.name}: ${o.help}`).join('\n')}
--metrics: how faithful each map is (docs/explanation-methods.md), beside a random map's and the sanity
check's randomized model's map's, in report.json, the captions and index.html's curves (road: both
ROAD orders): ${[...METRIC_INFO.values()].map((m) => `${m.name} (${m.help})`).join('; ')}
Metric options (--baseline and --seed also serve the methods that take them):
${[...METRIC_OPTIONS.values()].map((o) => `  --${o.name}: ${o.help}`).join('\n')}
Activation maximization's options:
${MAXIMIZE_OPTIONS.map((o) => `  --${o.name}: ${o.help}`).join('\n')}
Exit codes: 0 all done, 1 some inputs failed, 2 usage error.`;

export class UsageError extends Error {}
// A model file the core refused (its message names the file and what is wrong): exit 2, without
// the usage text, which would say nothing about it.
export class ModelFileError extends UsageError {}

export const OPTIONS = {
  model: { type: 'string' },
  methods: { type: 'string' },
  metrics: { type: 'string' },
  layer: { type: 'string' },
  class: { type: 'string' },
  precision: { type: 'string' },
  preprocessing: { type: 'string' },
  labels: { type: 'string' },
  'input-size': { type: 'string' },
  resize: { type: 'string' },
  threshold: { type: 'string' },
  jobs: { type: 'string' },
  threads: { type: 'string' },
  quiet: { type: 'boolean' },
  out: { type: 'string', short: 'o' },
  port: { type: 'string' },
  host: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};
// The methods' and activation maximization's options (the core's catalog): booleans are flags,
// the rest take a value.
for (const o of [...METHOD_OPTIONS.values(), ...METRIC_OPTIONS.values(), ...MAXIMIZE_OPTIONS]) {
  OPTIONS[o.name] ??= { type: o.type === 'boolean' ? 'boolean' : 'string' };
}

// The options described by `specs` (the catalog's) given on the command line, checked against
// their descriptions.
export function optionsOf(values, specs) {
  const out = {};
  for (const o of specs) {
    const v = values[o.name];
    if (v === undefined) continue;
    if (typeof v === 'boolean') {
      out[o.name] = v;
      continue;
    }
    const parsed = parseOption(o, v);
    if (parsed === undefined) throw new UsageError(`--${o.name} must be ${expectedOf(o)}, got '${v}'`);
    out[o.name] = parsed;
  }
  return out;
}

export function integer(value, name, min) {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min)
    throw new UsageError(`--${name} must be an integer >= ${min}, got '${value}'`);
  return Number(value);
}

// --input-size: "HxW" (or "N" for N x N) as [height, width].
export function inputSize(value) {
  if (value === undefined) return undefined;
  const size = parseInputSize(value);
  if (!size)
    throw new UsageError(`--input-size must be HxW (e.g. 160x160), each from 1 to ${MAX_SIDE}, got '${value}'`);
  return size;
}

export function choice(value, name, allowed, fallback) {
  if (value === undefined) return fallback;
  if (!allowed.includes(value)) throw new UsageError(`--${name} must be ${allowed.join(' or ')}, got '${value}'`);
  return value;
}

// `name`, a layer of `rows` among `allowed` (the layers the command can use, model_layers.js), or
// a UsageError saying why not (`why`: what the others lack) and which it can use.
export function layerOf(rows, name, allowed, why) {
  const row = rows.find((r) => r.name === name);
  if (!row) throw new UsageError(`no layer named '${name}'`);
  if (!allowed.includes(name))
    throw new UsageError(`layer '${name}' (${row.type}) ${why}: use one of ${allowed.join(', ')}`);
  return name;
}

// A comma-separated list's words ('' and undefined: none).
const listOf = (value) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export function explainOptions(values, info, rows) {
  const methods = listOf(values.methods ?? METHODS.join(','));
  for (const name of methods) {
    if (!METHODS.includes(name)) throw new UsageError(`unknown method '${name}' (methods: ${METHODS.join(', ')})`);
  }
  // A family's name stands for its members: road for road-morf and road-lerf.
  const metrics = listOf(values.metrics).flatMap((name) => {
    const named = METRIC_INFO.has(name) ? [name] : [...METRIC_INFO.keys()].filter((m) => m.startsWith(`${name}-`));
    if (!named.length)
      throw new UsageError(`unknown metric '${name}' (metrics: ${[...METRIC_INFO.keys()].join(', ')})`);
    return named;
  });
  let classIndex = 'top1';
  if (values.class !== undefined && values.class !== 'top1') {
    const classes = classCount(info);
    classIndex = /^\d+$/.test(values.class) ? Number(values.class) : info.labels.indexOf(values.class);
    if (classIndex < 0 || classIndex >= classes) {
      throw new UsageError(`--class must be top1, a class index below ${classes} or a label, got '${values.class}'`);
    }
  }
  if (values.layer !== undefined) layerOf(rows, values.layer, spatialLayers(rows), 'has no feature maps');
  // On the map's normalized scale, as the page's slider: occlusion's 0.75 is half its largest drop.
  const threshold = values.threshold === undefined ? 0.75 : Number(values.threshold);
  if (!(threshold >= 0 && threshold <= 1))
    throw new UsageError(`--threshold must be between 0 and 1, got '${values.threshold}'`);
  return {
    methods,
    classIndex,
    threshold,
    layer: values.layer,
    methodOptions: optionsOf(values, METHOD_OPTIONS.values()),
    metrics,
    metricOptions: optionsOf(values, METRIC_OPTIONS.values()),
    maximizeOptions: optionsOf(values, MAXIMIZE_OPTIONS),
    precision: choice(values.precision, 'precision', PRECISIONS, info.precision),
    resize: choice(values.resize, 'resize', RESIZE_MODES, 'keras'),
  };
}
