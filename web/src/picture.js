// Pictures in the worker: decoded once, kept at full size for the model's runs (its preprocessing
// resizes from the original, as Keras does) and as one display-sized copy for everything the page
// draws (figures, overlays), so a 48-megapixel photo costs the page a 1,024-pixel picture.
import { exifOrientation } from './exif.js';

// The longest side of the picture the page gets.
export const DISPLAY_SIDE = 1024;

// bytes -> {full, display}, each {data, width, height} RGBA with the photo's EXIF orientation
// applied. The core's decoder (stb_image) first: it checks the size before allocating and says
// what is wrong. Formats it does not know (WebP, AVIF, ...) go through the browser's decoder into
// the same path.
export async function decodePicture(m, bytes) {
  let full;
  try {
    full = m.decodeImage(bytes);
  } catch (e) {
    // The core's message for a format stb_image does not read (wasm/images/image.cc); any other is final.
    if (!String(e.message).startsWith('not an image convscope can read')) throw e;
  }
  if (!full || exifOrientation(bytes) !== 1) full = await browserDecode(bytes);
  return { full, display: await displayCopy(full) };
}

// The core's limit on pixels (wasm/images/image.h kMaxImagePixels), for what the browser decodes.
const MAX_PIXELS = 64e6;

async function browserDecode(bytes) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes]), { imageOrientation: 'from-image' });
  } catch {
    throw new Error('not an image this browser or convscope can read: use PNG, JPEG, WebP, GIF or BMP');
  }
  try {
    const { width, height } = bitmap;
    if (width * height > MAX_PIXELS) {
      throw new Error(
        `the image is ${width}x${height} (${((width * height) / 1e6).toFixed(1)} megapixels), over the limit of 64 megapixels: scale it down first`,
      );
    }
    return pixelsOf(bitmap, width, height);
  } finally {
    bitmap.close();
  }
}

function pixelsOf(source, width, height) {
  const ctx = new OffscreenCanvas(width, height).getContext('2d');
  ctx.drawImage(source, 0, 0);
  const d = ctx.getImageData(0, 0, width, height);
  return { data: d.data, width, height };
}

// The picture itself when it fits DISPLAY_SIDE, else a smoothly scaled-down copy.
async function displayCopy(full) {
  const scale = DISPLAY_SIDE / Math.max(full.width, full.height);
  if (scale >= 1) return full;
  const width = Math.max(1, Math.round(full.width * scale)),
    height = Math.max(1, Math.round(full.height * scale));
  const data = new Uint8ClampedArray(full.data.buffer, full.data.byteOffset, full.data.byteLength);
  const bitmap = await createImageBitmap(new ImageData(data, full.width, full.height), {
    resizeWidth: width,
    resizeHeight: height,
    resizeQuality: 'high',
  });
  try {
    return pixelsOf(bitmap, width, height);
  } finally {
    bitmap.close();
  }
}
