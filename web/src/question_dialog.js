// A question the page asks in a modal <dialog>: a title, why it asks, the form's fields, a hint and
// the buttons. Focus moves into it (the field marked autofocus), Tab stays inside, Enter answers
// (the first button), Escape closes it without an answer. Shared by the page's questions about a
// converted model (its preprocessing, its input size).
import { el } from './ui.js';

let asked = 0; // ids for the dialogs' labels

/**
 * Shows the question; resolves to the button pressed ('ok', 'cancel') or '' when it was closed
 * with Escape. The caller reads its fields afterwards (the dialog is gone from the page by then).
 * @param {{ id: string, title: string, note: string, fields: Node[], hint: string, ok: string,
 *   cancel?: string }} q  id: the dialog element's
 * @returns {Promise<string>}
 */
export function askInDialog({ id: dialogId, title, note, fields, hint, ok, cancel }) {
  const id = `${dialogId}-${++asked}`;
  const dialog = el(
    'dialog',
    { id: dialogId, className: 'question', 'aria-labelledby': `${id}-title`, 'aria-describedby': `${id}-note` },
    el(
      'form',
      { method: 'dialog' },
      el('h2', { id: `${id}-title` }, title),
      el('p', { id: `${id}-note` }, note),
      ...fields,
      el('p', { className: 'hint' }, hint),
      el(
        'div',
        { className: 'dialog-buttons' },
        el('button', { type: 'submit', value: 'ok' }, ok),
        cancel ? el('button', { type: 'submit', value: 'cancel' }, cancel) : null,
      ),
    ),
  );
  document.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(dialog.returnValue);
    });
    dialog.showModal();
  });
}
