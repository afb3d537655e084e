// What a map's numbers mean, for the captions of the page and the CLI alike (no DOM here).

// "map 32×32 from 2×2": the map's resolution (the model's input), and the coarser grid it was
// upsampled from (a CAM's layer, occlusion's patch positions), so a smooth map does not hide it.
/** @param {{ height: number, width: number }} x @param {number[]} rawShape @param {string} [times] */
export function mapResolution(x, rawShape, times = '×') {
  const [rows, cols] = rawShape ?? [];
  const from = rawShape?.length === 2 && (rows !== x.height || cols !== x.width) ? ` from ${rows}${times}${cols}` : '';
  return `map ${x.height}${times}${x.width}${from}`;
}

// The map value that the normalized level `t` (0 to 1) stands for: the masked view's threshold in
// the map's own units.
/** @param {{ valueRange: number[] }} x @param {number} t */
export const valueAt = (x, t) => x.valueRange[0] + t * (x.valueRange[1] - x.valueRange[0]);
