import { el } from '../ui.js';

// Click a tile of a grid canvas to see it enlarged in `zoom` (a canvas).
export function zoomable(canvas, grid, describe) {
  const zoom = el('canvas', { width: 192, height: 192, className: 'pixels', 'aria-label': 'zoomed tile' });
  const caption = el('figcaption', {}, 'Click a tile to zoom.');
  canvas.addEventListener('click', (e) => {
    const r = canvas.getBoundingClientRect();
    const x = Math.floor((e.clientX - r.left) * grid.width / r.width);
    const y = Math.floor((e.clientY - r.top) * grid.height / r.height);
    const col = Math.floor(x / (grid.tileWidth + 1)), row = Math.floor(y / (grid.tileHeight + 1));
    const i = row * grid.columns + col;
    if (col >= grid.columns || i >= grid.tiles) return;
    const ctx = zoom.getContext('2d');
    ctx.imageSmoothingEnabled = false;
    ctx.clearRect(0, 0, 192, 192);
    ctx.drawImage(canvas, col * (grid.tileWidth + 1), row * (grid.tileHeight + 1), grid.tileWidth, grid.tileHeight, 0, 0, 192, 192);
    caption.textContent = describe(i);
  });
  return el('figure', { className: 'zoom' }, zoom, caption);
}
