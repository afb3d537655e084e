// The header's account of the model on show: its file, name, precision, size, parameters, the
// input it sees (grayscale or RGB, at what size) and what runs it; how pictures are scaled for it
// (a button that changes it); and what it knows.
import { isGrayscale } from './model_layers.js';
import { preprocessingLabel } from './preprocessing.js';
import { modelKnows } from './views/predictions.js';

const $ = (id) => document.getElementById(id);

// What runs the model: the wasm build the worker chose and its threads.
const VARIANT_TEXT = {
  baseline: 'wasm SIMD',
  relaxed: 'wasm relaxed SIMD',
  'baseline-mt': 'wasm SIMD',
  'relaxed-mt': 'wasm relaxed SIMD',
};
// `workers`: how many workers methods of many passes are split over (worker_team.js).
const engineText = ({ variant, threads }, workers) =>
  `${VARIANT_TEXT[variant] ?? variant}, ${threads} thread${threads > 1 ? 's' : ''}` +
  (workers > 1 ? ` (methods of many passes on ${workers} workers)` : '');

// A model file's size: a tutorial's model is a few kB, VGG16 138.5 MB.
export const sizeText = (bytes) =>
  bytes < 1e5 ? `${Math.max(1, Math.round(bytes / 1e3))} kB` : `${(bytes / 1e6).toFixed(1)} MB`;

// "28×28×1 (grayscale)": the input as the header states it.
export const inputText = (info) => `${info.inputShape.join('×')}${isGrayscale(info) ? ' (grayscale)' : ''}`;

/**
 * @param {import('../../wasm/convscope').ModelInfo} info
 * @param {string} name what the page calls it
 * @param {number} workers how many workers methods of many passes run on
 */
export function showModelHeader(info, name, workers) {
  $('model-knows').textContent = modelKnows(info);
  $('model-info').textContent =
    `${name}: ${info.name}, ${info.precision}, ${sizeText(info.fileSize)}, ${info.params.toLocaleString('en-US')} parameters, input ${inputText(info)} · ${engineText(info, workers)}`;
  const button = $('preprocessing');
  button.textContent = `Preprocessing: ${preprocessingLabel(info.preprocessing.mode)}`;
  button.hidden = false;
  // A model of class scores can be given names; one without says so on the button.
  const names = $('class-names');
  names.textContent = info.labels.length ? 'Class names' : 'Name the classes';
  names.hidden = info.head.kind === 'none';
}
