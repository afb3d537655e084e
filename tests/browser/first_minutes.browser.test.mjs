// A new user's first minutes with dist/convscope.html from file://, in Chromium and in Firefox ESR:
// an idle page shows no busy state and work does; the page says what the default model knows;
// every control works from the keyboard (buttons that open the pickers, WAI-ARIA tabs and
// listbox, the diagram) and focus stays where the user acted; links with unknown settings fall
// back with a note; the error banner can be dismissed; formats the browser decodes (WebP) open,
// as do a 16-bit PNG and an EXIF-rotated JPEG; every method's options are controls built from the
// core's catalog. The views themselves: first_minutes_views.browser.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import {
  activeId,
  addImages,
  figureSize,
  files,
  fixture,
  pageUrl,
  selectedTab,
  VIEWPORT,
} from '../support/first_minutes.mjs';
import { BROWSERS, openPage, settled, showTab } from '../support/page.mjs';

for (const browser of BROWSERS) {
  test(`${browser}: idle and busy states, what the model knows, keyboard, links, messages`, async () => {
    const { page, problems, close } = await openPage(`${pageUrl}#tab=explain&method=bogus&patch=x&classIndex=2.5`, {
      browser,
      viewport: VIEWPORT,
    });
    try {
      await settled(page);
      // An unknown method, a non-number and a fractional class in the link: defaults, and a note
      // naming them.
      assert.equal(await page.evaluate(() => document.getElementById('notice').hidden), false);
      assert.match(
        await page.evaluate(() => document.getElementById('notice-text').textContent),
        /^Not used: method=bogus, classIndex=2.5, patch=x \(not known here\)\. The defaults are shown instead\.$/,
      );
      assert.equal(
        await page.evaluate(() => document.querySelector('#view select[aria-label=Method]').value),
        'gradcam',
      );
      await page.click('#dismiss-notice');
      assert.equal(await page.evaluate(() => document.getElementById('notice').hidden), true);
      // Idle: no busy bar (the hidden attribute wins over its flex layout).
      assert.equal(await page.evaluate(() => getComputedStyle(document.getElementById('progress')).display), 'none');

      // What the default model knows, its own samples first, photos apart, the way to VGG16.
      assert.match(
        await page.evaluate(() => document.getElementById('model-knows').textContent),
        /^This model knows 10 classes \(T-shirt\/top, Trouser, Pullover, Dress, …\) and sees 32×32 pixels: it gives every picture one of these names/,
      );
      assert.ok(
        await page.evaluate(
          () =>
            [...document.querySelectorAll('#gallery button')].every((b) => /fashion-/.test(b.title)) &&
            [...document.querySelectorAll('#photo-gallery button')].every((b) => !/fashion-/.test(b.title)) &&
            document.querySelectorAll('#photo-gallery button').length > 0,
        ),
      );
      assert.match(
        await page.evaluate(() => document.getElementById('get-vgg16').textContent),
        /VGG16\(\)[\s\S]*vgg16_weights_tf_dim_ordering_tf_kernels\.h5[\s\S]*\?model=URL/,
      );
      // Said once, in the header, not again in every view.
      assert.deepEqual(await page.evaluate(() => [...document.querySelectorAll('.knows')].map((e) => e.id)), [
        'model-knows',
      ]);

      // Open images / Open model: buttons that take focus and open the pickers from the keyboard.
      await page.evaluate(() => {
        window.picked = [];
        for (const id of ['image-input', 'model-input'])
          document.getElementById(id).click = () => window.picked.push(id);
      });
      for (const id of ['open-images', 'open-model']) {
        await page.focus(`#${id}`);
        assert.equal(await activeId(page), id);
        await page.keyboard.press('Enter');
      }
      assert.deepEqual(await page.evaluate(() => window.picked), ['image-input', 'model-input']);

      // Tabs: arrow keys, Home and End move along them and show the view; focus stays on the tab
      // after the view is drawn, so the next key works too.
      await page.focus('#tab-explain');
      await page.keyboard.press('ArrowRight');
      await settled(page);
      assert.deepEqual([await activeId(page), await selectedTab(page)], ['tab-maximize', 'tab-maximize']);
      await page.keyboard.press('ArrowRight');
      await settled(page);
      assert.deepEqual([await activeId(page), await selectedTab(page)], ['tab-compare', 'tab-compare']);
      await page.keyboard.press('Home');
      await settled(page);
      assert.deepEqual([await activeId(page), await selectedTab(page)], ['tab-predictions', 'tab-predictions']);
      await page.keyboard.press('ArrowLeft'); // wraps around
      await settled(page);
      assert.equal(await selectedTab(page), 'tab-compare');
      assert.equal(
        await page.evaluate(() => document.querySelectorAll('[role=tab][tabindex="0"]').length),
        1,
        'one tab stop',
      );
      assert.equal(
        await page.evaluate(() => document.getElementById('view').getAttribute('aria-labelledby')),
        'tab-compare',
      );

      // The diagram: two presses of ↓ move two layers down the chain (focus survives the redraw).
      await showTab(page, 'architecture');
      const layers = await page.evaluate(() => window.convscopeApp.state.model.summary.rows.map((r) => r.name));
      const before = await page.evaluate(() => window.convscopeApp.state.layer);
      // (an SVG element: puppeteer's focus() takes HTML elements only)
      await page.evaluate(() => document.querySelector('#view .graph-box[aria-current=true]').focus());
      assert.equal(await activeId(page), `graph-box:${before}`);
      for (let i = 0; i < 2; i++) {
        await page.keyboard.press('ArrowDown');
        await settled(page);
      }
      const after = layers[layers.indexOf(before) + 2];
      assert.equal(await page.evaluate(() => window.convscopeApp.state.layer), after);
      assert.equal(await activeId(page), `graph-box:${after}`);
      // Every box lies inside the drawing (none clipped), and the drawing is drawn at its size.
      const outside = await page.evaluate(() => {
        const svg = document.getElementById('architecture-diagram').getBoundingClientRect();
        return [...document.querySelectorAll('#view .graph-box')]
          .map((b) => [b.dataset.box, b.getBoundingClientRect()])
          .filter(([, r]) => r.left < svg.left || r.top < svg.top || r.right > svg.right || r.bottom > svg.bottom)
          .map(([id]) => id);
      });
      assert.deepEqual(outside, []);

      // A grid's tiles zoom from the keyboard too (the first is shown at first).
      await showTab(page, 'features');
      await page.focus('#view canvas[aria-label^="feature maps"]');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      assert.equal(
        await page.evaluate(() => document.querySelector('#view .zoom figcaption').textContent),
        'channel 2',
      );

      // Busy while working: a long maximization shows the bar; Cancel stops it and hides it.
      const run = page.evaluate(
        (layer) =>
          window.convscopeApp.request('maximize', { options: { layer, class: 0, steps: 10000 } }).then(
            () => 'finished',
            (e) => e.name,
          ),
        layers.at(-1),
      );
      await page.waitForFunction(() => getComputedStyle(document.getElementById('progress')).display !== 'none');
      await page.click('#cancel');
      assert.equal(await run, 'CancelledError');
      assert.equal(await page.evaluate(() => getComputedStyle(document.getElementById('progress')).display), 'none');

      // Messages: a size past 32 bits is said as it is; the banner goes away with its button.
      const { speck, giant } = files();
      await page.setInputFiles('#image-input', giant);
      await page.waitForFunction(() => !document.getElementById('error').hidden);
      assert.match(
        await page.evaluate(() => document.getElementById('error-text').textContent),
        /^giant\.png: the image is 2147483647x2147483647 \(4611686014132\.4 megapixels\), over the limit/,
      );
      await page.click('#dismiss-error');
      assert.equal(await page.evaluate(() => document.getElementById('error').hidden), true);

      // Formats: WebP through the browser's decoder (dropped), a 16-bit PNG (pasted), an
      // EXIF-rotated JPEG (picked; shown upright).
      const strip = await page.evaluate(() => document.querySelectorAll('#strip [role=option]').length);
      const pictures = [];
      const give = (how, name) =>
        page.evaluate(
          ([kind, file, b64]) => {
            const dt = new DataTransfer();
            dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], file));
            if (kind === 'drop')
              document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
            else document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true }));
          },
          [how, name, readFileSync(fixture(name)).toString('base64')],
        );
      // (Firefox hands an untrusted paste event an empty clipboardData whatever it was given, so
      // there the 16-bit PNG is dropped too.)
      const paste = browser === 'firefox' ? 'drop' : 'paste';
      for (const [i, [how, file]] of [
        ['drop', 'chelsea.webp'],
        [paste, 'chelsea-16bit.png'],
        ['pick', 'rocket-exif-rotated.jpg'],
      ].entries()) {
        if (how === 'pick') await page.setInputFiles('#image-input', fixture(file));
        else await give(how, file);
        await page.waitForFunction(
          (n) => document.querySelectorAll('#strip [role=option]').length === n,
          strip + i + 1,
        );
        await settled(page);
        pictures.push(
          await page.evaluate(() => [window.convscopeApp.picture.width, window.convscopeApp.picture.height]),
        );
      }
      assert.deepEqual(pictures, [
        [226, 150],
        [226, 150],
        [427, 640],
      ]);
      assert.equal(
        await page.evaluate(() => document.getElementById('error').hidden),
        true,
        await page.evaluate(() => document.getElementById('error-text').textContent),
      );

      // The strip is a listbox: arrows select, Delete removes (focus stays in the strip).
      await page.focus('#strip [aria-selected=true]');
      await page.keyboard.press('ArrowLeft');
      await settled(page);
      assert.deepEqual(await page.evaluate(() => [window.convscopeApp.picture.width, document.activeElement.title]), [
        226,
        'chelsea-16bit.png',
      ]);
      await page.keyboard.press('Delete');
      await settled(page);
      assert.deepEqual(
        await page.evaluate(() => [...document.querySelectorAll('#strip [role=option]')].map((o) => o.title).slice(-2)),
        ['chelsea.webp', 'rocket-exif-rotated.jpg'],
      );
      assert.equal(await page.evaluate(() => document.activeElement.getAttribute('role')), 'option');

      // Figures at a readable size: a 5 x 3 speck and a 32 x 32 sample enlarged, a photo fitted.
      await addImages(page, speck, strip + 3);
      await showTab(page, 'explain');
      const [speckWidth] = await figureSize(page);
      assert.ok(speckWidth >= 256, `the 5x3 image is shown ${speckWidth} px wide`);
      await page.click('#gallery button');
      await page.waitForFunction((n) => document.querySelectorAll('#strip [role=option]').length === n, strip + 4);
      await settled(page);
      assert.ok((await figureSize(page))[0] >= 256, 'a 32x32 sample is enlarged');
      await page.click('#photo-gallery button');
      await page.waitForFunction((n) => document.querySelectorAll('#strip [role=option]').length === n, strip + 5);
      await settled(page);
      assert.ok(Math.max(...(await figureSize(page))) <= 512, 'a photo is fitted');
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test(`${browser}: every method's options are controls built from the core's catalog; links set them`, async () => {
    const { page, problems, close } = await openPage(`${pageUrl}#tab=explain&method=occlusion&patch=9&naive=true`, {
      browser,
      viewport: VIEWPORT,
    });
    try {
      await settled(page);
      const controls = () =>
        page.evaluate(() =>
          [
            ...document.querySelectorAll(
              '#view .controls input[aria-describedby], #view .controls select[aria-describedby]',
            ),
          ].map((e) => [
            e.getAttribute('aria-label'),
            e.type === 'checkbox' ? e.checked : e.value,
            e.min ?? '',
            e.max ?? '',
          ]),
        );
      // patch and stride are bounded by the default model's 32-pixel input, not only the catalog.
      assert.deepEqual(
        await controls(),
        [
          ['patch', '9', '1', '32'],
          ['stride', '8', '1', '32'],
          ['fill', '0', '-1000000', '1000000'],
          ['score', 'probability', undefined, undefined],
          ['naive', true, '', ''],
        ].map((c) => c.map((v) => v ?? '')),
      );
      await page.evaluate(() => {
        const s = document.querySelector('#view select[aria-label=Method]');
        s.value = 'ig';
        s.dispatchEvent(new Event('change'));
      });
      await page.waitForFunction(() => document.querySelector('#view input[aria-label=samples]'));
      assert.deepEqual(await controls(), [
        ['samples', '50', '1', '1000'],
        ['baseline', 'black', '', ''],
      ]);
      // A value out of range is refused on the spot: the last good one stays in the state.
      await page.evaluate(() => {
        const i = document.querySelector('#view input[aria-label=samples]');
        i.value = '0';
        i.dispatchEvent(new Event('change'));
      });
      assert.equal(
        await page.evaluate(
          () => document.querySelector('#view input[aria-label=samples]').validationMessage.length > 0,
        ),
        true,
      );
      assert.doesNotMatch(await page.evaluate(() => location.hash), /samples=/);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
}
