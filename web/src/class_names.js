// A model's class names, which a Keras file does not carry: the question the page asks when the
// user names them ("Class names" in the header), in a modal dialog (question_dialog.js) with the
// names one per line to edit, a labels file to load into it (one name per line, a JSON list or
// Keras' class index, as model_convert --labels and the CLI's --labels read them), and for a
// 10-class model the two datasets such models are trained on in tutorials.
import { askInDialog } from './question_dialog.js';
import { el } from './ui.js';

// Names of the 10-class datasets of tutorial models, by what the dialog's buttons say.
const TEN_CLASSES = {
  'MNIST digits': ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  'Fashion-MNIST': [
    'T-shirt/top',
    'Trouser',
    'Pullover',
    'Dress',
    'Coat',
    'Sandal',
    'Shirt',
    'Sneaker',
    'Bag',
    'Ankle boot',
  ],
};

/**
 * Asks for the class names of model `name`; resolves to the text of the names (for withLabels),
 * or null when the dialog is closed without an answer.
 * @param {{ name: string, labels: string[], classes: number }} question  labels: the model's
 *   names now (none for a Keras file's model); classes: how many it has
 * @returns {Promise<string | null>}
 */
export async function askClassNames({ name, labels, classes }) {
  const text = el('textarea', {
    rows: Math.min(12, classes),
    cols: 40,
    autofocus: true,
    'aria-label': `class names, one per line (${classes})`,
  });
  text.value = labels.join('\n');
  const file = el('input', { type: 'file', accept: '.txt,.json,text/plain,application/json', hidden: true });
  file.addEventListener('change', async () => {
    if (file.files?.[0]) text.value = await file.files[0].text();
  });
  const fill = (names) => () => {
    text.value = names.join('\n');
    text.focus();
  };
  const answer = await askInDialog({
    id: 'class-names-dialog',
    title: `The names of ${name}'s ${classes} classes`,
    note: 'One per line, in the order of the model’s outputs (a notebook’s class_names, or the folders of image_dataset_from_directory in alphabetical order).',
    fields: [
      text,
      el(
        'div',
        { className: 'controls' },
        el('button', { type: 'button', onclick: () => file.click() }, 'Load a file…'),
        file,
        ...(classes === 10
          ? Object.entries(TEN_CLASSES).map(([what, names]) =>
              el('button', { type: 'button', onclick: fill(names) }, what),
            )
          : []),
      ),
    ],
    hint: 'They are stored with the model. A file may also be a JSON list or Keras’ class index.',
    ok: 'Use these names',
    cancel: 'Cancel',
  });
  return answer === 'ok' ? text.value : null;
}
