// The <conv-scope> widget on pages opened from file://, which cannot fetch the files beside them:
// a widget says which file it could not load and what to do; dist/examples/ (pictures inlined)
// draws every widget, the widget loading the twins that carry its wasm build and default model
// (one build of the two).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';

import { root } from '../support/models.mjs';
import { openPage } from '../support/page.mjs';

// From file:// a widget cannot fetch the files beside its page: the widget says which file and
// what to do, instead of "Failed to fetch".
test('the tutorial opened from file:// explains why its images cannot load', async () => {
  const { page, close } = await openPage(`file://${path.join(root, 'web/examples/tutorial.html')}`, { ready: false });
  try {
    // Scrolled to on every poll, as a reader would: widgets above it change height as they fail,
    // which can push it back out of view before it ever intersects.
    await page.waitForFunction(
      () => {
        const widget = document.querySelector('conv-scope[view=features]');
        widget?.scrollIntoView({ block: 'center' });
        return widget?.shadowRoot?.querySelector('.error')?.hidden === false;
      },
      null,
      { timeout: 120000, polling: 250 },
    );
    assert.equal(
      await page.evaluate(
        () => document.querySelector('conv-scope[view=features]').shadowRoot.querySelector('.error').textContent,
      ),
      'convscope: could not load the image ../samples/fashion-sneaker.png: a page opened from file:// cannot read files beside it. ' +
        'Serve the folder over http (npx convscope serve, or python3 -m http.server), or drop the file onto an interactive widget',
    );
    // ... and the interactive widget offers itself to drop onto.
    assert.equal(
      await page.evaluate(
        () => document.querySelector('conv-scope[view=features]').shadowRoot.querySelector('.drop-here')?.textContent,
      ),
      'Drop a picture onto this box to see it here.',
    );
  } finally {
    await close();
  }
});

// dist/examples/ works from where it is, from disk too: every widget of the tutorial draws.
test('dist/examples/tutorial.html opened from file:// draws every widget', async () => {
  // Scripts the widget adds (resource timing does not list file:// loads).
  const scriptsAdded = `window.scriptsAdded = [];
    const append = Element.prototype.append;
    Element.prototype.append = function (...nodes) {
      for (const n of nodes) if (n instanceof HTMLScriptElement) window.scriptsAdded.push(n.src.split('/').pop());
      return append.apply(this, nodes);
    };`;
  const { page, problems, close } = await openPage(`file://${path.join(root, 'dist/examples/tutorial.html')}`, {
    ready: false,
    initScript: scriptsAdded,
  });
  try {
    const count = await page.evaluate(() => document.querySelectorAll('conv-scope').length);
    for (let i = 0; i < count; i++) {
      await page.waitForFunction(
        (k) => {
          const widget = document.querySelectorAll('conv-scope')[k];
          widget.scrollIntoView({ block: 'center' });
          const s = widget.shadowRoot;
          return s && (!s.querySelector('.error').hidden || s.querySelector('main canvas, main pre'));
        },
        i,
        { timeout: 120000, polling: 250 },
      );
    }
    const errors = await page.evaluate(() =>
      [...document.querySelectorAll('conv-scope')].map((w) =>
        w.shadowRoot.querySelector('.error').hidden ? null : w.shadowRoot.querySelector('.error').textContent,
      ),
    );
    assert.deepEqual(errors, new Array(count).fill(null));
    assert.deepEqual(problems, []);
    // From disk, the twins that carry the files: one build of the two.
    assert.deepEqual(await page.evaluate(() => window.scriptsAdded.sort()), [
      'convscope-default-model.bin.js',
      'convscope-web-relaxed.wasm.js',
    ]);
  } finally {
    await close();
  }
});
