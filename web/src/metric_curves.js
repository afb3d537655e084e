// How a faithfulness measurement (Model.measure) is shown, the same in the page and in the CLI's
// index.html: its curve beside the random map's (and the sanity check's randomized model's map's)
// as SVG, and a sentence saying what the numbers mean. The metrics' names, labels and which way is
// better come from the core's catalog.

const W = 200,
  H = 100;
// Text for HTML (and SVG) markup.
/** @param {unknown} s */
export const escape = (s) =>
  String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
// A curve of probabilities over [0, 1] as SVG points in the W x H box (probability 1 at the top).
const points = (x, p) => Array.from(x, (v, i) => `${(v * W).toFixed(1)},${((1 - p[i]) * H).toFixed(1)}`).join(' ');

/**
 * A measurement as Model.measure gives it (report.json keeps the same shape, with arrays).
 * @typedef {{ probabilities: ArrayLike<number>, score: number }} Curve
 * @typedef {{ x: ArrayLike<number>, map: Curve, random: Curve, randomizedModel?: Curve | null }} Measured
 */

// What each line of a curve is, in the order drawn (the map last, on top).
const LINES = [
  ['random', 'a random map', 'dashed', 'stroke-opacity="0.6" stroke-dasharray="4 3"'],
  [
    'randomizedModel',
    "the randomized model's map",
    'dotted',
    'stroke-opacity="0.8" stroke-dasharray="1 3" stroke-width="2"',
  ],
];

/**
 * What the lines of `r`'s curve are: "the map (solid), a random map (dashed), …".
 * @param {Measured} r
 */
export const curveKey = (r) =>
  ['the map (solid)', ...LINES.filter(([k]) => r[k]).map(([, what, style]) => `${what} (${style})`)].join(', ');

/**
 * SVG markup of the class probability against `r.x` for the map (solid), a random map (dashed)
 * and, when measured, the sanity check's randomized model's map (dotted).
 * @param {{ label: string, x: string }} info the metric's catalog entry
 * @param {Measured} r
 */
export function curveSvg(info, r) {
  const others = LINES.filter(([k]) => r[k])
    .map(
      ([k, , , style]) =>
        `<polyline points="${points(r.x, r[k].probabilities)}" fill="none" stroke="currentColor" ${style}/>`,
    )
    .join('\n');
  // Room left of and under the box for the axes' ends: probability 0 and 1, fraction 0 and 1.
  const left = 16,
    below = 14;
  return `<svg viewBox="${-left} -4 ${W + left + 6} ${H + below + 4}" width="${W + left + 6}" height="${H + below + 4}" role="img" aria-label="${escape(`${info.label}: class probability against ${info.x}, ${curveKey(r)}`)}">
<rect x="0" y="0" width="${W}" height="${H}" fill="none" stroke="currentColor" stroke-opacity="0.3"/>
<g font-size="10" fill="currentColor" fill-opacity="0.8" aria-hidden="true">
<text x="-4" y="8" text-anchor="end">1</text><text x="-4" y="${H}" text-anchor="end">0</text>
<text x="0" y="${H + below - 2}">0</text><text x="${W}" y="${H + below - 2}" text-anchor="end">1</text>
</g>
${others}
<polyline points="${points(r.x, r.map.probabilities)}" fill="none" stroke="#c0392b" stroke-width="2"/>
</svg>`;
}

/**
 * "Deletion: 0.123 (random map 0.456, randomized model's map 0.400; lower is more faithful)".
 * @param {{ label: string, lowerIsBetter: boolean }} info
 * @param {Measured} r
 */
export function scoreLine(info, r) {
  const beside = [`random map ${r.random.score.toPrecision(3)}`];
  if (r.randomizedModel) beside.push(`randomized model's map ${r.randomizedModel.score.toPrecision(3)}`);
  return `${info.label}: ${r.map.score.toPrecision(3)} (${beside.join(', ')}; ${info.lowerIsBetter ? 'lower' : 'higher'} is more faithful)`;
}

/**
 * Whether the map did better than the random map (and the randomized model's map), in a sentence.
 * @param {{ label: string, lowerIsBetter: boolean }} info
 * @param {Measured} r
 */
export function reading(info, r) {
  const better = (/** @type {Curve} */ other) =>
    info.lowerIsBetter ? r.map.score < other.score : r.map.score > other.score;
  if (!better(r.random)) return `${info.label}: no better than a random map on this picture.`;
  if (!r.randomizedModel) return `${info.label}: better than a random map.`;
  return better(r.randomizedModel)
    ? `${info.label}: better than a random map and than the randomized model's map.`
    : `${info.label}: better than a random map, but no better than the randomized model's map: it may not show what the model learned.`;
}

// The sanity check's randomized model whose map a measurement is compared with: kernels of the top
// three weighted layers random, as the page's Sanity check shows it.
export const RANDOMIZED_TOP_LAYERS = 3;
