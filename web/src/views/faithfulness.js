// "How faithful is this map?": under a map, the deletion, insertion and ROAD curves of the map
// beside a random map's and the sanity check's randomized model's map's, their numbers and a
// sentence saying what they mean (Model.measure, run on request: each curve is 10 to 21 forward
// passes per map by default).
import { METRIC_INFO } from '../catalog.js';
import { curveKey, curveSvg, RANDOMIZED_TOP_LAYERS, reading, scoreLine } from '../metric_curves.js';
import { el } from '../ui.js';

/** @typedef {import('../view_context.js').ViewContext} ViewContext */

// The curves the panel draws; confidence is a number, said under them.
const METRICS = ['deletion', 'insertion', 'road-morf', 'road-lerf', 'confidence'];

/**
 * Measures map `x` (an explanation of `method` with `options`, on show) and draws the result into
 * `target`.
 * @param {ViewContext} app
 * @param {string} method
 * @param {Record<string, unknown>} options explain's options
 * @param {{ map: Float32Array, classIndex: number }} x
 * @param {HTMLElement} target
 */
export async function measureFaithfulness(app, method, options, x, target) {
  const said = el('p', { role: 'status' }, 'How faithful is this map: measuring…');
  target.replaceChildren(said);
  target.scrollIntoView({ block: 'nearest' });
  const failed = (e) => {
    said.textContent = `Measuring ${e?.name === 'CancelledError' ? 'was cancelled' : 'failed'}: press How faithful? to start it again.`;
    throw e;
  };
  const randomizedModelMap = (
    await app
      .request(
        'sanityCheck',
        { method, options: { ...options, topLayers: RANDOMIZED_TOP_LAYERS, randomizedOnly: true } },
        { label: "The randomized model's map" },
      )
      .catch(failed)
  ).randomized.map;
  const results = [];
  for (const metric of METRICS) {
    const info = METRIC_INFO.get(metric);
    const r = await app
      .request(
        'measure',
        { metric, map: x.map, options: { class: x.classIndex, randomizedModelMap } },
        { label: `${info.label} of the maps` },
      )
      .catch(failed);
    results.push([info, r]);
  }
  said.textContent = `How faithful is this map: ${results.map(([info, r]) => reading(info, r)).join(' ')}`;
  const curves = el('div', { className: 'row' }),
    numbers = [];
  for (const [info, r] of results) {
    const line = scoreLine(info, r);
    if (!r.x.length) {
      numbers.push(el('p', { className: 'note' }, line));
      continue;
    }
    const chart = el('div', { className: 'metric-curve' });
    chart.innerHTML = curveSvg(info, r);
    curves.append(el('figure', {}, chart, el('figcaption', {}, line)));
  }
  target.append(
    curves,
    ...numbers,
    el(
      'p',
      { className: 'note' },
      'Class probability as the pixels the map ranks highest are deleted from the picture (replaced by black) ' +
        'or inserted into a black one, with areas under the curves as the numbers (Petsiuk et al. 2018); and as ' +
        'a growing share of the pixels, most or least relevant first, is filled in from its surroundings with ' +
        'a little noise, so that the shape of the hole gives nothing away, with mean probabilities as the ' +
        `numbers (ROAD, Rong et al. 2022). Lines: ${curveKey(results[0][1])}; the randomized model is the ` +
        `sanity check's, with the kernels of its top ${RANDOMIZED_TOP_LAYERS} weighted layers random.`,
    ),
  );
  target.scrollIntoView({ block: 'nearest' });
}
