// The single-file page (file://, never cross-origin isolated) splits SmoothGrad, integrated
// gradients, occlusion, Score-CAM, Ablation-CAM and the faithfulness metrics' passes over extra
// workers, and runs the sanity check's two maps, Compare's panes and maximization targets side by
// side (web/src/worker_team.js): the same maps and figures
// as one worker, bit for bit; the progress line says how many workers; cancel stops them all and
// leaves the page usable; a model switch leaves none behind; a model too big for the memory budget
// gets fewer workers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';

import { explainArgs, openPage, settled } from '../support/page.mjs';
import { root } from '../support/models.mjs';

const pageUrl = `file://${path.join(root, 'dist/convscope.html')}`;

// How many workers the page would split `method` over for its model.
const workersFor = (page, method) =>
  page.evaluate((m) => window.convscopeApp.team.workersFor(m, window.convscopeApp.state.model.info), method);

// Starts a long integrated-gradients run (1,000 steps) from the page's own request path and waits
// until its progress line, shown, matches `line`. `done`: the run's end, 'finished' or its error's
// name (wrapped, so that awaiting this does not wait for the run).
async function longRun(page, line) {
  const done = page.evaluate(() =>
    window.convscopeApp
      .request('explain', { method: 'ig', options: { samples: 1000 }, overlay: { resize: 'keras' } })
      .then(
        () => 'finished',
        (e) => e.name,
      ),
  );
  await page.waitForFunction(
    (source) =>
      new RegExp(source).test(document.getElementById('progress-text').textContent) &&
      !document.getElementById('progress').hidden,
    line.source,
    { timeout: 60000 },
  );
  return { done };
}

// In the page: `method` on the page's model and image, on one worker and on `workers`.
async function explainBothWays(page, method, options, workers) {
  return page.evaluate(
    async ({ args, workers }) => {
      const app = window.convscopeApp;
      const one = await app.client.request('explain', args);
      const many = await app.team.explain(args, workers);
      return {
        sameMap: one.map.length > 0 && one.map.every((v, i) => v === many.map[i]),
        sameFigure: one.figure.data.every((v, i) => v === many.figure.data[i]),
        sameComputation: one.computation === many.computation,
        helpers: app.team.workerCount,
      };
    },
    { args: await explainArgs(page, method, options), workers },
  );
}

test('file:// page: split methods on 2 and 3 workers equal one worker bit for bit', async () => {
  const { page, problems, requests, close } = await openPage(pageUrl);
  try {
    for (const workers of [2, 3]) {
      for (const [method, options] of [
        ['smoothgrad', { samples: 7, seed: 3 }],
        ['ig', { samples: 5 }],
        ['occlusion', { patch: 6, stride: 3 }],
        ['scorecam', {}],
        ['ablationcam', {}],
      ]) {
        const r = await explainBothWays(page, method, options, workers);
        assert.deepEqual(
          r,
          { sameMap: true, sameFigure: true, sameComputation: true, helpers: workers - 1 },
          `${method} on ${workers} workers`,
        );
      }
    }
    // The sanity check's two maps, and a request on the second worker (Compare's right pane).
    const gradcam = await explainArgs(page, 'gradcam', { topLayers: 2 }, { resize: 'keras', alpha: 1 });
    const other = await page.evaluate(async (args) => {
      const app = window.convscopeApp;
      const one = await app.client.request('sanityCheck', args);
      const two = await app.team.sanityCheck(args);
      const here = await app.client.request('explain', args);
      const there = await app.team.elsewhere(1, 'explain', args);
      // A maximization target on the second worker, as the Maximize view sends every other unit.
      const unit = { model: 'page', options: { layer: 'block2_conv1', filter: 3, steps: 4 } };
      const mine = await app.client.request('maximize', unit);
      const theirs = await app.team.elsewhere(1, 'maximize', unit);
      // A faithfulness metric's passes on 1 and 3 workers.
      const measureArgs = {
        ...args,
        metric: 'road-morf',
        map: here.map,
        options: { percentStep: 20, randomizedModelMap: one.randomized.map },
      };
      const measuredOnce = await app.client.request('measure', measureArgs);
      const measuredByThree = await app.team.measure(measureArgs, 3);
      // The page's own request path shares it out among the workers it has.
      const teamMeasure = app.team.measure;
      let shared = 0;
      app.team.measure = (...a) => {
        shared++;
        return teamMeasure.apply(app.team, a);
      };
      const measuredByPage = await app.request('measure', measureArgs);
      app.team.measure = teamMeasure;
      const same = (a, b) => a.length > 0 && a.every((v, i) => v === b[i]);
      return {
        spearman: [one.spearman, two.spearman],
        layers: two.randomizedLayers.length,
        figures:
          same(one.original.figure.data, two.original.figure.data) &&
          same(one.randomized.figure.data, two.randomized.figure.data),
        elsewhere: same(here.figure.data, there.figure.data) && same(mine.data, theirs.data),
        measured: ['map', 'random', 'randomizedModel'].every(
          (k) =>
            same(measuredOnce[k].probabilities, measuredByThree[k].probabilities) &&
            same(measuredOnce[k].probabilities, measuredByPage[k].probabilities) &&
            measuredOnce[k].score === measuredByThree[k].score,
        ),
        shared,
      };
    }, gradcam);
    assert.equal(other.spearman[0], other.spearman[1]);
    assert.deepEqual([other.layers, other.figures, other.elsewhere, other.measured], [2, true, true, true]);
    assert.equal(other.shared, 1, "the page's request went to the worker team");
    assert.deepEqual(
      requests.filter((u) => !/^(file|data|blob):/.test(u)),
      [],
      'network requests',
    );
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('file:// page: the progress line names the workers; cancel stops them all; a new model leaves none', async () => {
  const { page, problems, close } = await openPage(pageUrl);
  try {
    // Chromium here reports 2 cores and 8 GB: the default model gets both cores.
    assert.equal(await workersFor(page, 'ig'), 2);
    assert.equal(await workersFor(page, 'gradcam'), 1);
    const { done } = await longRun(page, /^explain on 2 workers \d+%/);
    assert.equal(await page.evaluate(() => window.convscopeApp.team.workerCount), 1);
    await page.click('#cancel');
    assert.equal(await done, 'CancelledError');
    assert.equal(await page.evaluate(() => window.convscopeApp.team.workerCount), 0, 'every extra worker stopped');
    // Still usable: the same split method again, then a model switch drops the extra workers.
    await settled(page);
    const r = await explainBothWays(page, 'smoothgrad', { samples: 4 }, 2);
    assert.ok(r.sameMap && r.helpers === 1);
    await page.setInputFiles('#model-input', path.join(root, 'web/models/default.bin'));
    await page.waitForFunction(() => /default\.bin/.test(document.getElementById('model-info').textContent), null, {
      timeout: 60000,
    });
    assert.equal(
      await page.evaluate(() => window.convscopeApp.team.workerCount),
      0,
      'no extra worker after a model switch',
    );
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('file:// page: with little device memory a model gets fewer workers, and the progress line says one', async () => {
  const { page, problems, close } = await openPage(pageUrl, {
    // 0.15 GB: half of it holds one worker of the default model (1.1 MB file: 53 MB) but not two.
    initScript: () => Object.defineProperty(navigator, 'deviceMemory', { value: 0.15 }),
  });
  try {
    assert.equal(await workersFor(page, 'ig'), 1);
    const { done } = await longRun(page, /^explain \d+%/);
    assert.equal(await page.evaluate(() => window.convscopeApp.team.workerCount), 0);
    await page.click('#cancel');
    assert.equal(await done, 'CancelledError');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
