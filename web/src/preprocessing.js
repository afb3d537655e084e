// How pictures become a model's input (its preprocessing, stored in the model file): the choices
// with a line each, and the question the page asks when a Keras file does not say (most tutorial
// models divide by 255 outside the model, which the file cannot record) or when the user changes
// it later, in a modal dialog (question_dialog.js) where the arrow keys choose, Enter answers and
// Escape keeps what was selected before.
import { catalog } from './catalog.js';
import { askInDialog } from './question_dialog.js';
import { el } from './ui.js';

// [short name, one-line explanation] of each mode the core offers (catalog.enums.preprocessing);
// 'custom' (a model file's own scale and mean) cannot be chosen.
const MODES = {
  rescale: ['x / 255', 'pixels from 0 to 1: what most tutorials train on (x_train / 255 before fitting)'],
  raw: ['0–255', 'pixels as they are: the model scales them itself (a Rescaling layer inside it)'],
  tf: ['[−1, 1]', "x / 127.5 − 1: keras.applications' MobileNet, Inception, Xception (mode 'tf')"],
  caffe: ['BGR − ImageNet mean', "channels as BGR, minus ImageNet's mean pixel: Keras' VGG16, VGG19, ResNet50"],
  torch: ['ImageNet mean and std', "x / 255, minus ImageNet's mean, over its standard deviation: DenseNet, PyTorch"],
};

// The modes a user can choose, the likeliest for a user's own model first (rescale: a tutorial's),
// then any other the core offers; 'custom' is a model file's own scale and mean.
const ORDER = ['rescale', 'raw', 'tf', 'caffe', 'torch'];
export const CHOICES = catalog.enums.preprocessing
  .filter((m) => m !== 'custom')
  .sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99));

// "rescale (x / 255)": a mode as the header names it.
export const preprocessingLabel = (mode) => (MODES[mode] ? `${mode} (${MODES[mode][0]})` : mode);

let asked = 0; // names for the dialogs' radio groups

/**
 * Asks which preprocessing model `name` was trained on; resolves to the chosen mode, or to
 * `current` when the dialog is closed without an answer.
 * @param {{ name: string, current: string, note?: string, change?: boolean }} question
 *   current: the mode selected at first (the converter's guess, or the model's mode); note: why
 *   the page asks; change: the user asked to change it (a Cancel button), rather than the page
 * @returns {Promise<string>}
 */
export async function askPreprocessing({ name, current, note, change = false }) {
  const group = `preprocessing-${++asked}`;
  const radios = CHOICES.map((mode) =>
    el('input', { type: 'radio', name: group, value: mode, checked: mode === current, autofocus: mode === current }),
  );
  const answer = await askInDialog({
    id: 'preprocessing-dialog',
    title: `How were pictures scaled when ${name} was trained?`,
    note:
      note ??
      'Pick what the training code did to the pixels before fitting; the same is done to every picture you open.',
    fields: [
      el(
        'fieldset',
        {},
        el('legend', {}, 'Preprocessing'),
        ...CHOICES.map((mode, i) =>
          el(
            'label',
            { className: 'choice' },
            radios[i],
            el('strong', {}, `${mode} `),
            el('span', {}, `${MODES[mode]?.[0] ?? ''}: ${MODES[mode]?.[1] ?? ''}`),
          ),
        ),
      ),
    ],
    hint: 'It is stored with the model; "Preprocessing" in the header changes it later. A wrong choice gives confident nonsense.',
    ok: change ? 'Change' : 'Use this',
    cancel: change ? 'Cancel' : undefined,
  });
  const chosen = radios.find((r) => r.checked)?.value;
  return answer === 'ok' && chosen ? chosen : current;
}
