// Small DOM and canvas helpers shared by the views.

export function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k in e && k !== 'list') e[k] = v;
    else e.setAttribute(k, v);
  }
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}

// A button that runs `task` on a click, unless it is still running from the last one (a second
// click would draw the result twice): meanwhile it says it is busy (aria-disabled, keeping focus).
/**
 * @param {string} label
 * @param {() => Promise<unknown>} task
 * @param {(e: unknown) => void} onError
 */
export function taskButton(label, task, onError) {
  let running = false;
  const button = el(
    'button',
    {
      type: 'button',
      onclick: async () => {
        if (running) return;
        running = true;
        button.setAttribute('aria-disabled', 'true');
        try {
          await task();
        } catch (e) {
          onError(e);
        } finally {
          running = false;
          button.removeAttribute('aria-disabled');
        }
      },
    },
    label,
  );
  return button;
}

// "Occlusion 40%, about 20 s left": a progress line's text.
export function progressText(what, fraction, remainingMs) {
  const left = Number.isFinite(remainingMs) ? `, about ${Math.ceil(remainingMs / 1000)} s left` : '';
  return `${what} ${(100 * fraction).toFixed(0)}%${left}`;
}

// A <select> of `options` ([value, label] or value) with `value` selected.
export function select(label, options, value, onChange) {
  const s = el(
    'select',
    { 'aria-label': label, onchange: () => onChange(s.value) },
    ...options.map((o) => {
      const [v, text] = Array.isArray(o) ? o : [o, o];
      return el('option', { value: String(v), selected: String(v) === String(value) }, text);
    }),
  );
  return el('label', {}, `${label} `, s);
}

// Pictures and maps are shown with their long side from FIGURE_MIN to FIGURE_MAX CSS pixels (and
// never wider than the view): a tiny one (a 32 x 32 input, a 5 x 3 image) enlarged by a whole
// factor with crisp pixels, a big photo fitted.
const FIGURE_MIN = 256,
  FIGURE_MAX = 512;

export function figureScale(width, height) {
  const side = Math.max(width, height);
  return side < FIGURE_MIN ? Math.ceil(FIGURE_MIN / side) : Math.min(1, FIGURE_MAX / side);
}

// RGBA pixels on a canvas of their own size, shown at figureScale (grids: enlarged only, they
// have a zoom of their own).
export function imageCanvas({ width, height, data }, { pixelated = true, label = '', grid = false } = {}) {
  const c = el('canvas', { width, height, role: 'img', 'aria-label': label });
  const scale = grid ? Math.max(1, figureScale(width, height)) : figureScale(width, height);
  c.style.width = `${width * scale}px`;
  if (pixelated || scale > 1) c.className = 'pixels';
  c.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(data), width, height), 0, 0);
  return c;
}

// The density a canvas of `width` x `height` CSS pixels is drawn at: the screen's, except that
// browsers draw nothing on a canvas past 32,767 pixels a side or about 2^28 in all, so a very
// large drawing (DenseNet121's 429 layers, every block open) gets the density that fits, below 1
// if need be.
export function canvasDensity(width, height) {
  const fits = Math.min(32767 / width, 32767 / height, Math.sqrt((1 << 27) / (width * height)));
  return Math.min(Math.max(1, Math.round(globalThis.devicePixelRatio || 1)), fits);
}

// A canvas for drawing at device resolution: returns [canvas, ctx] with ctx in CSS pixels.
export function hiDpiCanvas(width, height, label = '') {
  const dpr = canvasDensity(width, height);
  const c = el('canvas', {
    width: Math.floor(width * dpr),
    height: Math.floor(height * dpr),
    role: 'img',
    'aria-label': label,
  });
  c.style.width = `${width}px`;
  const ctx = c.getContext('2d');
  ctx.scale(dpr, dpr);
  return [c, ctx];
}

// The picture with a heatmap over it at `opacity` (both RGBA of the same size).
export function overlayCanvas(picture, heatmap, opacity, label) {
  const c = imageCanvas(picture, { pixelated: false, label });
  const layer = imageCanvas(heatmap);
  const ctx = c.getContext('2d');
  // Under the colours, the picture lightened toward grey as they get more opaque, as the core's
  // overlay does (wasm/figures/overlay.cc): over dark pixels colours would turn muddy.
  ctx.globalAlpha = Math.min(1, 2 * opacity) / 2;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, c.width, c.height);
  ctx.globalAlpha = opacity;
  ctx.drawImage(layer, 0, 0);
  return c;
}
