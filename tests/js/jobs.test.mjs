// Long requests outlive the view that started them (web/src/jobs.js): a view drawn again while a
// run is in flight joins it — it gets the latest partial result and progress at once, every later
// one, and the same result — instead of starting the run again or showing nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { Jobs } from '../../web/src/jobs.js';

test('a second caller joins the run in flight: its latest partial and progress, then the end', async () => {
  const jobs = new Jobs();
  let started = 0,
    finish,
    report;
  const start = (onPartial, onProgress) => {
    started++;
    report = { onPartial, onProgress };
    return new Promise((resolve) => {
      finish = resolve;
    });
  };
  const first = [],
    second = [];
  const a = jobs.join('occlusion', start, { onPartial: (p) => first.push(p), onProgress: (f) => first.push(f) });
  report.onPartial('coarse map');
  report.onProgress(0.25, 3000);
  assert.ok(jobs.has('occlusion'));
  // The view drawn again (a tab switch): it sees where the run is without waiting for more.
  const b = jobs.join('occlusion', start, { onPartial: (p) => second.push(p), onProgress: (f) => second.push(f) });
  assert.deepEqual(second, ['coarse map', 0.25]);
  report.onProgress(0.5, 2000);
  finish('final map');
  assert.deepEqual(await Promise.all([a, b]), ['final map', 'final map']);
  assert.equal(started, 1);
  assert.deepEqual(first, ['coarse map', 0.25, 0.5]);
  assert.deepEqual(second, ['coarse map', 0.25, 0.5]);
  assert.equal(jobs.has('occlusion'), false);
});

test('a failed or cancelled run is not joined later: the next caller starts afresh', async () => {
  const jobs = new Jobs();
  await assert.rejects(
    jobs.join('ig', () => Promise.reject(new Error('cancelled'))),
    /cancelled/,
  );
  assert.equal(jobs.has('ig'), false);
  assert.equal(await jobs.join('ig', () => Promise.resolve('map')), 'map');
});
