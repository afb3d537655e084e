// Figures that tell the truth (issue 35), in Chromium and Firefox ESR, on dist/convscope.html from
// file://: signed maps (occlusion, integrated gradients, input × gradient) in a diverging colormap
// whose middle is zero, marked on the legend; CAMs from zero; the masked view's threshold in the
// map's units; occlusion's patch on the picture; a map's resolution in its caption, and a coarse
// map drawn over a photo as the blocks it is; a grid's zoom box starts on its first tile; an
// exported figure names its model and picture; a photo is said to be unlike the default model's
// training pictures, beside its predictions and its maps.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { pageUrl } from '../support/first_minutes.mjs';
import { crc32 } from '../../web/src/png_text.js';
import { BROWSERS, openPage, settled } from '../support/page.mjs';

const VIEWPORT = { width: 1440, height: 1000 };

const text = (page, selector) => page.evaluate((s) => document.querySelector(s)?.textContent ?? null, selector);

// The view's map figure once drawn (a long method is started with Run).
async function mapShown(page, { run = false } = {}) {
  if (run) {
    await page.evaluate(() =>
      [...document.querySelectorAll('#view .controls button')].find((b) => b.textContent === 'Run').click(),
    );
  }
  await page.waitForFunction(() => document.querySelector('#view .legend-text'));
  await settled(page);
}

// The text chunks of a PNG ({keyword: text}, tEXt and iTXt), each chunk's CRC checked.
function pngText(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset),
    text = {};
  for (let at = 8; at < bytes.length;) {
    const length = view.getUint32(at),
      type = new TextDecoder('latin1').decode(bytes.subarray(at + 4, at + 8));
    assert.equal(view.getUint32(at + 8 + length), crc32(bytes.subarray(at + 4, at + 8 + length)), `${type} CRC`);
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (type === 'iTXt' || type === 'tEXt') {
      const nul = data.indexOf(0);
      const keyword = new TextDecoder('latin1').decode(data.subarray(0, nul));
      // iTXt: compression flag and method, then language tag and translated keyword, each ended by 0.
      let start = nul + 1;
      if (type === 'iTXt') start = data.indexOf(0, data.indexOf(0, start + 2) + 1) + 1;
      text[keyword] = new TextDecoder(type === 'iTXt' ? 'utf-8' : 'latin1').decode(data.subarray(start));
    }
    at += 12 + length;
  }
  return text;
}

for (const browser of BROWSERS) {
  test(`${browser}: an exported figure names its model and picture, in its caption and its PNG's text`, async () => {
    const { page, problems, close } = await openPage(`${pageUrl}#tab=explain`, { browser, viewport: VIEWPORT });
    try {
      await settled(page);
      const bytes = await page.evaluate(async () => {
        const png = await document.querySelector('#view figure').exportBlob();
        return [...new Uint8Array(await png.arrayBuffer())];
      });
      const text = pngText(Uint8Array.from(bytes));
      assert.deepEqual(
        [text.Software, text.Model, text.Source],
        ['convscope', 'default model: vgg16_slim_fashion_mnist', 'fashion-ankle-boot.png'],
      );
      assert.match(text.Caption, /^gradcam · layer block5_conv3 · Ankle boot \(9\) · .* · map 32×32 from 2×2$/);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test(`${browser}: signed maps diverge from a marked zero; CAMs start at zero; resolutions are said`, async () => {
    const { page, problems, close } = await openPage(`${pageUrl}#tab=explain&method=occlusion`, {
      browser,
      viewport: VIEWPORT,
    });
    try {
      await settled(page);
      // Occlusion's patch in the model's pixels; on the picture only where the two differ (not on
      // this 32 × 32 sample: below, a photo).
      assert.doesNotMatch(
        await page.evaluate(() => document.querySelector('#view input[aria-label=patch]').closest('label').textContent),
        /of the picture/,
      );
      await mapShown(page, { run: true });
      assert.match(
        await text(page, '#view .legend-text'),
        /^-\d[\d.e-]* → 0 at the middle \(the mark\) → \d[\d.e-]*: drop in the class probability/,
      );
      assert.equal(await page.evaluate(() => document.querySelectorAll('#view .legend .zero').length), 1);
      // The colour scale's middle is coolwarm's grey, not a colour of jet's.
      const middle = await page.evaluate(() => {
        const c = document.querySelector('#view .legend canvas');
        return [...c.getContext('2d').getImageData(128, 0, 1, 1).data.slice(0, 3)];
      });
      for (const v of middle) assert.ok(Math.abs(v - 221) <= 3, `the middle of the scale is ${middle}`);
      assert.match(await text(page, '#view figcaption'), /· map 32×32 from \d+×\d+ /);
      // The masked view's threshold in the map's units: by default half the largest drop.
      const [threshold, high] = await page.evaluate(() => [
        document.querySelector('#view output').textContent,
        document.querySelector('#view .legend-text').textContent.split(' → ')[2].split(':')[0],
      ]);
      assert.match(threshold, /^≥ \d/);
      const half = Number(high) / 2;
      assert.ok(Math.abs(Number(threshold.slice(2)) - half) <= 0.01 * half, `${threshold}, the largest drop ${high}`);
      assert.match(
        await page.evaluate(() => document.querySelectorAll('#view figcaption')[1].textContent),
        /^the image where the map ≥ \d[\d.e-]* \(drop in the class probability/,
      );
      // The legend names the score the drop is measured in, the one chosen.
      await page.evaluate(() => window.convscopeApp.set({ score: 'logit' }));
      await settled(page);
      await mapShown(page, { run: true });
      assert.match(await text(page, '#view .legend-text'), /: drop in the class logit when a patch hides the spot/);
      await page.evaluate(() => window.convscopeApp.set({ score: 'probability' }));

      for (const [method, legend] of [
        ['ig', /^-\d[\d.e-]* → 0 at the middle \(the mark\) → \d[\d.e-]*: attribution/],
        ['input-x-gradient', /^-\d[\d.e-]* → 0 at the middle \(the mark\) → \d[\d.e-]*: \(pixel − baseline\)/],
        ['gradcam', /^0 → \d[\d.e-]*: Grad-CAM/],
        ['saliency', /^0 → \d[\d.e-]*: \|∂ class logit/],
      ]) {
        await page.evaluate((m) => window.convscopeApp.set({ method: m }), method);
        await mapShown(page, { run: method === 'ig' });
        assert.match(await text(page, '#view .legend-text'), legend, method);
        assert.equal(
          await page.evaluate(() => document.querySelectorAll('#view .legend .zero').length),
          legend.source.includes('middle') ? 1 : 0,
          method,
        );
      }
      assert.match(await text(page, '#view figcaption'), /· map 32×32 /);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test(`${browser}: filter grids say what their shades are`, async () => {
    const { page, problems, close } = await openPage(`${pageUrl}#tab=filters`, { browser, viewport: VIEWPORT });
    try {
      await settled(page);
      assert.match(
        await text(page, '#view .legend-text'),
        /^weights: each filter from its own lowest \(dark\) to its highest \(bright\)/,
      );
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test(`${browser}: the feature maps' zoom box shows the first map, not an empty box`, async () => {
    const { page, problems, close } = await openPage(`${pageUrl}#tab=features`, { browser, viewport: VIEWPORT });
    try {
      await settled(page);
      const zoom = await page.evaluate(() => {
        const c = document.querySelector('#view figure.zoom canvas');
        return [window.testSupport.pixels(c).variance, c.closest('figure').textContent];
      });
      assert.ok(zoom[0] > 0, 'the zoomed tile is one flat colour');
      assert.match(zoom[1], /^channel 0 \(click a tile/);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test(`${browser}: a 32 × 32 map over a photo is drawn as 32 × 32 blocks`, async () => {
    const { page, problems, close } = await openPage(`${pageUrl}#tab=explain&method=saliency`, {
      browser,
      viewport: VIEWPORT,
    });
    try {
      await settled(page);
      await page.click('#photo-gallery button');
      await page.waitForFunction(() => window.convscopeApp.picture.width > 100);
      await mapShown(page);
      // Along a row of the map drawn at the photo's size, the colour changes at most once per cell.
      const [width, changes] = await page.evaluate(() => {
        const [x] = [...window.convscopeApp.cache.values()];
        const { width, height, data } = x.figure;
        const row = Math.floor(height / 2) * width * 4;
        let n = 0;
        for (let i = 1; i < width; i++) {
          if ([0, 1, 2].some((c) => data[row + 4 * i + c] !== data[row + 4 * (i - 1) + c])) n++;
        }
        return [width, n];
      });
      assert.ok(width > 200, `the photo is ${width} wide`);
      assert.ok(changes <= 31, `${changes} colour changes along a row of ${width}`);
      // Occlusion's patch, in the model's pixels, is said on the photo too.
      await page.evaluate(() => window.convscopeApp.set({ method: 'occlusion' }));
      await page.waitForFunction(() => document.querySelector('#view input[aria-label=patch]'));
      assert.match(
        await page.evaluate(() => document.querySelector('#view input[aria-label=patch]').closest('label').textContent),
        /^patch \(pixels\) .*about \d+ × \d+ px of the picture$/,
      );
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test(`${browser}: a photo is unlike the training pictures, and the page says so; a sample is not`, async () => {
    const { page, problems, close } = await openPage(`${pageUrl}#tab=predictions`, { browser, viewport: VIEWPORT });
    try {
      await settled(page);
      await page.waitForFunction(() => document.querySelector('#view canvas'));
      assert.equal(await text(page, '#view .unlike'), null, 'the first picture is a Fashion-MNIST one');
      await page.click('#photo-gallery button');
      await page.waitForFunction(() => document.querySelector('#view .unlike'));
      const said = await text(page, '#view .unlike');
      assert.match(said, /^This picture is unlike the pictures this model was trained on \(Fashion-MNIST/);
      // Beside the maps too (Explain, Compare): they explain a prediction that says little.
      await page.evaluate(() =>
        [...document.querySelectorAll('#tabs [role=tab]')].find((t) => t.textContent === 'Explain').click(),
      );
      await page.waitForFunction(
        () => document.querySelector('#view .controls') && document.querySelector('#view .unlike'),
      );
      await page.evaluate(() =>
        [...document.querySelectorAll('#tabs [role=tab]')].find((t) => t.textContent === 'Compare').click(),
      );
      await page.waitForFunction(
        () => document.querySelector('#view figure') && document.querySelector('#view .unlike'),
      );
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
}
