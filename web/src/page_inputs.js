// The page's inputs, wired once: the buttons that open the pickers, the pickers, drop and paste
// anywhere, the sample galleries, Cancel and Escape, the banners' dismiss buttons and the header's
// model buttons. What each does is main.js's (`actions`).
import { blobOf } from './fetch_blob.js';
import { el } from './ui.js';

const $ = (id) => document.getElementById(id);

/**
 * @param {{ open: (files: File[]) => Promise<void>, cancel: () => void, forgetCached: () => void,
 *   changePreprocessing: () => void, changeClassNames: () => void, dismissNotice: () => void,
 *   samples: Record<string, string> }} actions
 *   open: files the user gave; samples: the sample pictures' paths and URLs
 */
export function wireInputs({
  open,
  cancel,
  forgetCached,
  changePreprocessing,
  changeClassNames,
  dismissNotice,
  samples,
}) {
  $('open-images').addEventListener('click', () => $('image-input').click());
  $('open-model').addEventListener('click', () => $('model-input').click());
  $('dismiss-error').addEventListener('click', () => {
    $('error').hidden = true;
  });
  $('dismiss-notice').addEventListener('click', () => {
    $('notice').hidden = true;
    dismissNotice();
  });
  for (const id of ['image-input', 'model-input']) {
    const input = /** @type {HTMLInputElement} */ ($(id));
    input.addEventListener('change', () =>
      open([...input.files]).finally(() => {
        input.value = '';
      }),
    );
  }
  $('forget-cached').addEventListener('click', forgetCached);
  $('preprocessing').addEventListener('click', changePreprocessing);
  $('class-names').addEventListener('click', changeClassNames);
  document.addEventListener('dragover', (e) => e.preventDefault());
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    open([...e.dataTransfer.files]);
  });
  document.addEventListener('paste', (e) => {
    const files = [...e.clipboardData.files];
    if (files.length) open(files);
  });
  $('cancel').addEventListener('click', cancel);
  // Escape cancels what the progress line shows (a dialog's Escape is the dialog's).
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !$('progress').hidden && !document.querySelector('dialog[open]')) cancel();
  });
  // The default model's own kind of picture first; photos apart, for an ImageNet model.
  for (const [path, source] of Object.entries(samples)) {
    const name = path.split('/').pop();
    $(name.startsWith('fashion-') ? 'gallery' : 'photo-gallery').append(
      el(
        'button',
        {
          type: 'button',
          title: `sample: ${name}`,
          onclick: async () => open([new File([await blobOf(source)], name)]),
        },
        el('img', { src: source, alt: name }),
      ),
    );
  }
}
