// Graphs in dist/convscope.html (file://), in Chromium and Firefox ESR: keras.applications'
// ResNet50 and EfficientNetB0 (narrow, as Keras 3 saves them; their preprocessing known) and the
// transfer-learning pattern (a MobileNetV2 base inside a Sequential, as tf.keras 2 saves it; asked, the
// base's preprocessing preselected) dropped in, every view and method drawn (every control of
// every view reached by keyboard and checked by axe-core: EfficientNetB0's in both browsers,
// ResNet50's in Firefox, the transfer model's in Chromium), Grad-CAM at the last
// block by default, and a layer of the nested base explained by its own name; the architecture
// graph of ResNet50 and DenseNet121: folded, opened, its edges the model's links, the keys
// following them, zoomed and panned by keys, wheel, pinch and drag; layer menus by block with a
// search field.
// Screenshots go to test-output/keras-models/.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { kerasFile, NARROW } from '../support/keras_files.mjs';
import { assertDrawn, byKeyboard, everyView, openKeras } from '../support/keras_page.mjs';
import { pageUrl } from '../support/first_minutes.mjs';
import { axeViolations, BROWSERS, openPage, settled, showTab } from '../support/page.mjs';

for (const browser of BROWSERS) {
  test(`${browser}: ResNet50, EfficientNetB0 and a transfer-learning model dropped in, every view and method drawn`, async () => {
    const { page, problems, close } = await openPage(pageUrl, { browser });
    try {
      // keras.applications' ResNet50, known by its name and layers: caffe, without asking.
      await openKeras(page, kerasFile('resnet50', 'keras3', NARROW).path);
      const info = await page.evaluate(() => window.convscopeApp.state.model.info);
      assert.equal(info.camLayer, 'conv5_block3_out');
      assert.equal(info.preprocessing.mode, 'caffe');
      // Every view by keyboard and axe-core: ResNet50's in Firefox, the transfer model's in Chromium
      // (the views' code is the same for all; with EfficientNetB0 here and keras_models' grayscale
      // model in Chromium, each model is checked in one browser at least and each browser on two
      // graphs).
      await everyView(page, `${browser}-resnet50`, { thorough: browser === 'firefox' });
      // EfficientNetB0 (squeeze-and-excitation: a Multiply of a map by its channels' weights),
      // every view also by keyboard throughout and checked by axe-core.
      await openKeras(page, kerasFile('efficientnetb0', 'keras3', NARROW).path);
      await everyView(page, `${browser}-efficientnetb0`, { thorough: true });

      // A new head on MobileNetV2: the page asks, its base's preprocessing (tf) chosen already.
      await openKeras(page, kerasFile('mobilenetv2-transfer', 'tf2-h5', NARROW).path, byKeyboard());
      assert.equal(await page.evaluate(() => window.convscopeApp.state.model.info.preprocessing.mode), 'tf');
      const rows = await page.evaluate(() => window.convscopeApp.state.model.summary.rows.map((r) => r.name));
      assert.ok(rows.includes('block_16_project_BN') && rows.at(-1) === 'dense', rows.join());
      await everyView(page, `${browser}-transfer`, { thorough: browser === 'chromium' });
      // Grad-CAM at a layer inside the base, by its own name.
      await page.evaluate(() =>
        window.convscopeApp.set({ tab: 'explain', method: 'gradcam', camLayer: 'block_13_expand_relu' }),
      );
      await page.waitForFunction(() => document.querySelector('#view figure canvas'));
      assert.equal(
        await page.evaluate(() => document.querySelector('#view select[aria-label=Layer]').value),
        'block_13_expand_relu',
      );
      await assertDrawn(page, 'Grad-CAM at block_13_expand_relu');
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
}

// The architecture view's boxes and edges as drawn: [box ids], ['from->to'].
const drawnGraph = (page) =>
  page.evaluate(() => [
    [...document.querySelectorAll('#view .graph-box')].map((b) => b.dataset.box),
    [...document.querySelectorAll('#view .graph-edge')].map((e) => `${e.dataset.from}->${e.dataset.to}`),
  ]);
const focusedBox = (page) => page.evaluate(() => document.activeElement.dataset.box);
// Focuses box `id` (an SVG element: puppeteer's focus() takes HTML elements only).
const focusBox = (page, id) =>
  page.evaluate((i) => document.querySelector(`#view .graph-box[data-box="${i}"]`).focus(), id);

// The diagram's drawn width and its box's scroll position and range.
const drawing = (page) =>
  page.evaluate(() => {
    const s = document.querySelector('#view .graph-scroll');
    return {
      width: Number(document.getElementById('architecture-diagram').getAttribute('width')),
      left: s.scrollLeft,
      top: s.scrollTop,
      right: s.scrollWidth - s.clientWidth, // how far it scrolls
      bottom: s.scrollHeight - s.clientHeight,
    };
  });

// Pointer and wheel events on the diagram's box at (x, y) from its corner: a finger's or the mouse's.
// Synthetic, as the box takes pointers itself (touch-action: none) and reads only their positions.
const pointerEvents = (page, events) =>
  page.evaluate((list) => {
    const s = document.querySelector('#view .graph-scroll');
    const r = s.getBoundingClientRect();
    for (const [type, init] of list) {
      const at = { clientX: r.left + init.x, clientY: r.top + init.y, bubbles: true, cancelable: true };
      s.dispatchEvent(
        type === 'wheel'
          ? new WheelEvent(type, { ...at, ctrlKey: true, deltaY: init.deltaY, deltaMode: 0 })
          : new PointerEvent(type, { ...at, pointerId: init.id, pointerType: init.type, buttons: 1 }),
      );
    }
  }, events);

// Zoom by the keys (on a box), Ctrl + wheel and a two-finger pinch; a drag pans; a redraw keeps
// both; Actual size goes back.
async function zoomAndPan(page) {
  const start = await drawing(page);
  await focusBox(page, 'input_layer');
  await page.keyboard.press('=');
  assert.equal((await drawing(page)).width, Math.round(start.width * 1.25), '= zooms in');
  await page.keyboard.press('-');
  assert.ok(Math.abs((await drawing(page)).width - start.width) <= 1, '- zooms out');
  await pointerEvents(page, [['wheel', { x: 60, y: 60, deltaY: -100 }]]);
  const wheeled = await drawing(page);
  assert.ok(Math.abs(wheeled.width / start.width - Math.exp(1 / 3)) < 0.01, `Ctrl + wheel: ${wheeled.width}`);
  const finger = (type, id, x) => [type, { id, type: 'touch', x, y: 100 }];
  await pointerEvents(page, [
    finger('pointerdown', 1, 100),
    finger('pointerdown', 2, 150),
    finger('pointermove', 2, 200),
    finger('pointerup', 1, 100),
    finger('pointerup', 2, 200),
  ]);
  const pinched = await drawing(page);
  assert.ok(
    Math.abs(pinched.width / wheeled.width - 2) < 0.01,
    `a pinch to twice the fingers' distance: ${pinched.width}`,
  );
  // From the top left corner, so that the drag stays in the drawing's range (2.8 times its width).
  await page.evaluate(() => document.querySelector('#view .graph-scroll').scrollTo(0, 0));
  const mouse = (type, x, y) => [type, { id: 3, type: 'mouse', x, y }];
  await pointerEvents(page, [
    mouse('pointerdown', 200, 200),
    mouse('pointermove', 160, 170),
    mouse('pointerup', 160, 170),
  ]);
  const dragged = await drawing(page);
  assert.deepEqual([dragged.left, dragged.top], [40, 30], 'a drag pans');
  // Redrawn (another layer selected, focus outside the diagram), the zoom and the scroll stay.
  await page.evaluate(() => /** @type {HTMLElement} */ (document.activeElement).blur());
  await page.evaluate(() => window.convscopeApp.set({ layer: 'conv1_conv' }));
  await settled(page);
  // The new drawing takes the scroll position once it is in the page (the next frame): wait for it,
  // a while at most.
  await page
    .waitForFunction(
      ([left, top]) => {
        const s = document.querySelector('#view .graph-scroll');
        return s.scrollLeft === left && s.scrollTop === top;
      },
      [dragged.left, dragged.top],
      { timeout: 5000 },
    )
    .catch(() => {});
  assert.deepEqual(await drawing(page), dragged, 'a redraw keeps the zoom and the scroll');
  await page.evaluate(() =>
    [...document.querySelectorAll('#view button')].find((b) => b.textContent === 'Actual size').click(),
  );
  assert.ok(Math.abs((await drawing(page)).width - start.width) <= 1, 'Actual size');
}

for (const browser of BROWSERS) {
  test(`${browser}: the architecture graph's edges are the model's links, the keys follow them; layer menus by block`, async () => {
    const { page, problems, close } = await openPage(pageUrl, { browser, scale: 2 });
    try {
      await openKeras(page, kerasFile('resnet50', 'keras3', NARROW).path);
      await showTab(page, 'architecture');
      const rows = await page.evaluate(() => window.convscopeApp.state.model.summary.rows);
      const inputs = new Map(rows.map((r) => [r.name, r.inputs]));
      const readers = (name) => rows.filter((r) => r.inputs.includes(name)).map((r) => r.name);
      // 177 layers: folded into blocks, the first of which opens by Enter with focus on its first layer.
      const [folded] = await drawnGraph(page);
      assert.equal(folded.length, 21);
      await focusBox(page, 'input_layer');
      await page.keyboard.press('ArrowDown');
      assert.equal(await focusedBox(page), 'block:conv1');
      await page.keyboard.press('Enter');
      await settled(page);
      assert.equal(await focusedBox(page), 'conv1_pad');
      // Every block open: one edge per inbound link, between the layers it joins.
      await page.evaluate(() =>
        [...document.querySelectorAll('#view button')]
          .find((b) => b.textContent.startsWith('Open every block'))
          .click(),
      );
      await settled(page);
      const [boxes, edges] = await drawnGraph(page);
      assert.deepEqual(
        boxes,
        rows.map((r) => r.name),
      );
      assert.deepEqual(edges.sort(), rows.flatMap((r) => r.inputs.map((i) => `${i}->${r.name}`)).sort());
      await zoomAndPan(page);
      // ↓ from the input to the output goes from each layer to one it feeds, ↑ back to one it reads;
      // the selection follows.
      await focusBox(page, 'input_layer');
      let at = 'input_layer',
        steps = 0;
      for (; readers(at).length > 0; steps++) {
        await page.keyboard.press('ArrowDown');
        await settled(page);
        const to = await focusedBox(page);
        assert.ok(readers(at).includes(to), `↓ from ${at} went to ${to}`);
        at = to;
      }
      assert.equal(at, rows.at(-1).name);
      assert.equal(await page.evaluate(() => window.convscopeApp.state.layer), at);
      for (let i = 0; i < 12; i++) {
        await page.keyboard.press('ArrowUp');
        await settled(page);
        const to = await focusedBox(page);
        assert.ok(inputs.get(at).includes(to), `↑ from ${at} went to ${to}`);
        at = to;
      }
      // At a fork (the shortcut beside the main path), ← and → go between the branches.
      await focusBox(page, 'conv2_block1_1_conv');
      const shortcutSide = await page.evaluate(() => {
        const x = (id) => document.querySelector(`#view .graph-box[data-box="${id}"]`).getBoundingClientRect().x;
        return x('conv2_block1_0_conv') < x('conv2_block1_1_conv')
          ? ['ArrowLeft', 'ArrowRight']
          : ['ArrowRight', 'ArrowLeft'];
      });
      await page.keyboard.press(shortcutSide[0]);
      await settled(page);
      assert.equal(await focusedBox(page), 'conv2_block1_0_conv');
      await page.keyboard.press(shortcutSide[1]);
      await settled(page);
      assert.equal(await focusedBox(page), 'conv2_block1_1_conv');
      assert.equal(await page.evaluate(() => window.convscopeApp.state.layer), 'conv2_block1_1_conv');
      // Backspace folds the block of the layer in focus; focus stays on the folded block.
      await page.keyboard.press('Backspace');
      await settled(page);
      assert.equal(await focusedBox(page), 'block:conv2_block1');
      assert.equal(
        await page.evaluate(() => document.activeElement.getAttribute('aria-label')),
        'conv2_block1 ▸ 12 layers · 16×16×32: block of 12 layers, folded, holds the selected layer conv2_block1_1_conv',
      );
      assert.ok(steps >= 20, `${steps} steps down`);
      assert.deepEqual(await axeViolations(page), []);

      // The layer menus: grouped by the same blocks, with a search field (177 layers).
      await page.evaluate(() => window.convscopeApp.set({ camLayer: undefined }));
      await page.evaluate(() => window.convscopeApp.set({ tab: 'explain', method: 'gradcam' }));
      await settled(page);
      // Grad-CAM's layers (those with feature maps), by block: conv2_block1's first is its first.
      const menu = await page.evaluate(() => {
        const s = document.querySelector('#view select[aria-label=Layer]');
        return {
          value: s.value,
          groups: [...s.querySelectorAll('optgroup')].map((g) => g.label),
          first: s.querySelector('optgroup[label=conv2_block1] option').value,
          loose: [...s.children].filter((c) => c.tagName === 'OPTION').map((o) => o.value),
        };
      });
      assert.equal(menu.value, 'conv5_block3_out');
      assert.deepEqual(menu.groups.slice(0, 3), ['conv1', 'pool1', 'conv2_block1']);
      assert.equal(menu.groups.length, 18);
      assert.equal(menu.first, 'conv2_block1_1_conv');
      assert.deepEqual(menu.loose, []);
      // Typed into the search field: the menu holds the matches only; Enter picks the first.
      await page.evaluate(() => document.querySelector('#view input[type=search]').focus());
      await page.keyboard.type('block2_3');
      const shown = await page.evaluate(() => [
        [...document.querySelectorAll('#view select[aria-label=Layer] option')]
          .filter((o) => !o.hidden)
          .map((o) => o.value),
        document.querySelector('#view .layer-menu [role=status]').textContent,
      ]);
      assert.ok(shown[0].length >= 6 && shown[0].every((n) => n.includes('block2_3')), shown[0].join());
      assert.match(shown[1], new RegExp(`^${shown[0].length} of \\d+$`));
      await page.keyboard.press('Enter');
      await settled(page);
      assert.equal(await page.evaluate(() => window.convscopeApp.state.camLayer), shown[0][0]);
      await page.waitForFunction(() => document.querySelector('#view figure canvas'));
      assert.deepEqual(await axeViolations(page), []);
      // Compare's menu, for its Grad-CAM side, is the same, on the same layer.
      await page.evaluate(() => window.convscopeApp.set({ tab: 'compare', right: 'gradcam' }));
      await settled(page);
      assert.deepEqual(
        await page.evaluate(() => {
          const s = document.querySelector('#view select[aria-label=Layer]');
          return [s.value, s.querySelectorAll('optgroup').length];
        }),
        [shown[0][0], 18],
      );
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
}

// Chromium only: the same code as ResNet50's test above, which runs in both browsers, at four times
// the layers (CI's time goes further elsewhere).
test(`chromium: DenseNet121's 429 layers, every block open at pixel ratio 2, export within a canvas's limits`, async () => {
  const { page, problems, close } = await openPage(pageUrl, { browser: 'chromium', scale: 2 });
  try {
    await openKeras(page, kerasFile('densenet121', 'keras3', NARROW).path);
    await showTab(page, 'architecture');
    const rows = await page.evaluate(() => window.convscopeApp.state.model.summary.rows);
    assert.equal((await drawnGraph(page))[0].length, 70);
    await page.evaluate(() =>
      [...document.querySelectorAll('#view button')].find((b) => b.textContent === 'Open every block').click(),
    );
    await settled(page);
    const [boxes, edges] = await drawnGraph(page);
    assert.equal(boxes.length, 429);
    assert.deepEqual(edges.sort(), rows.flatMap((r) => r.inputs.map((i) => `${i}->${r.name}`)).sort());
    // 30,000 CSS pixels tall: at twice the density a canvas would be blank; the export says the
    // size it fits in, and is made.
    const title = await page.evaluate(
      () => [...document.querySelectorAll('#view button')].find((b) => b.textContent.startsWith('Export PNG')).title,
    );
    const [width, height] = /(\d+) × (\d+)/.exec(title).slice(1).map(Number);
    assert.ok(height > 20000 && height <= 32767 + 100 && width < 1000, title);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
