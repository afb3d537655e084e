// Users' own Keras models in dist/convscope.html (file://), in Chromium and Firefox ESR, with the
// tutorial models model_convert/testing/make_keras_file.py writes as Keras writes them: a Keras 3
// .keras and a tf.keras .h5 dropped in, every view drawn (each explanation method, Maximize,
// Compare); a grayscale model shows a colour photo in gray (strip, predictions, overlays, the
// masked occlusion view) and explains it; the preprocessing question appears when the file does not
// say (mnist) and not when it does (a model with its own Rescaling), keyboard-operable, and the
// answer (and a later change) survives a reload; a model of free input size runs at the size the
// user types; a model the core refuses is explained and the page
// stays usable. Served, ?model=URL opens a .keras. Screenshots go to test-output/keras-models/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { kerasFile } from '../support/keras_files.mjs';
import { root } from '../support/models.mjs';
import { assertDrawn, byKeyboard, everyView, LONG, openKeras, press, shots } from '../support/keras_page.mjs';
import { axeViolations, BROWSERS, errorText, openPage, settled, showTab } from '../support/page.mjs';
import { startStaticServer } from '../support/static_server.mjs';

const pageUrl = `file://${path.join(root, 'dist/convscope.html')}`;
const chelsea = path.join(root, 'tests/data/images/chelsea.png');

// Keras 3 .keras files and a tf.keras 2 legacy .h5, as the generator names them.
const file = (model, format = 'keras3') => kerasFile(model, format).path;

// Counts the preprocessing questions the page asks from now on (window.questions).
const countQuestions = (page) =>
  page.evaluate(() => {
    window.questions = 0;
    new MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) if (n.id === 'preprocessing-dialog') window.questions++;
    }).observe(document.body, { childList: true });
  });

const modelInfo = (page) => page.evaluate(() => document.getElementById('model-info').textContent);
const mode = (page) => page.evaluate(() => window.convscopeApp.state.model.info.preprocessing.mode);

// Waits until model `name` is on show (with preprocessing `mode`, if given) or the page shows an
// error, which fails the test with its text.
async function loadedOrFailed(page, name, mode) {
  await page.waitForFunction(
    ([n, m]) =>
      !document.getElementById('error').hidden ||
      (document.getElementById('model-info').textContent.startsWith(n) &&
        !window.convscopeApp.active &&
        (!m || window.convscopeApp.state.model.info.preprocessing.mode === m)),
    [name, mode],
    LONG,
  );
  assert.equal(await page.evaluate(() => document.getElementById('error-text').textContent), '');
  await settled(page);
}

// Reloads the page and waits until it has opened its model and image again.
async function reload(page) {
  await page.evaluate(() => {
    window.convscopeReady = false;
    setTimeout(() => location.reload());
  });
  await page.waitForFunction(() => window.convscopeReady === true, null, LONG);
}

// Whether an RGBA picture is gray: red, green and blue equal in every pixel.
const isGray = (page, selector) =>
  page.evaluate((s) => {
    const c = document.querySelector(s);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 0; i < d.length; i += 4) if (d[i] !== d[i + 1] || d[i] !== d[i + 2]) return false;
    return true;
  }, selector);

for (const browser of BROWSERS) {
  test(`${browser}: a Keras 3 .keras and a tf.keras .h5 dropped in, every view and method drawn`, async () => {
    const { page, problems, close } = await openPage(pageUrl, { browser });
    try {
      await countQuestions(page);
      // RGB, BatchNormalization, its own Rescaling (so no question), a sigmoid head: two classes.
      await openKeras(page, file('cifar-binary'));
      assert.match(
        await modelInfo(page),
        /^cifar-binary_keras3\.keras: sequential, int8, \d+ kB, 2,833 parameters, input 32×32×3 · /,
      );
      assert.equal(await page.evaluate(() => window.questions), 0);
      assert.equal(await page.evaluate(() => window.convscopeApp.state.run.predictions.length), 2);
      await everyView(page, `${browser}-cifar-binary`);
      // The legend names every category the model has (by the core's layer kinds, not class names).
      await showTab(page, 'architecture');
      assert.deepEqual(
        await page.evaluate(() =>
          [...document.querySelectorAll('#view .category-legend li')].map((l) => l.dataset.category),
        ),
        ['Data', 'Normalization', 'Layer', 'Pool'],
      );

      // A tf.keras 2.10 legacy .h5: grayscale 28 x 28, asks for its preprocessing.
      await openKeras(page, file('mnist', 'tf2-h5'), byKeyboard());
      assert.match(await modelInfo(page), /^mnist_tf2-h5\.h5: sequential, int8, .* input 28×28×1 \(grayscale\) · /);
      assert.equal(await page.evaluate(() => window.questions), 1);
      // Every view by keyboard and axe-core too, in Chromium (Firefox checks ResNet50's: graph_models).
      await everyView(page, `${browser}-mnist-h5`, { thorough: browser === 'chromium' });
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test(`${browser}: a grayscale model shows a colour photo in gray and explains it`, async () => {
    const { page, problems, close } = await openPage(pageUrl, { browser });
    try {
      await openKeras(page, file('fashion-bn'), byKeyboard());
      await page.setInputFiles('#image-input', chelsea);
      await page.waitForFunction(() => document.querySelectorAll('#strip [role=option]').length === 2);
      await settled(page);
      assert.match(
        await page.evaluate(() => document.getElementById('model-knows').textContent),
        /sees 28×28 grayscale pictures/,
      );
      // The picture the views draw over, and the strip's thumbnails: gray, the core's luminance.
      const picture = await page.evaluate(() => {
        const app = window.convscopeApp,
          seen = app.picture.data,
          colour = app.images[app.state.imageIndex].picture.data;
        let gray = true,
          off = 0;
        for (let i = 0; i < seen.length; i += 4) {
          gray &&= seen[i] === seen[i + 1] && seen[i] === seen[i + 2];
          const y = 0.2989 * colour[i] + 0.587 * colour[i + 1] + 0.114 * colour[i + 2];
          off = Math.max(off, Math.abs(seen[i] - y));
        }
        return { gray, off, colourful: colour.some((v, i) => i % 4 === 0 && v !== colour[i + 1]) };
      });
      assert.deepEqual(picture, { gray: true, off: picture.off, colourful: true });
      assert.ok(picture.off <= 0.5, `luminance off by ${picture.off}`);
      for (const thumbnail of ['#strip [data-index="0"] canvas', '#strip [data-index="1"] canvas'])
        assert.equal(await isGray(page, thumbnail), true, thumbnail);
      // Predictions show the picture as the model sees it (gray, 28×28), beside the picture.
      await showTab(page, 'predictions');
      const seen = '#view canvas[aria-label^="the picture as the model sees it"]';
      assert.equal(await isGray(page, seen), true);
      assert.equal(await isGray(page, '#view canvas[aria-label="your picture"]'), false);
      assert.deepEqual(
        await page.evaluate((sel) => [document.querySelector(sel).width, document.querySelector(sel).height], seen),
        [28, 28],
      );
      await page.screenshot({ path: path.join(shots, `${browser}-grayscale-predictions.png`), fullPage: true });
      // Explained: Grad-CAM over the gray picture; the worker draws its overlays on gray too (a map
      // at no opacity is the backdrop itself), and occlusion's masked view is gray.
      await page.evaluate(() => window.convscopeApp.set({ tab: 'explain', method: 'gradcam' }));
      await assertDrawn(page, 'gradcam');
      await page.screenshot({ path: path.join(shots, `${browser}-grayscale-gradcam.png`), fullPage: true });
      const backdrop = await page.evaluate(async () => {
        const d = (
          await window.convscopeApp.request('overlay', {
            map: { map: new Float32Array(28 * 28), width: 28, height: 28 },
            options: { alpha: 0 },
          })
        ).data;
        for (let i = 0; i < d.length; i += 4) if (d[i] !== d[i + 1] || d[i] !== d[i + 2]) return false;
        return true;
      });
      assert.equal(backdrop, true, "the worker's overlay backdrop is gray");
      await page.evaluate(() => window.convscopeApp.set({ method: 'occlusion' }));
      await settled(page);
      await press(page, 'Run');
      await page.waitForFunction(() => document.querySelector('#view canvas[aria-label="masked image"]'), null, LONG);
      assert.equal(await isGray(page, '#view canvas[aria-label="masked image"]'), true);

      // An RGB model again: the picture and the thumbnails are in colour.
      await openKeras(page, file('cifar-binary'));
      assert.equal(await isGray(page, '#strip [aria-selected=true] canvas'), false);
      assert.equal(
        await page.evaluate(() => window.convscopeApp.picture === window.convscopeApp.images[1].picture),
        true,
      );
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test(`${browser}: the preprocessing question when the file does not say; the answer is cached; changed later; classes named`, async () => {
    const { page, problems, close } = await openPage(pageUrl, { browser });
    try {
      await countQuestions(page);
      await page.setInputFiles('#model-input', file('mnist'));
      await page.waitForFunction(() => document.getElementById('preprocessing-dialog')?.open, null, LONG);
      await page.screenshot({ path: path.join(shots, `${browser}-question.png`) });
      // Keyboard-usable: focus on the pre-selected choice, rescale; the others offered, each said.
      assert.deepEqual(
        await page.evaluate(() => ({
          focus: [document.activeElement.value, document.activeElement.checked],
          choices: [...document.querySelectorAll('#preprocessing-dialog input[type=radio]')].map((r) => r.value),
          lines: [...document.querySelectorAll('#preprocessing-dialog label')].every((l) => l.textContent.length > 30),
          title: document.getElementById(
            document.getElementById('preprocessing-dialog').getAttribute('aria-labelledby'),
          ).textContent,
        })),
        {
          focus: ['rescale', true],
          choices: ['rescale', 'raw', 'tf', 'caffe', 'torch'],
          lines: true,
          title: 'How were pictures scaled when mnist_keras3.keras was trained?',
        },
      );
      assert.deepEqual(await axeViolations(page), []);
      await byKeyboard(2)(page); // rescale -> raw -> tf
      await loadedOrFailed(page, 'mnist_keras3.keras');
      assert.equal(await mode(page), 'tf');
      assert.equal(
        await page.evaluate(() => document.getElementById('preprocessing').textContent),
        'Preprocessing: tf ([−1, 1])',
      );

      // A reload opens the cached model with the answer, without converting or asking again.
      await reload(page);
      await settled(page);
      await countQuestions(page);
      assert.match(await modelInfo(page), /^mnist_keras3\.keras \(cached\): /);
      assert.equal(await mode(page), 'tf');

      // Its classes named from the Summary's model card (a Keras file has no names): a 10-class
      // model is offered Fashion-MNIST's and MNIST's; the names are cached with it. A wrong count
      // is refused.
      const card = () =>
        page.evaluate(() =>
          Object.fromEntries(
            [...document.querySelectorAll('#view .model-card dt')].map((t) => [
              t.textContent,
              t.nextElementSibling.textContent,
            ]),
          ),
        );
      await showTab(page, 'summary');
      const before = await card();
      assert.match(before.File, /^mnist_keras3\.keras, saved by Keras 3\.\d+\.\d+, Keras archive \(\.keras\)$/);
      assert.match(before.Input, /^28×28×1 \(grayscale\): pictures are resized to 28×28$/);
      assert.match(before.Preprocessing, /^tf \(\[−1, 1\]\)/);
      assert.equal(before.Classes, '10 — no names: the file does not hold them Name the classes…');
      const namesButton = () => page.evaluate(() => document.getElementById('class-names').textContent);
      const labels = () => page.evaluate(() => window.convscopeApp.state.model.info.labels);
      const inNamesDialog = (text) =>
        page.evaluate(
          (t) => [...document.querySelectorAll('#class-names-dialog button')].find((b) => b.textContent === t).click(),
          text,
        );
      assert.equal(await namesButton(), 'Name the classes');
      await page.evaluate(() =>
        [...document.querySelectorAll('#view .model-card button')]
          .find((b) => b.textContent === 'Name the classes…')
          .click(),
      );
      await page.waitForFunction(() => document.getElementById('class-names-dialog')?.open);
      assert.equal(await page.evaluate(() => document.activeElement.tagName), 'TEXTAREA');
      assert.deepEqual(await axeViolations(page), []);
      await inNamesDialog('Fashion-MNIST');
      await inNamesDialog('Use these names');
      await page.waitForFunction(() => window.convscopeApp.state.model?.info.labels.length === 10, null, LONG);
      await reload(page);
      await settled(page);
      await countQuestions(page);
      assert.deepEqual((await labels()).slice(0, 2), ['T-shirt/top', 'Trouser']);
      assert.equal(await namesButton(), 'Class names');
      await showTab(page, 'summary');
      assert.equal((await card()).Classes, '10 — T-shirt/top, Trouser, Pullover, Dress, Coat, … Rename…');
      // A model whose file says (its own Rescaling): no question.
      await openKeras(page, file('cifar-binary'));
      assert.equal(await mode(page), 'raw');
      assert.equal(await page.evaluate(() => window.questions), 0);

      // Changed later from the header: the dialog starts on the model's mode; Cancel keeps it.
      await page.click('#preprocessing');
      await page.waitForFunction(() => document.getElementById('preprocessing-dialog')?.open);
      assert.equal(await page.evaluate(() => document.activeElement.value), 'raw');
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => !document.getElementById('preprocessing-dialog'));
      assert.equal(await mode(page), 'raw');
      await page.click('#preprocessing');
      await page.waitForFunction(() => document.getElementById('preprocessing-dialog')?.open);
      await page.click('#preprocessing-dialog input[value=torch]');
      await page.evaluate(() =>
        [...document.querySelectorAll('#preprocessing-dialog button')].find((b) => b.textContent === 'Change').click(),
      );
      await loadedOrFailed(page, 'cifar-binary_keras3.keras', 'torch');
      await reload(page);
      await settled(page);
      assert.match(await modelInfo(page), /^cifar-binary_keras3\.keras \(cached\): /);
      assert.equal(await mode(page), 'torch');
      // Names typed in, too few: refused with a message, the model as it was.
      await page.click('#class-names');
      await page.waitForFunction(() => document.getElementById('class-names-dialog')?.open);
      await page.keyboard.type('cat');
      await inNamesDialog('Use these names');
      await page.waitForFunction(() => !document.getElementById('error').hidden, null, LONG);
      assert.match(
        await page.evaluate(() => document.getElementById('error-text').textContent),
        /the class names for cifar-binary_keras3\.keras has 1 name but the model has 2 classes/,
      );
      assert.deepEqual(await labels(), []);
      assert.deepEqual(problems, []);
    } finally {
      await page.evaluate(() => indexedDB.deleteDatabase('convscope')).catch(() => {});
      await close();
    }
  });

  test(`${browser}: a model of free input size asks the size it runs at, by keyboard; the summary says it`, async () => {
    const { page, problems, close } = await openPage(pageUrl, { browser });
    try {
      await page.setInputFiles('#model-input', kerasFile('cifar-binary', 'keras3', ['--free-input-size']).path);
      await page.waitForFunction(() => document.getElementById('input-size-dialog')?.open, null, LONG);
      const fields = () =>
        page.evaluate(() => ({
          focus: document.activeElement.getAttribute('aria-label'),
          values: [...document.querySelectorAll('#input-size-dialog input')].map((i) => i.value),
        }));
      assert.deepEqual(await fields(), { focus: 'height in pixels', values: ['224', '224'] });
      assert.deepEqual(await axeViolations(page), []);
      await page.keyboard.press('ArrowDown'); // 223: a number field steps by keyboard
      await page.keyboard.press('Tab');
      await page.keyboard.press('ArrowUp');
      assert.deepEqual(await fields(), { focus: 'width in pixels', values: ['223', '225'] });
      await page.keyboard.press('Enter');
      await loadedOrFailed(page, 'cifar-binary_keras3_--free-input-size.keras');
      assert.deepEqual(await page.evaluate(() => window.convscopeApp.state.model.info.inputShape), [223, 225, 3]);
      await showTab(page, 'summary');
      assert.match(
        await page.evaluate(() => document.querySelector('#view pre').textContent),
        /any height and width; convscope runs it at 223 x 225 /,
      );
      await showTab(page, 'explain');
      await assertDrawn(page, 'an explanation at 223 x 225');
      assert.deepEqual(problems, []);
    } finally {
      await page.evaluate(() => indexedDB.deleteDatabase('convscope')).catch(() => {});
      await close();
    }
  });

  test(`${browser}: a model the core refuses is explained; the page keeps its model and stays usable`, async () => {
    const { page, problems, close } = await openPage(pageUrl, { browser });
    try {
      const before = await modelInfo(page);
      for (const [model, message] of [
        ['lambda', /^lambda_keras3\.keras: layer lambda \(Lambda\) runs Python code that is not in the file/],
        ['channels-first', /^channels-first_keras3\.keras: .*channels_first/],
      ]) {
        await page.setInputFiles('#model-input', file(model));
        assert.match(await errorText(page), message);
        await settled(page);
        assert.equal(await modelInfo(page), before);
      }
      await showTab(page, 'features');
      await assertDrawn(page, 'features after refusals');
      await openKeras(page, file('cifar-binary'));
      await showTab(page, 'explain');
      await assertDrawn(page, 'explain after refusals');
      assert.deepEqual(problems, []);
    } finally {
      await page.evaluate(() => indexedDB.deleteDatabase('convscope')).catch(() => {});
      await close();
    }
  });

  test(`${browser}: a model dropped with its labels file is named by it; a miscounted one is refused, naming it`, async () => {
    const { page, problems, close } = await openPage(pageUrl, { browser });
    // Files dropped on the page together, as a DataTransfer carries them.
    const drop = (given) =>
      page.evaluate((all) => {
        const dt = new DataTransfer();
        for (const [name, b64] of all)
          dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name));
        document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, given);
    const b64 = (text) => Buffer.from(text).toString('base64');
    try {
      await settled(page);
      // The labels file first: the page opens the model first anyway.
      await drop([
        ['labels.txt', b64('cat\ndog\n')],
        ['cifar-binary_keras3.keras', readFileSync(file('cifar-binary')).toString('base64')],
      ]);
      await page.waitForFunction(() => window.convscopeApp.state.model?.info.labels.length === 2, null, LONG);
      await settled(page);
      assert.deepEqual(await page.evaluate(() => window.convscopeApp.state.model.info.labels), ['cat', 'dog']);
      assert.equal(await page.evaluate(() => window.convscopeApp.state.model.info.name), 'sequential');
      // Dropped later, with a name too many: refused by its file's name, the names kept.
      await drop([['names.json', b64('["cat", "dog", "bird"]')]]);
      assert.match(await errorText(page), /^names\.json has 3 names but the model has 2 classes/);
      assert.deepEqual(await page.evaluate(() => window.convscopeApp.state.model.info.labels), ['cat', 'dog']);
      assert.deepEqual(problems, []);
    } finally {
      await page.evaluate(() => indexedDB.deleteDatabase('convscope')).catch(() => {});
      await close();
    }
  });
}

// The URL has no extension: the page tells a .keras by its first bytes (a zip's).
test('served: ?model=URL opens a .keras from the Keras reader chunk; a reload takes it from the cache', async () => {
  const server = await startStaticServer(path.join(root, 'dist/site'), {
    '/models/cifar': readFileSync(file('cifar-binary')),
  });
  const { page, problems, close } = await openPage(`${server.url}/index.html?model=models/cifar`);
  try {
    await settled(page);
    assert.match(await modelInfo(page), /^cifar: sequential, int8, .* 2,833 parameters, input 32×32×3 · /);
    assert.equal(await page.evaluate(() => window.convscopeApp.stats.conversions), 1);
    assert.ok(server.requests.some((p) => /\/keras_import-[\w-]+\.js$/.test(p)));
    await page.reload();
    await page.waitForFunction(() => window.convscopeReady === true, null, LONG);
    await settled(page);
    assert.match(await modelInfo(page), /^cifar \(cached\): /);
    assert.equal(await page.evaluate(() => window.convscopeApp.stats.conversions), 0);
    assert.deepEqual(problems, []);
  } finally {
    await close();
    await server.close();
  }
});
