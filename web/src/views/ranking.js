// Compare's ranking: every method whose map is quick to make, measured on the picture by one
// faithfulness metric (Model.measure) and listed from the most faithful, beside a random map's
// score. Run on request: each map is a curve of forward passes.
import { METHOD_INFO, METRIC_INFO } from '../catalog.js';
import { explained } from './explain.js';
import { el, select, taskButton } from '../ui.js';

/** @typedef {import('../view_context.js').ViewContext} ViewContext */

/**
 * The ranking's controls and its result.
 * @param {ViewContext} app
 * @param {string[]} methods the methods to rank
 */
export function rankingPanel(app, methods) {
  const metrics = [...METRIC_INFO.values()].map((m) => [m.name, m.label]);
  const result = el('div', {});
  const chosen = () => app.state.rankBy ?? metrics[0][0];
  const button = taskButton('Rank the methods', () => rank(app, methods, chosen(), result), app.showError);
  return el(
    'section',
    { 'aria-label': 'Rank the methods by faithfulness' },
    el(
      'div',
      { className: 'controls' },
      select('Rank by', metrics, chosen(), (v) => {
        app.state.rankBy = v;
        app.saveHash();
      }),
      button,
    ),
    result,
  );
}

/**
 * @param {ViewContext} app
 * @param {string[]} methods
 * @param {string} metric
 * @param {HTMLElement} target
 */
async function rank(app, methods, metric, target) {
  const info = METRIC_INFO.get(metric);
  const said = el('p', { role: 'status' }, `Ranking ${methods.length} methods by ${info.label}…`);
  target.replaceChildren(said);
  const scores = [];
  let random = NaN;
  try {
    for (const method of methods) {
      const x = await explained(app, method, { force: true });
      const r = await app.request(
        'measure',
        { metric, map: x.map, options: { class: x.classIndex } },
        { label: `${info.label} of ${METHOD_INFO.get(method).label}` },
      );
      scores.push([method, r.map.score]);
      random = r.random.score;
    }
  } catch (e) {
    said.textContent = `Ranking ${e?.name === 'CancelledError' ? 'was cancelled' : 'failed'}: press Rank the methods to start it again.`;
    throw e;
  }
  scores.sort(([, a], [, b]) => (info.lowerIsBetter ? a - b : b - a));
  const beats = (score) => (info.lowerIsBetter ? score < random : score > random);
  said.textContent = `Ranked by ${info.label} (${info.lowerIsBetter ? 'lower' : 'higher'} is more faithful); a random map scores ${random.toPrecision(3)}.`;
  target.append(
    el(
      'ol',
      { className: 'ranking' },
      ...scores.map(([method, score]) =>
        el(
          'li',
          {},
          `${METHOD_INFO.get(method).label}: ${score.toPrecision(3)}${beats(score) ? '' : ' (no better than a random map)'}`,
        ),
      ),
    ),
  );
}
