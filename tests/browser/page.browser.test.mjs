// The page as users get it: dist/convscope.html opened from file:// in headless Chromium, and the
// served variant dist/site/ over 127.0.0.1. Every sample through the file input and a drop event,
// every view drawn (canvases of the right size, not blank), pictures that change with the layer,
// method and class, each bad file explained in the page, occlusion on full-size VGG16 cancelled
// midway with the page still usable, no network request, no console error, the page's thread
// never busy for over 100 ms while the workers compute. Screenshots of each view go to
// test-output/page/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { crc32, encodePng } from '../../cli/png.mjs';
import {
  busyLoop,
  canvases,
  errorText,
  openPage,
  settled,
  showTab,
  threadBusy,
  VIEWS,
  watchThread,
} from '../support/page.mjs';
import { root, samplePhotos, vgg16 } from '../support/models.mjs';
import { scratchDir } from '../support/scratch.mjs';

const shots = path.join(root, 'test-output/page');
mkdirSync(shots, { recursive: true });
const tmp = scratchDir('page');
const photo = (name) => path.join(root, 'tests/data/images', name);

// rocket.jpg with an EXIF orientation of 6 (rotate 90 degrees clockwise to view).
function rotatedJpeg() {
  const jpeg = readFileSync(photo('rocket.jpg'));
  const tiff = Buffer.from([
    0x49, 0x49, 0x2a, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0,
  ]);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 0xff]), body]);
  return Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2)]);
}

// A PNG whose header claims 40000 x 40000 pixels: refused before anything is decoded.
function hugePngHeader() {
  const png = Buffer.from(encodePng({ width: 1, height: 1, data: new Uint8Array(4) }));
  png.writeUInt32BE(40000, 16);
  png.writeUInt32BE(40000, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

test('dist/convscope.html from file://: inputs, every view, changes, bad files, cancel', async () => {
  const { page, problems, requests, close } = await openPage(`file://${path.join(root, 'dist/convscope.html')}`);
  try {
    // Both builds are inlined; Chromium passes the relaxed-SIMD self-test.
    assert.match(
      await page.textContent('#model-info'),
      /default model: .*parameters.* · wasm relaxed SIMD, 1 thread( \(methods of many passes on \d workers\))?$/,
    );
    // Every sample photo through the file input, then one by a drop event.
    const photos = samplePhotos.filter((p) => !p.endsWith('.gif'));
    for (const name of photos) {
      await page.setInputFiles('#image-input', photo(name));
      await settled(page);
    }
    const dropped = readFileSync(photo('no_time_for_that_tiny.gif')).toString('base64');
    await page.evaluate((b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'dropped.gif', { type: 'image/gif' }));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, dropped);
    await page.waitForFunction((n) => document.querySelectorAll('#strip button').length === n, photos.length + 2);
    await settled(page);
    assert.equal(await page.isHidden('#error'), true, await page.textContent('#error'));

    // Pasted, with EXIF orientation 6: shown upright (640 x 427 becomes 427 x 640).
    await page.evaluate((b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'pasted.jpg', { type: 'image/jpeg' }));
      document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true }));
    }, rotatedJpeg().toString('base64'));
    await page.waitForFunction((n) => document.querySelectorAll('#strip button').length === n, photos.length + 3);
    await settled(page);
    assert.deepEqual(
      await page.evaluate(() => [window.convscopeApp.picture.width, window.convscopeApp.picture.height]),
      [427, 640],
    );

    // Every view draws something.
    await page.click('#strip button:nth-child(2)'); // chelsea, the first photo opened
    await settled(page);
    const info = await page.evaluate(() => window.convscopeApp.state.model.info);
    for (const tab of VIEWS) {
      await showTab(page, tab);
      if (tab === 'maximize') {
        // The catalog's maximization options are its controls; a value set there reaches the link.
        assert.deepEqual(
          await page.evaluate(() =>
            ['preset', 'steps', 'seed'].map((n) => {
              const e = document.querySelector(`#view [aria-label="${n}"]`);
              return [e?.tagName, e?.getAttribute('max') ?? [...e.options].map((o) => o.value).join(',')];
            }),
          ),
          [
            ['SELECT', 'smooth,keras-vis,lucid'],
            ['INPUT', '10000'],
            ['INPUT', '4294967295'],
          ],
        );
        await page.fill('#view [aria-label="steps"]', '40');
        await page.dispatchEvent('#view [aria-label="steps"]', 'change');
        await settled(page);
        assert.match(await page.evaluate(() => location.hash), /steps=40/);
        await page.click('#view button:has-text("Synthesize")');
        await page.waitForFunction(() => document.querySelectorAll('#view figure canvas').length === 4, null, {
          timeout: 120000,
        });
        // Emptied, the steps are the preset's again (the placeholder says so).
        await page.fill('#view [aria-label="steps"]', '');
        await page.dispatchEvent('#view [aria-label="steps"]', 'change');
        await settled(page);
        assert.equal(await page.evaluate(() => window.convscopeApp.state.steps), undefined);
        assert.doesNotMatch(await page.evaluate(() => location.hash), /steps=/);
        await page.click('#view button:has-text("Synthesize")');
        await page.waitForFunction(() => document.querySelectorAll('#view figure canvas').length === 4, null, {
          timeout: 120000,
        });
      }
      await page.screenshot({ path: path.join(shots, `${tab}.png`), fullPage: true });
      if (tab === 'summary') {
        // As the Keras that saved the default model (tf.keras 2.13) prints it: no digit grouping.
        assert.match(await page.textContent('#view pre'), new RegExp(`\nTotal params: ${info.params} \\(`));
        continue;
      }
      if (tab === 'architecture') {
        // An SVG graph: a box per layer (VGG16's 23 are few enough to start unfolded).
        assert.equal(
          await page.locator('#view .graph-box').count(),
          await page.evaluate(() => window.convscopeApp.state.model.summary.rows.length),
        );
        continue;
      }
      const drawn = await canvases(page);
      assert.ok(drawn.length > 0, `${tab}: no canvas`);
      for (const c of drawn.filter((d) => d.label !== 'zoomed tile')) {
        assert.ok(
          c.width > 0 && c.height > 0 && c.variance > 0,
          `${tab}: canvas ${c.label} is blank (${JSON.stringify(c)})`,
        );
      }
      if (tab === 'explain' || tab === 'compare') {
        const picture = await page.evaluate(() => window.convscopeApp.picture);
        for (const c of drawn)
          assert.deepEqual([c.width, c.height], [picture.width, picture.height], `${tab}: ${c.label}`);
      }
    }

    // The picture changes with the layer, the method and the class.
    await showTab(page, 'features');
    const block1 = (await canvases(page))[0].hash;
    await page.selectOption('#view select[aria-label=Layer]', 'block2_conv1');
    await settled(page);
    assert.notEqual((await canvases(page))[0].hash, block1, 'feature maps follow the layer');
    await showTab(page, 'explain');
    const cam = (await canvases(page))[0].hash;
    await page.selectOption('#view select[aria-label=Method]', 'saliency');
    await settled(page);
    const saliency = (await canvases(page))[0].hash;
    assert.notEqual(saliency, cam, 'the map follows the method');
    await page.selectOption('#view select[aria-label=Class]', '7');
    await settled(page);
    assert.notEqual((await canvases(page))[0].hash, saliency, 'the map follows the class');
    assert.match(
      await page.evaluate(() => location.hash),
      /method=saliency.*classIndex=7|classIndex=7.*method=saliency/,
    );
    await page.screenshot({ path: path.join(shots, 'explain-saliency.png'), fullPage: true });

    // Bad files: a readable message, and the page keeps working.
    const bad = {
      'notes.pdf': Buffer.from('not a picture at all'),
      'notes.txt': Buffer.from('not a picture at all'),
      'empty.png': Buffer.alloc(0),
      'huge.png': hugePngHeader(),
      'broken.bin': readFileSync(path.join(root, 'web/models/default.bin')).subarray(0, 5000),
      'random.bin': Buffer.from('CNVSCOPE but nothing else of a model file'),
    };
    const expected = {
      'notes.pdf': /^notes\.pdf: not an image this browser or convscope can read: use PNG, JPEG, WebP, GIF or BMP$/,
      // A text file is taken for the model's class names (a labels file).
      'notes.txt': /^notes\.txt has 1 name but the model has 10 classes: give one name per class/,
      'empty.png': /^empty\.png: the image file is empty$/,
      'huge.png': /^huge\.png: the image is 40000x40000 \(1600 megapixels\), over the limit of 64 megapixels/,
      'broken.bin': /^broken\.bin: the model file is truncated: 5000 of \d+ bytes$/,
      'random.bin':
        /^random\.bin: not a convscope model file \(convert Keras \.keras and \.h5 files with model_convert first\)$/,
    };
    for (const [name, bytes] of Object.entries(bad)) {
      writeFileSync(path.join(tmp, name), bytes);
      await page.setInputFiles('#image-input', path.join(tmp, name));
      assert.match(await errorText(page), expected[name]);
    }
    await page.setInputFiles('#image-input', photo('truncated.jpg'));
    assert.match(
      await errorText(page),
      /^truncated\.jpg: the JPEG image could not be decoded: the file may be truncated or corrupt$/,
    );
    await showTab(page, 'predictions');
    assert.equal((await canvases(page)).length, 1, 'still usable after bad files');

    // Full-size VGG16: occlusion at the default patch takes minutes; cancel it after its first
    // (coarse) map, and the page goes on with the same model and image.
    const vggFile = path.join(tmp, 'vgg16-int8.bin');
    writeFileSync(vggFile, vgg16().bytes);
    await page.setInputFiles('#model-input', vggFile);
    await page.waitForFunction(
      () => /138,357,544 parameters/.test(document.getElementById('model-info').textContent),
      null,
      { timeout: 120000 },
    );
    await settled(page);
    await showTab(page, 'explain');
    await page.selectOption('#view select[aria-label=Method]', 'occlusion');
    await settled(page);
    // The page's thread stays free while the workers compute: never busy for over 100 ms at a
    // stretch, so it answers input within RAIL's 100 ms. (The two workers take both cores of a
    // 2-core machine, so the thread also waits for a core now and then: 30 to 60 ms seen here.)
    // The check can fail: a 150 ms task on the page is seen.
    await watchThread(page);
    await busyLoop(page, 150);
    const seen = await threadBusy(page);
    assert.ok(seen.longestMs >= 140, `a 150 ms task was seen as ${seen.longestMs} ms`);
    await watchThread(page);
    await page.click('#view button:has-text("Run")');
    await page.waitForFunction(
      () => document.querySelectorAll('#view figure canvas').length >= 1 && !document.getElementById('progress').hidden,
      null,
      { timeout: 120000 },
    );
    const progress = await page.textContent('#progress-text');
    // Split over both cores (web/src/worker_team.js), and said so.
    assert.match(progress, /^Occlusion on 2 workers \d+%, about \d+ s left$/);
    const busy = await threadBusy(page);
    await page.click('#cancel');
    await page.waitForFunction(() => document.getElementById('progress').hidden);
    assert.equal(await page.evaluate(() => window.convscopeApp.team.workerCount), 0, 'the extra worker stopped');
    assert.ok(
      busy.longestMs <= 100,
      `the page's thread was busy for ${busy.longestMs} ms at a stretch while the workers computed (over 50 ms: ${busy.overMs.join(', ')} ms)`,
    );
    await showTab(page, 'predictions');
    assert.equal((await canvases(page)).length, 1, 'predictions after the cancel');
    await showTab(page, 'explain');
    await page.selectOption('#view select[aria-label=Method]', 'gradcam');
    await settled(page);
    const after = await canvases(page);
    assert.ok(after.length === 1 && after[0].variance > 0, 'Grad-CAM after the cancel');
    assert.equal(await page.isHidden('#error'), true, await page.textContent('#error-text'));
    await page.screenshot({ path: path.join(shots, 'vgg16-gradcam-after-cancel.png'), fullPage: true });

    assert.deepEqual(
      requests.filter((u) => !/^(file|data|blob):/.test(u)),
      [],
      'network requests',
    );
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('dist/site/ served over 127.0.0.1: the worker, the wasm and the model load as separate files, the Keras reader not at all', async () => {
  const { page, problems, requests, server, close } = await openPage('/index.html', {
    serve: path.join(root, 'dist/site'),
  });
  try {
    await page.waitForFunction(() => document.querySelectorAll('#strip button').length === 1);
    await settled(page);
    assert.equal((await canvases(page)).length, 1);
    // Chromium passes the relaxed-SIMD self-test: the worker downloads that build, and only it.
    assert.deepEqual(
      server.requests.filter((p) => /\.wasm$/.test(p)).map((p) => p.replace(/-[\w-]{8}\.wasm$/, '.wasm')),
      ['/assets/convscope-web-relaxed.wasm'],
      'one wasm, a file of its own',
    );
    assert.match(
      await page.textContent('#model-info'),
      / · wasm relaxed SIMD, 1 thread( \(methods of many passes on \d workers\))?$/,
    );
    assert.ok(
      requests.some((u) => /default-.*\.bin$/.test(u)),
      'the model is a file of its own',
    );
    assert.deepEqual(
      requests.filter((u) => !u.startsWith(server.url) && !/^(data|blob):/.test(u)),
      [],
    );
    // The server's own log also sees what the worker fetched.
    assert.ok(
      server.requests.some((p) => /\/worker-[\w-]+\.js$/.test(p)),
      'the worker is a file of its own',
    );
    assert.ok(!server.requests.some((p) => /keras_import/.test(p)), 'h5wasm is fetched only for a .h5');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

// What a served page shows, view by view: the model line and a hash of each view's canvases.
async function servedViews(isolated) {
  const { page, problems, server, close } = await openPage('/index.html', {
    serve: path.join(root, 'dist/site'),
    isolated,
  });
  try {
    await page.waitForFunction(() => document.querySelectorAll('#strip button').length === 1);
    await settled(page);
    const views = {
      info: await page.textContent('#model-info'),
      isolated: await page.evaluate(() => self.crossOriginIsolated),
    };
    for (const tab of ['predictions', 'features', 'explain']) {
      await showTab(page, tab);
      views[tab] = (await canvases(page)).map((c) => c.hash);
    }
    await page.selectOption('#view select[aria-label=Method]', 'occlusion');
    await page.click('#view button:has-text("Run")');
    // The map and the masked picture.
    await page.waitForFunction(
      () => document.querySelectorAll('#view figure canvas:not(.colorbar)').length === 2,
      null,
      { timeout: 120000 },
    );
    await settled(page);
    views.occlusion = (await canvases(page)).map((c) => c.hash);
    await page.screenshot({
      path: path.join(shots, `served-${isolated ? 'isolated' : 'plain'}-occlusion.png`),
      fullPage: true,
    });
    const wasm = server.requests.filter((p) => /\.wasm$/.test(p)).map((p) => p.replace(/-[\w-]{8}\.wasm$/, '.wasm'));
    return { views, wasm, problems };
  } finally {
    await close();
  }
}

test('dist/site/ served cross-origin isolated (convscope serve): the threaded relaxed build on every core, the same pictures', async () => {
  const plain = await servedViews(false),
    isolated = await servedViews(true);
  assert.equal(isolated.views.isolated, true);
  assert.match(
    isolated.views.info,
    new RegExp(` · wasm relaxed SIMD, ${Math.min(os.availableParallelism(), 8)} threads$`),
  );
  assert.deepEqual(isolated.wasm, ['/assets/convscope-web-relaxed-mt.wasm'], 'only the threaded build is downloaded');
  assert.equal(plain.views.isolated, false);
  assert.match(plain.views.info, / · wasm relaxed SIMD, 1 thread( \(methods of many passes on \d workers\))?$/);
  // Threads split the same kernels' work: every picture is the same, pixel for pixel.
  for (const view of ['predictions', 'features', 'explain', 'occlusion']) {
    assert.ok(plain.views[view].length > 0, view);
    assert.deepEqual(isolated.views[view], plain.views[view], view);
  }
  assert.deepEqual(isolated.problems, []);
  assert.deepEqual(plain.problems, []);
});

test('a served site missing the wasm build the worker picks says which file, instead of waiting forever', async () => {
  const site = path.join(tmp, 'broken-site');
  cpSync(path.join(root, 'dist/site'), site, { recursive: true });
  const relaxed = readdirSync(path.join(site, 'assets')).find((f) => /^convscope-web-relaxed-[\w-]{8}\.wasm$/.test(f));
  rmSync(path.join(site, 'assets', relaxed));
  const { page, server, close } = await openPage('/index.html', { serve: site });
  try {
    const text = await errorText(page);
    assert.match(
      text,
      new RegExp(
        `could not start the wasm module from ${server.url}/assets/${relaxed} \\(HTTP 404\\): reload the page`,
      ),
    );
  } finally {
    await close();
    rmSync(site, { recursive: true, force: true });
  }
});
