import { el } from '../ui.js';

// Click a tile of a grid canvas (or focus the grid and move with the arrow keys, Home and End) to
// see it enlarged in `zoom` (a canvas). The first tile is shown at first: an empty box looks broken.
export function zoomable(canvas, grid, describe) {
  const zoom = el('canvas', { width: 192, height: 192, className: 'pixels', role: 'img', 'aria-label': 'zoomed tile' });
  const caption = el('figcaption', { 'aria-live': 'polite' });
  let current = 0;
  const show = (i) => {
    current = i;
    const col = i % grid.columns,
      row = Math.floor(i / grid.columns);
    const ctx = zoom.getContext('2d');
    ctx.imageSmoothingEnabled = false;
    ctx.clearRect(0, 0, 192, 192);
    ctx.drawImage(
      canvas,
      col * (grid.tileWidth + 1),
      row * (grid.tileHeight + 1),
      grid.tileWidth,
      grid.tileHeight,
      0,
      0,
      192,
      192,
    );
    caption.textContent = describe(i);
  };
  canvas.addEventListener('click', (e) => {
    const r = canvas.getBoundingClientRect();
    const x = Math.floor(((e.clientX - r.left) * grid.width) / r.width);
    const y = Math.floor(((e.clientY - r.top) * grid.height) / r.height);
    const col = Math.floor(x / (grid.tileWidth + 1)),
      row = Math.floor(y / (grid.tileHeight + 1));
    const i = row * grid.columns + col;
    if (col < grid.columns && i < grid.tiles) show(i);
  });
  canvas.tabIndex = 0;
  canvas.addEventListener('keydown', (e) => {
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: grid.columns, ArrowUp: -grid.columns }[e.key];
    const to =
      e.key === 'Home' ? 0 : e.key === 'End' ? grid.tiles - 1 : step === undefined ? undefined : current + step;
    if (to === undefined) return;
    e.preventDefault();
    show(Math.min(Math.max(to, 0), grid.tiles - 1));
  });
  show(0);
  caption.textContent = `${describe(0)} (click a tile, or use the arrow keys on the grid, to zoom another)`;
  return el('figure', { className: 'zoom' }, zoom, caption);
}
