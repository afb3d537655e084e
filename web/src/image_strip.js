// The strip of the user's images, a WAI-ARIA listbox: a click or the arrow keys show an image,
// Delete (or the Remove button) takes the selected one away. Each image keeps the index it was
// given (the worker knows it by that index), so removing one renumbers nothing.
import { grayPicture } from './grayscale.js';
import { roving } from './keyboard.js';
import { el } from './ui.js';

export class ImageStrip {
  // list: the role=listbox element; removeButton: removes the selected image.
  // onShow(index), onRemove(index): what the page does.
  constructor(list, removeButton, { onShow, onRemove }) {
    this.list = list;
    this.removeButton = removeButton;
    this.roving = roving(list, '[role=option]', (option) => onShow(indexOf(option)));
    list.addEventListener('keydown', (e) => {
      const option = e.target.closest?.('[role=option]');
      if (!option || (e.key !== 'Delete' && e.key !== 'Backspace')) return;
      e.preventDefault();
      onRemove(indexOf(option));
    });
    removeButton.addEventListener('click', () => {
      const selected = this.options().find((o) => o.getAttribute('aria-selected') === 'true');
      if (selected) onRemove(indexOf(selected));
    });
    this.onShow = onShow;
    this.pictures = new Map(); // index -> the picture its thumbnail is drawn from
    this.gray = false;
    this.sync();
  }

  options() {
    return [...this.list.querySelectorAll('[role=option]')];
  }

  // picture: the image's display copy (RGBA). The thumbnail is drawn from it, not from the file:
  // a 48-megapixel photo is not decoded again on the page's thread.
  add(index, name, picture) {
    const height = THUMBNAIL_HEIGHT,
      width = Math.max(1, Math.round((height * picture.width) / picture.height));
    const thumbnail = el('canvas', { width, height, role: 'img', 'aria-label': name });
    this.pictures.set(index, picture);
    this.draw(thumbnail, picture);
    this.list.append(
      el(
        'button',
        { type: 'button', role: 'option', title: name, 'data-index': String(index), onclick: () => this.onShow(index) },
        thumbnail,
      ),
    );
  }

  // Thumbnails in gray (what a grayscale model sees) or in colour, from now on.
  setGray(gray) {
    if (gray === this.gray) return;
    this.gray = gray;
    for (const o of this.options()) this.draw(o.querySelector('canvas'), this.pictures.get(indexOf(o)));
  }

  draw(thumbnail, picture) {
    const { width, height, data } = this.gray ? grayPicture(picture) : picture;
    const full = new OffscreenCanvas(width, height);
    full.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(data), width, height), 0, 0);
    const ctx = thumbnail.getContext('2d');
    ctx.clearRect(0, 0, thumbnail.width, thumbnail.height);
    ctx.drawImage(full, 0, 0, thumbnail.width, thumbnail.height);
    thumbnail.dataset.gray = String(this.gray);
  }

  // Marks image `index` (or none) as the one on show.
  select(index) {
    for (const o of this.options()) o.setAttribute('aria-selected', String(indexOf(o) === index));
    this.sync();
  }

  // Takes image `index` out of the strip. Focus, if it was on that image or the Remove button,
  // moves to a neighbour, which becomes the strip's tab stop (or, with no image left, to
  // `fallback`), so the keyboard user is not dropped to the top of the page.
  remove(index, fallback) {
    const options = this.options(),
      at = options.findIndex((o) => indexOf(o) === index);
    if (at < 0) return;
    this.pictures.delete(index);
    const hadFocus = options[at] === document.activeElement || this.removeButton === document.activeElement;
    options[at].remove();
    this.sync();
    const neighbour = options[at + 1] ?? options[at - 1];
    if (neighbour) for (const o of this.options()) o.tabIndex = o === neighbour ? 0 : -1;
    if (hadFocus) (neighbour ?? fallback)?.focus();
  }

  sync() {
    this.roving.update();
    this.removeButton.hidden = this.options().length === 0;
  }
}

const THUMBNAIL_HEIGHT = 56; // CSS pixels, as the samples' thumbnails
const indexOf = (option) => Number(option.dataset.index);
