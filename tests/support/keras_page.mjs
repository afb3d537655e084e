// Users' own models in the page, for the browser tests: opening a Keras file through the model
// picker, answering the preprocessing question by keyboard, and every view and method drawn.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

import { root } from './models.mjs';
import { axeViolations, canvases, settled, showTab, VIEWS } from './page.mjs';

export const LONG = { timeout: 120000 };
// Screenshots of every view, for a person to look at.
export const shots = path.join(root, 'test-output/keras-models');
mkdirSync(shots, { recursive: true });

// Opens a Keras file through the model picker; `answer(page)` answers the preprocessing question
// when given (the question must then come). Resolves once the model has run the image on show.
export async function openKeras(page, keras, answer) {
  await page.setInputFiles('#model-input', keras);
  if (answer) {
    await page.waitForFunction(() => document.getElementById('preprocessing-dialog')?.open, null, LONG);
    await answer(page);
  }
  await page.waitForFunction(
    (name) =>
      document.getElementById('model-info').textContent.startsWith(`${name}:`) &&
      window.convscopeApp.state.run &&
      !window.convscopeApp.active,
    path.basename(keras),
    LONG,
  );
  await settled(page);
}

// The question's answer by keyboard: from the pre-selected choice (which has focus), `downs` times
// the down arrow, then Enter.
export const byKeyboard =
  (downs = 0) =>
  async (page) => {
    for (let i = 0; i < downs; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !document.getElementById('preprocessing-dialog'));
  };

// Every canvas of the view drawn and not blank, and no error shown.
export async function assertDrawn(page, what) {
  await settled(page);
  const drawn = (await canvases(page)).filter((c) => c.label !== 'zoomed tile');
  // The architecture view draws in SVG: its boxes, each with a size.
  const boxes = await page.evaluate(() =>
    [...document.querySelectorAll('#view svg.graph .graph-box')].map((b) => b.getBoundingClientRect().width),
  );
  assert.ok(drawn.length + boxes.length > 0, `${what}: nothing drawn`);
  assert.ok(
    boxes.every((w) => w > 0),
    `${what}: an empty box`,
  );
  for (const c of drawn) assert.ok(c.width > 0 && c.variance > 0, `${what}: ${c.label} is blank ${JSON.stringify(c)}`);
  assert.equal(await page.evaluate(() => document.getElementById('error').hidden), true, `${what}: error shown`);
}

// Clicks the view's button labelled `text` (a view's Run, Synthesize).
export const press = (page, text) =>
  page.evaluate((t) => [...document.querySelectorAll('#view button')].find((b) => b.textContent === t).click(), text);

// Tab, from the view's tab, reaches every control of the view on show (a composite widget, such
// as the architecture graph, by its one tab stop), in turn, before focus leaves the view.
export async function assertKeyboardReaches(page, what) {
  const count = await page.evaluate(() => {
    const controls = [
      ...document.querySelectorAll(
        '#view button, #view select, #view input, #view textarea, #view a[href], #view [tabindex="0"]',
      ),
    ].filter((e) => !e.disabled && !e.hidden && e.type !== 'file' && e.getClientRects().length > 0);
    controls.forEach((e, i) => e.setAttribute('data-keyboard', String(i)));
    return controls.length;
  });
  await page.evaluate(() => document.querySelector('#tabs [aria-selected=true]').focus());
  const reached = new Set();
  for (let i = 0; i < count + 10; i++) {
    await page.keyboard.press('Tab');
    const at = await page.evaluate(() => ({
      control: document.activeElement?.closest('[data-keyboard]')?.getAttribute('data-keyboard') ?? null,
      inView: document.getElementById('view').contains(document.activeElement),
    }));
    if (at.control !== null) reached.add(at.control);
    else if (!at.inView && reached.size > 0) break;
  }
  const missed = await page.evaluate(
    (got) =>
      [...document.querySelectorAll('#view [data-keyboard]')]
        .filter((e) => !got.includes(e.getAttribute('data-keyboard')))
        .map((e) => e.getAttribute('aria-label') ?? e.textContent.trim().slice(0, 40)),
    [...reached],
  );
  assert.deepEqual(missed, [], `${what}: Tab does not reach ${missed.join(', ')}`);
}

// Every view of the model on show, and Explain with each method, drawn; with `thorough`, each
// view also reached by keyboard throughout and checked by axe-core.
export async function everyView(page, tag, { thorough = false } = {}) {
  // Explain starts on a method drawn without a Run press.
  await page.evaluate(() => window.convscopeApp.set({ method: 'gradcam' }));
  for (const view of VIEWS) {
    await showTab(page, view);
    if (view === 'summary') {
      assert.match(await page.evaluate(() => document.querySelector('#view pre').textContent), /Total params: /);
    } else {
      if (view === 'maximize') {
        await press(page, 'Synthesize');
        await page.waitForFunction(() => document.querySelectorAll('#view figure canvas').length === 4, null, LONG);
      }
      await assertDrawn(page, `${tag} ${view}`);
      await page.screenshot({ path: path.join(shots, `${tag}-${view}.png`), fullPage: true });
    }
    if (!thorough) continue;
    await assertKeyboardReaches(page, `${tag} ${view}`);
    assert.deepEqual(await axeViolations(page), [], `${tag} ${view}`);
  }
  await showTab(page, 'explain');
  const methods = await page.evaluate(() =>
    [...document.querySelectorAll('#view select[aria-label=Method] option')].map((o) => o.value),
  );
  assert.ok(methods.length >= 8, methods.join());
  for (const method of methods) {
    await page.evaluate((m) => window.convscopeApp.set({ tab: 'explain', method: m }), method);
    await settled(page);
    if (await page.evaluate(() => [...document.querySelectorAll('#view button')].some((b) => b.textContent === 'Run')))
      await press(page, 'Run');
    await page.waitForFunction(() => document.querySelector('#view figure canvas'), null, LONG);
    await assertDrawn(page, `${tag} explain ${method}`);
  }
}
