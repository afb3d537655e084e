// "How faithful?" under a map (web/src/views/faithfulness.js): by keyboard, the deletion, insertion
// and ROAD curves of the map beside a random map's and the randomized model's map's, their numbers,
// a sentence saying what they mean, and the same numbers the module gives for those maps.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { pageUrl } from '../support/first_minutes.mjs';
import { axeViolations, BROWSERS, openPage, settled } from '../support/page.mjs';

const NUMBER = '[\\d.e+-]+';

for (const browser of BROWSERS) {
  test(`${browser}: How faithful? draws the curves beside a random map's and says what they mean`, async () => {
    const { page, problems, close } = await openPage(`${pageUrl}#tab=explain&method=gradcam`, { browser });
    try {
      await settled(page);
      await page.evaluate(() =>
        [...document.querySelectorAll('#view .controls button')].find((b) => b.textContent === 'How faithful?').focus(),
      );
      await page.keyboard.press('Enter');
      await page.waitForFunction(
        () =>
          /^How faithful is this map: (?!measuring)/.test(
            document.querySelector('#view [role=status]')?.textContent ?? '',
          ),
        undefined,
        { timeout: 120000 },
      );
      await settled(page);
      const shown = await page.evaluate(() => ({
        status: document.querySelector('#view [role=status]').textContent,
        curves: [...document.querySelectorAll('#view .metric-curve svg')].map((s) => ({
          label: s.getAttribute('aria-label'),
          lines: s.querySelectorAll('polyline').length,
        })),
        captions: [...document.querySelectorAll('#view figure figcaption')].map((c) => c.textContent),
        notes: [...document.querySelectorAll('#view p.note')].map((p) => p.textContent),
      }));
      assert.match(shown.status, /Deletion: (better than a random map|no better than a random map on this picture)\./);
      assert.match(shown.status, /Insertion: /);
      assert.deepEqual(
        shown.curves.map((c) => [c.label.split(':')[0], c.lines]),
        [
          ['Deletion', 3],
          ['Insertion', 3],
          ['ROAD, most relevant first', 3],
          ['ROAD, least relevant first', 3],
        ],
      );
      assert.ok(
        shown.captions.some((c) =>
          new RegExp(
            `^Deletion: ${NUMBER} \\(random map ${NUMBER}, randomized model's map ${NUMBER}; lower is more faithful\\)$`,
          ).test(c),
        ),
      );
      assert.ok(
        shown.captions.some((c) =>
          new RegExp(
            `^Insertion: ${NUMBER} \\(random map ${NUMBER}, randomized model's map ${NUMBER}; higher is more faithful\\)$`,
          ).test(c),
        ),
      );
      assert.ok(
        shown.captions.some((c) =>
          new RegExp(
            `^ROAD, least relevant first: ${NUMBER} \\(random map ${NUMBER}, randomized model's map ${NUMBER}; higher is more faithful\\)$`,
          ).test(c),
        ),
      );
      assert.ok(shown.notes.some((n) => n.startsWith('Confidence change: ')));
      // The numbers are the module's for the map on show.
      const direct = await page.evaluate(async () => {
        const app = window.convscopeApp;
        const x = await app.request('explain', { method: 'gradcam', options: {}, overlay: { resize: 'keras' } });
        const r = await app.request('measure', { metric: 'deletion', map: x.map, options: { class: x.classIndex } });
        const s = await app.request('sanityCheck', {
          method: 'gradcam',
          options: { topLayers: 3, randomizedOnly: true },
          overlay: { resize: 'keras' },
        });
        const randomized = await app.request('measure', {
          metric: 'deletion',
          map: s.randomized.map,
          options: { class: x.classIndex },
        });
        return [r.map.score, randomized.map.score].map((v) => v.toPrecision(3));
      });
      assert.ok(
        shown.captions.some(
          (c) => c.startsWith(`Deletion: ${direct[0]} `) && c.includes(`randomized model's map ${direct[1]};`),
        ),
        `${direct} in ${shown.captions}`,
      );
      assert.deepEqual(await axeViolations(page), []);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
}

for (const browser of BROWSERS) {
  test(`${browser}: Compare ranks every quick method by the chosen metric, from a link`, async () => {
    const { page, problems, close } = await openPage(`${pageUrl}#tab=compare&rankBy=insertion`, { browser });
    try {
      await settled(page);
      assert.equal(
        await page.evaluate(() => document.querySelector('#view select[aria-label="Rank by"]').value),
        'insertion',
      );
      await page.evaluate(() =>
        [...document.querySelectorAll('#view button')].find((b) => b.textContent === 'Rank the methods').focus(),
      );
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelectorAll('#view ol.ranking li').length > 0, undefined, {
        timeout: 180000,
      });
      await settled(page);
      const shown = await page.evaluate(() => ({
        status: [...document.querySelectorAll('#view [role=status]')].map((s) => s.textContent).join(' '),
        items: [...document.querySelectorAll('#view ol.ranking li')].map((li) => li.textContent),
      }));
      assert.match(
        shown.status,
        new RegExp(`^Ranked by Insertion \\(higher is more faithful\\); a random map scores ${NUMBER}\\.$`),
      );
      const scores = shown.items.map((t) => Number(t.match(new RegExp(`: (${NUMBER})`))[1]));
      assert.ok(shown.items.length >= 8, shown.items.join('; '));
      assert.deepEqual(
        scores,
        [...scores].sort((a, b) => b - a),
        'from the most faithful',
      );
      assert.ok(shown.items.some((t) => t.startsWith('Grad-CAM: ')));
      assert.ok(!shown.items.some((t) => /^(Score-CAM|Occlusion|SmoothGrad)/.test(t)), 'only quick methods');
      assert.deepEqual(await axeViolations(page), []);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
}
