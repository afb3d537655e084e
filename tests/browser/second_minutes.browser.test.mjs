// A new user's second ten minutes with dist/convscope.html from file://, in Chromium and in Firefox
// ESR (issue 35): a message given at once outlives the page's first render; an edit then a click
// on Run runs once with the edited value; Maximize keeps what is typed, runs on Enter and names
// what it cannot use; one progress line per run that never goes back; Escape cancels and focus
// returns to Run; a view's error stays with its view, and an unknown layer in the link is named;
// what a click makes is brought into view; on a desktop the first figure starts in the upper third
// of the window, on a phone every tab is on screen; the tabs are in a landmark; the header says how
// many workers methods of many passes run on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { pageUrl } from '../support/first_minutes.mjs';
import { root } from '../support/models.mjs';
import { axeViolations, BROWSERS, openPage, settled } from '../support/page.mjs';

const VIEWPORT = { width: 1440, height: 1000 };

// Counts the page's worker requests of kind `op` (their args, in window.requested).
const countRequests = (page, op) =>
  page.evaluate((kind) => {
    const app = window.convscopeApp,
      request = app.request.bind(app);
    window.requested = [];
    app.request = (o, args, options) => {
      if (o === kind) window.requested.push(args);
      return request(o, args, options);
    };
  }, op);

// Types `text` into a field, as a person does (input events; its change event comes on blur).
async function type(page, selector, text) {
  await page.evaluate((s) => {
    const input = document.querySelector(s);
    input.focus();
    input.value = '';
  }, selector);
  await page.keyboard.type(text);
}

// A person's click: pressed, held a moment (the page may redraw meanwhile), released.
async function slowClick(page, selector) {
  const [x, y] = await page.evaluate((s) => {
    const r = document.querySelector(s).getBoundingClientRect();
    return [r.x + r.width / 2, r.y + r.height / 2];
  }, selector);
  await page.mouse.move(x, y);
  await page.mouse.down();
  await new Promise((resolve) => setTimeout(resolve, 400));
  await page.mouse.up();
}

const viewError = (page) =>
  page.evaluate(() => {
    const e = document.getElementById('view-error');
    return e.hidden ? null : e.textContent;
  });

for (const browser of BROWSERS) {
  test(`${browser}: a model dropped at once keeps its message past the first render`, async () => {
    const truncated = readFileSync(path.join(root, 'build/native/test-models/small-weights-2016.h5')).subarray(
      0,
      100000,
    );
    // Dropped as soon as the page's inputs are wired (its module has run), before its model and
    // first picture are shown.
    const dropAtOnce = `document.addEventListener('DOMContentLoaded', () => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(atob('${truncated.toString('base64')}'), (c) => c.charCodeAt(0))], 'truncated.h5'));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });`;
    const { page, problems, close } = await openPage(pageUrl, {
      browser,
      viewport: VIEWPORT,
      initScript: dropAtOnce,
      ready: false,
    });
    try {
      await page.waitForFunction(() => window.convscopeReady === true);
      await settled(page);
      assert.deepEqual(
        await page.evaluate(() => [
          document.getElementById('error').hidden,
          document.getElementById('error-text').textContent,
        ]),
        [false, 'truncated.h5: cannot open the HDF5 file (is it truncated?)'],
      );
      // The page went on: its default model and first picture are on show.
      assert.equal(await page.evaluate(() => document.querySelectorAll('#strip [role=option]').length), 1);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test(`${browser}: edit then click on Run runs once, with the edited value`, async () => {
    const { page, problems, close } = await openPage(`${pageUrl}#tab=explain&method=occlusion`, {
      browser,
      viewport: VIEWPORT,
    });
    try {
      await settled(page);
      await countRequests(page, 'explain');
      await type(page, '#view input[aria-label=patch]', '4');
      await slowClick(page, '#view .controls button:first-of-type');
      await page.waitForFunction(() => document.querySelector('#view figure canvas') !== null);
      await settled(page);
      assert.deepEqual(await page.evaluate(() => window.requested.map((r) => [r.method, r.options.patch])), [
        ['occlusion', 4],
      ]);
      // Edit, then Sanity check: its maps land in the view on show, not in one a redraw replaced.
      await type(page, '#view input[aria-label=patch]', '6');
      await slowClick(page, '#view .controls button:last-of-type');
      await page.waitForFunction(() =>
        [...document.querySelectorAll('#view [role=status]')].some((p) =>
          p.textContent.startsWith('Sanity check (Adebayo'),
        ),
      );
      await settled(page);
      assert.equal(
        await page.evaluate(
          () =>
            [...document.querySelectorAll('#view [role=status]')]
              .find((p) => p.textContent.startsWith('Sanity check (Adebayo'))
              .parentElement.querySelectorAll('figure').length,
        ),
        2,
      );
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test(`${browser}: one progress line per run; Escape cancels it and focus is back on Run`, async () => {
    const { page, problems, close } = await openPage(`${pageUrl}#tab=explain&method=smoothgrad&samples=1000`, {
      browser,
      viewport: VIEWPORT,
    });
    try {
      await settled(page);
      // A long run (SmoothGrad, many samples, one worker): Escape stops it; focus is on Run again.
      await page.focus('#view .controls button:first-of-type');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => !document.getElementById('progress').hidden);
      const [line, inView] = await page.evaluate(() => [
        document.getElementById('progress-text').textContent,
        document.querySelector('#view .view-progress [aria-hidden=true]').textContent,
      ]);
      assert.match(line, /^SmoothGrad( on \d workers)? /);
      // The view says where the page's line is, without a percentage of its own.
      assert.match(inView, /^ SmoothGrad is running: progress and Cancel at the bottom of the window\.$/);
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => document.getElementById('progress').hidden);
      // The view draws its cancelled state after the line hides, then gives Run the focus: wait for
      // it (under load, Firefox got there after the line had gone).
      await page
        .waitForFunction(() => document.activeElement?.textContent === 'Run', null, { timeout: 5000 })
        .catch(() => {});
      assert.deepEqual(
        await page.evaluate(() => [
          document.activeElement.textContent,
          document.querySelector('#view .view-progress, #view .row p')?.textContent,
        ]),
        ['Run', 'SmoothGrad was cancelled: press Run to start it again.'],
      );
      // Cancel (the button takes focus when clicked) gives focus back to Run too.
      await page.focus('#view .controls button:first-of-type');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => !document.getElementById('progress').hidden);
      await page.click('#cancel');
      await page.waitForFunction(() => document.getElementById('progress').hidden);
      await page
        .waitForFunction(() => document.activeElement?.textContent === 'Run', null, { timeout: 5000 })
        .catch(() => {});
      assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Run');
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test(`${browser}: Maximize keeps what is typed, runs on Enter, names what it cannot use`, async () => {
    const { page, problems, close } = await openPage(`${pageUrl}#tab=maximize`, { browser, viewport: VIEWPORT });
    try {
      await settled(page);
      const field = '#view .controls label input:not([type])';
      assert.match(await page.evaluate((f) => document.querySelector(f).labels[0].textContent, field), /^filters /);
      assert.equal(await page.evaluate((f) => document.querySelector(f).getAttribute('aria-label'), field), null);
      await type(page, field, '5,6,7');
      // Another option changed: the view is drawn again, with the typed filters.
      await page.evaluate(() => {
        const preset = document.querySelector('#view select[aria-label=preset]');
        preset.value = preset.options[preset.selectedIndex === 0 ? 1 : 0].value;
        preset.dispatchEvent(new Event('change', { bubbles: true }));
      });
      await settled(page);
      assert.equal(await page.evaluate((f) => document.querySelector(f).value, field), '5,6,7');
      // Enter synthesizes; the progress bar's values never go back.
      await page.evaluate(() => {
        window.progressSeen = [];
        new MutationObserver(() =>
          window.progressSeen.push(document.querySelector('#progress progress').value),
        ).observe(document.querySelector('#progress progress'), { attributes: true, attributeFilter: ['value'] });
      });
      await page.focus(field);
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelectorAll('#view figure').length === 3);
      await settled(page);
      const captions = await page.evaluate(() =>
        [...document.querySelectorAll('#view figcaption')].map((c) => c.textContent),
      );
      assert.equal(captions.length, 3);
      for (const [i, c] of captions.entries()) {
        assert.match(
          c,
          new RegExp(
            `^filter ${5 + i}: mean activation -?\\d+\\.\\d\\d on what it started from \\(the training pictures' mean\\) → `,
          ),
        );
      }
      const seen = await page.evaluate(() => window.progressSeen);
      assert.ok(
        seen.every((v, i) => i === 0 || v >= seen[i - 1]),
        `progress went back: ${seen.join(' ')}`,
      );
      // Edit, then Synthesize: the pictures land in the view on show.
      await page.evaluate(() => document.querySelectorAll('#view figure').forEach((f) => (f.dataset.old = 'yes')));
      await type(page, '#view input[aria-label=steps]', '20');
      await slowClick(page, '#view .controls > button');
      await page.waitForFunction(() => document.querySelectorAll('#view figure:not([data-old])').length === 3);
      await settled(page);
      // Entries that are not filters of the layer are named, and nothing runs.
      await countRequests(page, 'maximize');
      await type(page, field, '0, 99, abc');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => !document.getElementById('view-error').hidden);
      assert.match(await viewError(page), /^filters: "99", "abc": not numbers from 0 to \d+, separated by commas$/);
      assert.deepEqual(await page.evaluate(() => window.requested.length), 0);
      // The error is the view's: another tab does not show it.
      await page.click('#tab-summary');
      await settled(page);
      assert.equal(await viewError(page), null);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test(`${browser}: an unknown layer in the link is named; the sanity check's maps come into view`, async () => {
    const { page, problems, close } = await openPage(`${pageUrl}#tab=explain&layer=nope`, {
      browser,
      viewport: VIEWPORT,
    });
    try {
      await settled(page);
      assert.match(
        await page.evaluate(() => document.getElementById('notice-text').textContent),
        /^Not used: layer=nope \(not in default model\)\./,
      );
      await page.click('#view .controls button:last-of-type');
      await page.waitForFunction(() => document.querySelectorAll('#view figure').length === 3);
      await settled(page);
      const inView = await page.evaluate(() => {
        const r = document.querySelectorAll('#view figure')[2].getBoundingClientRect();
        return [r.top >= 0 && r.bottom <= innerHeight + 1, r.top, r.bottom, innerHeight, scrollY];
      });
      assert.equal(inView[0], true, String(inView));
      assert.match(
        await page.evaluate(() => document.querySelector('#view [role=status]').textContent),
        /^Sanity check \(Adebayo et al\. 2018\)/,
      );
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
}

for (const browser of BROWSERS) {
  test(`${browser}: on a desktop the first figure starts in the window's upper third`, async () => {
    const { page, problems, close } = await openPage(`${pageUrl}#tab=explain`, { browser, viewport: VIEWPORT });
    try {
      await settled(page);
      const top = await page.evaluate(() => document.querySelector('#view figure').getBoundingClientRect().top);
      assert.ok(top < VIEWPORT.height / 3, `the first figure starts at y = ${top} of ${VIEWPORT.height}`);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test(`${browser}: on a phone every tab is on screen, in a landmark; the header names the workers`, async () => {
    const { page, problems, close } = await openPage(pageUrl, { browser, viewport: { width: 390, height: 844 } });
    try {
      await settled(page);
      const offScreen = await page.evaluate(() =>
        [...document.querySelectorAll('#tabs [role=tab]')]
          .filter((t) => {
            const r = t.getBoundingClientRect();
            return r.left < 0 || r.right > innerWidth;
          })
          .map((t) => t.textContent),
      );
      assert.deepEqual(offScreen, []);
      assert.deepEqual(
        (await axeViolations(page, ['moderate', 'serious', 'critical'])).filter((v) => v.startsWith('region')),
        [],
      );
      // The predictions chart is drawn at the phone's width, not shrunk (its 13 px text stays 13 px).
      const chart = await page.evaluate(() => {
        const c = document.querySelector('#view canvas[aria-label="top-5 predictions"]');
        return [c.getBoundingClientRect().width, parseFloat(c.style.width)];
      });
      assert.ok(chart[0] >= chart[1] - 0.5, `the chart is drawn ${chart[1]} wide and shown ${chart[0]} wide`);
      // From file:// the module has one thread, but methods of many passes run on several workers.
      const [workers, header] = await page.evaluate(() => [
        window.convscopeApp.team.available(window.convscopeApp.state.model.info),
        document.getElementById('model-info').textContent,
      ]);
      if (workers > 1) assert.match(header, new RegExp(`1 thread \\(methods of many passes on ${workers} workers\\)$`));
      else assert.match(header, /1 thread$/);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
}
