// What the first-minutes tests (tests/browser/first_minutes*.browser.test.mjs) share: the page
// from file://, its viewport, test files and small page helpers.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { crc32, encodePng } from '../../cli/png.mjs';
import { root } from './models.mjs';
import { settled } from './page.mjs';
import { scratchDir } from './scratch.mjs';

export const shots = path.join(root, 'test-output/first-minutes');
mkdirSync(shots, { recursive: true });
export const tmp = scratchDir('first-minutes');
export const pageUrl = `file://${path.join(root, 'dist/convscope.html')}`;
export const VIEWPORT = { width: 1280, height: 900 };
export const fixture = (name) => path.join(root, 'tests/data/images', name);

// A 5 x 3 picture (a speck at its own size) and a PNG header claiming 2^31 - 1 pixels a side.
export function files() {
  const speck = path.join(tmp, 'speck.png');
  const data = new Uint8Array(5 * 3 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 37) % 256));
  writeFileSync(speck, encodePng({ width: 5, height: 3, data }));
  const png = Buffer.from(encodePng({ width: 1, height: 1, data: new Uint8Array(4) }));
  png.writeUInt32BE(2147483647, 16);
  png.writeUInt32BE(2147483647, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  const giant = path.join(tmp, 'giant.png');
  writeFileSync(giant, png);
  return { speck, giant };
}

export const activeId = (page) => page.evaluate(() => document.activeElement?.id ?? '');
export const selectedTab = (page) => page.evaluate(() => document.querySelector('[role=tab][aria-selected=true]').id);

// The shown (CSS) size of the view's first figure canvas.
export const figureSize = (page) =>
  page.evaluate(() => {
    const r = document.querySelector('#view figure canvas').getBoundingClientRect();
    return [Math.round(r.width), Math.round(r.height)];
  });

// Adds images through the file input and waits until the strip has `count` of them.
export async function addImages(page, paths, count) {
  await page.setInputFiles('#image-input', paths);
  await page.waitForFunction((n) => document.querySelectorAll('#strip [role=option]').length === n, count);
  await settled(page);
}
