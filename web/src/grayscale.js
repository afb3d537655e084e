// A picture as a grayscale model sees it: each pixel's luminance with the weights the core converts
// by (wasm/images/preprocess.h Luminance: tf.image.rgb_to_grayscale's 0.2989 R + 0.5870 G +
// 0.1140 B), in all three channels so that it draws as gray. Used wherever the page and the widget
// show what such a model sees: the image strip, the maps' overlays (the worker), the predictions.

/**
 * @param {{ width: number, height: number, data: ArrayLike<number> }} picture RGBA
 * @returns {{ width: number, height: number, data: Uint8ClampedArray }} a new RGBA picture
 */
export function grayPicture({ width, height, data }) {
  const out = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < out.length; i += 4) {
    // Stored rounded to the nearest integer (Uint8ClampedArray).
    out[i] = out[i + 1] = out[i + 2] = 0.2989 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
    out[i + 3] = data[i + 3];
  }
  return { width, height, data: out };
}
