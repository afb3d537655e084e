// Figures as RGBA images ({width, height, data}) built from what the wasm module returns: upscaled
// when tiny, captioned, stacked. Layout only; every pixel of a map comes from the core.

const MIN_WIDTH = 320; // small model inputs (32 x 32) are scaled up to stay readable

// Nearest-neighbour upscale by the integer factor that reaches MIN_WIDTH.
export function upscale(image) {
  const f = Math.max(1, Math.ceil(MIN_WIDTH / image.width));
  if (f === 1) return image;
  const width = image.width * f,
    height = image.height * f;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = (Math.floor(y / f) * image.width + Math.floor(x / f)) * 4;
      data.set(image.data.subarray(s, s + 4), (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

// Images one below the other, left-aligned on a dark background as wide as the widest.
export function stack(images) {
  const width = Math.max(...images.map((i) => i.width));
  const height = images.reduce((h, i) => h + i.height, 0);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 3; i < data.length; i += 4) ((data[i - 3] = data[i - 2] = data[i - 1] = 32), (data[i] = 255));
  let top = 0;
  for (const img of images) {
    for (let y = 0; y < img.height; y++) {
      data.set(img.data.subarray(y * img.width * 4, (y + 1) * img.width * 4), (top + y) * width * 4);
    }
    top += img.height;
  }
  return { width, height, data };
}

// The figure with one caption strip per line under it.
export function captioned(m, image, lines) {
  const figure = upscale(image);
  const scale = figure.width >= 640 ? 2 : 1;
  return stack([figure, ...lines.map((line) => m.caption(line, figure.width, scale))]);
}
