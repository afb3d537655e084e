// How a faithfulness measurement (Model.measure) is shown, the same in the page and in the CLI's
// index.html: its curve beside the random map's as SVG, and a sentence saying what the numbers
// mean. The metrics' names, labels and which way is better come from the core's catalog.

const W = 200,
  H = 100;
// Text for HTML (and SVG) markup.
/** @param {unknown} s */
export const escape = (s) =>
  String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
// A curve of probabilities over [0, 1] as SVG points in the W x H box (probability 1 at the top).
const points = (x, p) => Array.from(x, (v, i) => `${(v * W).toFixed(1)},${((1 - p[i]) * H).toFixed(1)}`).join(' ');

/**
 * SVG markup of the class probability against `x` for a map (solid) and a random map (dashed).
 * @param {{ label: string, x: string }} info the metric's catalog entry
 * @param {ArrayLike<number>} x
 * @param {ArrayLike<number>} map
 * @param {ArrayLike<number>} random
 */
export function curveSvg(info, x, map, random) {
  return `<svg viewBox="-2 -2 ${W + 4} ${H + 4}" width="${W}" height="${H}" role="img" aria-label="${escape(`${info.label}: class probability against ${info.x}, the map's curve solid, a random map's dashed`)}">
<rect x="0" y="0" width="${W}" height="${H}" fill="none" stroke="currentColor" stroke-opacity="0.3"/>
<polyline points="${points(x, random)}" fill="none" stroke="currentColor" stroke-opacity="0.6" stroke-dasharray="4 3"/>
<polyline points="${points(x, map)}" fill="none" stroke="#c0392b" stroke-width="2"/>
</svg>`;
}

/**
 * "Deletion: 0.123 (random map 0.456; lower is more faithful)".
 * @param {{ label: string, lowerIsBetter: boolean }} info
 * @param {number} score
 * @param {number} randomScore
 */
export const scoreLine = (info, score, randomScore) =>
  `${info.label}: ${score.toPrecision(3)} (random map ${randomScore.toPrecision(3)}; ${info.lowerIsBetter ? 'lower' : 'higher'} is more faithful)`;

/**
 * Whether the map did better than the random map, in a sentence.
 * @param {{ label: string, lowerIsBetter: boolean }} info
 * @param {number} score
 * @param {number} randomScore
 */
export function reading(info, score, randomScore) {
  const better = info.lowerIsBetter ? score < randomScore : score > randomScore;
  return better
    ? `${info.label}: better than a random map.`
    : `${info.label}: no better than a random map on this picture.`;
}
