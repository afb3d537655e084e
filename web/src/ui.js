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

// A <select> of `options` ([value, label] or value) with `value` selected.
export function select(label, options, value, onChange) {
  const s = el('select', { 'aria-label': label, onchange: () => onChange(s.value) },
    ...options.map((o) => {
      const [v, text] = Array.isArray(o) ? o : [o, o];
      return el('option', { value: String(v), selected: String(v) === String(value) }, text);
    }));
  return el('label', {}, `${label} `, s);
}

// RGBA pixels on a canvas of their own size (CSS scales it; small maps stay crisp).
export function imageCanvas({ width, height, data }, { pixelated = true, label = '' } = {}) {
  const c = el('canvas', { width, height, className: pixelated ? 'pixels' : '', role: 'img', 'aria-label': label });
  // Tiny maps (a 32 x 32 model's grids) are shown enlarged by a whole factor, staying crisp.
  if (pixelated && width < 320) c.style.width = `${width * Math.ceil(320 / width)}px`;
  c.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(data), width, height), 0, 0);
  return c;
}

// A canvas for drawing at device resolution: returns [canvas, ctx] with ctx in CSS pixels.
export function hiDpiCanvas(width, height, label = '') {
  const dpr = Math.max(1, Math.round(globalThis.devicePixelRatio || 1));
  const c = el('canvas', { width: width * dpr, height: height * dpr, role: 'img', 'aria-label': label });
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
  ctx.globalAlpha = opacity;
  ctx.drawImage(layer, 0, 0);
  return c;
}

export function exportButton(canvas, name) {
  return el('button', {
    type: 'button',
    onclick: () => canvas.toBlob((blob) => {
      const a = el('a', { href: URL.createObjectURL(blob), download: `${name}.png` });
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    }, 'image/png'),
  }, 'Export PNG');
}

export function figure(canvas, caption, exportName) {
  return el('figure', {}, canvas, el('figcaption', {}, caption, ' ', exportName ? exportButton(canvas, exportName) : null));
}
