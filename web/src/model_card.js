// A model's card (the Summary view's head): what it is, where its file came from, what it sees and
// how pictures are scaled for it, how big it is, what it knows; for a model without class names,
// a prompt to give them. Where the context can change the preprocessing or the names (the page),
// a button beside each does.
import { classCount } from './model_layers.js';
import { inputText, sizeText } from './model_header.js';
import { preprocessingLabel } from './preprocessing.js';
import { el } from './ui.js';

/** @typedef {import('../../wasm/convscope').ModelInfo} ModelInfo */
/** @typedef {import('../../wasm/convscope').ModelSummary} ModelSummary */

// What each file layout is (the converter's `source.layout`).
const LAYOUTS = {
  'keras-archive': 'Keras archive (.keras)',
  'keras-full-model': 'HDF5 (.h5), the whole model',
  'keras-weights-only': 'HDF5 (.h5), weights only',
};

// The card's lines, [term, text], in order (no DOM: tests read them).
/** @param {ModelInfo} info @param {ModelSummary} summary */
export function modelCardLines(info, summary) {
  const s = info.source;
  const saved = [
    s.keras_version ? `saved by Keras ${s.keras_version}${s.backend ? ` (${s.backend})` : ''}` : '',
    LAYOUTS[String(s.layout)] ?? '',
  ].filter(Boolean);
  // "model_config (Functional)" says Functional; an inferred architecture says how.
  const architecture = String(s.architecture ?? '').replace(/^model_config \((.*)\)$/, '$1');
  // The converter's account of the preprocessing starts with the mode, which the label says.
  const how = String(s.preprocessing ?? '').replace(`${info.preprocessing.mode}: `, '');
  const classes = classCount(info);
  const named = info.labels.length
    ? `${info.labels.slice(0, 5).join(', ')}${classes > 5 ? ', …' : ''}`
    : 'no names: the file does not hold them';
  return [
    ['Model', `${info.name}, ${summary.rows.length} layers${architecture ? ` (${architecture})` : ''}`],
    ['File', [s.file, ...saved].filter(Boolean).join(', ') || 'a convscope model file'],
    ['Input', `${inputText(info)}: pictures are resized to ${info.inputShape[0]}×${info.inputShape[1]}`],
    ['Preprocessing', `${preprocessingLabel(info.preprocessing.mode)}${how ? `: ${how}` : ''}`],
    [
      'Parameters',
      `${summary.totalParams.toLocaleString('en-US')} (${summary.trainableParams.toLocaleString('en-US')} trainable)`,
    ],
    ['Precision', `${info.precision}, ${sizeText(info.fileSize)}`],
    [
      'Classes',
      info.head.kind === 'none'
        ? 'none: its output is not a vector of classes'
        : `${classes.toLocaleString('en-US')} — ${named}`,
    ],
  ];
}

/**
 * @param {ModelInfo} info
 * @param {ModelSummary} summary
 * @param {{ changePreprocessing: () => void, changeClassNames: () => void }} [actions]
 */
export function modelCard(info, summary, actions) {
  const buttons = {
    Preprocessing: actions && el('button', { type: 'button', onclick: actions.changePreprocessing }, 'Change…'),
    Classes:
      actions &&
      info.head.kind !== 'none' &&
      el(
        'button',
        { type: 'button', onclick: actions.changeClassNames },
        info.labels.length ? 'Rename…' : 'Name the classes…',
      ),
  };
  return el(
    'section',
    { className: 'model-card', 'aria-label': 'Model card' },
    el(
      'dl',
      {},
      ...modelCardLines(info, summary).flatMap(([term, text]) => [
        el('dt', {}, term),
        el('dd', {}, text, buttons[term] ? ' ' : '', buttons[term] || ''),
      ]),
    ),
  );
}
