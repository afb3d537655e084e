// "How faithful is this map?": under a map, the deletion and insertion curves of the map beside a
// random map's, their areas and a sentence saying what they mean (Model.measure, run on request:
// each curve is some forty forward passes).
import { METRIC_INFO } from '../catalog.js';
import { curveSvg, reading, scoreLine } from '../metric_curves.js';
import { el } from '../ui.js';

/** @typedef {import('../view_context.js').ViewContext} ViewContext */

// The curves the panel draws; confidence is a number, said under them.
const METRICS = ['deletion', 'insertion', 'confidence'];

/**
 * Measures map `x` (an explanation on show) and draws the result into `target`.
 * @param {ViewContext} app
 * @param {{ map: Float32Array, classIndex: number }} x
 * @param {HTMLElement} target
 */
export async function measureFaithfulness(app, x, target) {
  const said = el('p', { role: 'status' }, 'How faithful is this map: measuring…');
  target.replaceChildren(said);
  target.scrollIntoView({ block: 'nearest' });
  const results = [];
  for (const metric of METRICS) {
    const info = METRIC_INFO.get(metric);
    const r = await app
      .request(
        'measure',
        { metric, map: x.map, options: { class: x.classIndex } },
        { label: `${info.label} of the map` },
      )
      .catch((e) => {
        said.textContent = `Measuring ${e?.name === 'CancelledError' ? 'was cancelled' : 'failed'}: press How faithful? to start it again.`;
        throw e;
      });
    results.push([info, r]);
  }
  said.textContent = `How faithful is this map: ${results
    .map(([info, r]) => reading(info, r.map.score, r.random.score))
    .join(' ')}`;
  const curves = el('div', { className: 'row' }),
    numbers = [];
  for (const [info, r] of results) {
    const line = scoreLine(info, r.map.score, r.random.score);
    if (!r.x.length) {
      numbers.push(el('p', { className: 'note' }, line));
      continue;
    }
    const chart = el('div', { className: 'metric-curve' });
    chart.innerHTML = curveSvg(info, r.x, r.map.probabilities, r.random.probabilities);
    curves.append(el('figure', {}, chart, el('figcaption', {}, line)));
  }
  target.append(
    curves,
    ...numbers,
    el(
      'p',
      { className: 'note' },
      'Class probability as the pixels the map ranks highest are deleted from the picture (replaced by black) ' +
        'or inserted into a black one, the map (solid) beside a random map (dashed); the numbers are the areas ' +
        'under the curves (Petsiuk et al. 2018).',
    ),
  );
  target.scrollIntoView({ block: 'nearest' });
}
