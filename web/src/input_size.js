// The size a Keras model that takes pictures of any height or width (an input of None x None) runs
// at: the question the page asks, and the text the widget and the CLI take. The converter needs a
// size to lay out the layers' buffers; its default is 224 x 224, and the summary states the size.
import { askInDialog } from './question_dialog.js';
import { el } from './ui.js';

// The largest side offered: a picture of 4096 x 4096 already takes 192 MB per RGB float copy.
export const MAX_SIDE = 4096;

// "HxW" (or "N" for N x N) as [height, width], each a whole number from 1 to MAX_SIDE; null for
// anything else. The widget's input-size attribute and the CLI's --input-size.
export function parseInputSize(text) {
  const match = /^\s*(\d+)\s*(?:[x×]\s*(\d+))?\s*$/.exec(text ?? '');
  const size = match && [Number(match[1]), Number(match[2] ?? match[1])];
  return size && size.every((s) => s >= 1 && s <= MAX_SIDE) ? size : null;
}

/**
 * Asks the size to run model `name` at; resolves to [height, width] (`current` when the dialog is
 * closed without an answer or a side is not a whole number from 1 to MAX_SIDE).
 * @param {{ name: string, current: [number, number], free: [boolean, boolean] }} question
 *   current: the size the converter chose; free: which of height and width the model leaves open
 * @returns {Promise<[number, number]>}
 */
export async function askInputSize({ name, current, free }) {
  const sides = ['height', 'width'].map((side, i) =>
    el('input', {
      type: 'number',
      min: 1,
      max: MAX_SIDE,
      step: 1,
      required: true,
      value: String(current[i]),
      disabled: !free[i],
      autofocus: i === free.indexOf(true),
      'aria-label': `${side} in pixels`,
    }),
  );
  const open = free[0] && free[1] ? 'any height and width' : free[0] ? 'any height' : 'any width';
  const answer = await askInDialog({
    id: 'input-size-dialog',
    title: `What size should ${name} see pictures at?`,
    note: `The model takes pictures of ${open}. Pictures are resized to this size before they go through it.`,
    fields: [el('p', { className: 'size' }, sides[0], ' × ', sides[1], ' pixels (height × width)')],
    hint: 'The size the model was trained at is the natural choice; larger sizes take longer and more memory.',
    ok: 'Use this size',
  });
  const size = sides.map((input) => Number(input.value));
  const valid = size.every((s) => Number.isInteger(s) && s >= 1 && s <= MAX_SIDE);
  return answer === 'ok' && valid ? /** @type {[number, number]} */ (size) : current;
}
