// The widget's example of a reader's own model (web/examples/own-model.html), served under the strict
// CSP: a Keras ResNet trained in a notebook, with its labels file, drawn as its summary and model
// card, its architecture (the edges its links), its predictions beside the picture as the model
// sees it, and Grad-CAM at its last block; a re-render keeps working.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

import { root } from '../support/models.mjs';
import { open, seenPictures, widgets } from '../support/widget_page.mjs';

const out = path.join(root, 'test-output/widget');
mkdirSync(out, { recursive: true });

// The example of a reader's own model (web/examples/own-model.html): a Keras ResNet trained in a
// notebook, with its labels file, its summary, architecture, predictions and Grad-CAM.
test('the own-model example draws a Keras ResNet with its class names in every widget', async () => {
  const { page, problems, close } = await open('/web/examples/own-model.html', {
    viewport: { width: 1280, height: 2400 },
  });
  try {
    const all = await widgets(page, 4);
    assert.deepEqual(
      all.map((w) => w.error),
      [null, null, null, null],
    );
    assert.equal(await page.evaluate(() => window.ConvScope.ConvScopeElement.stats.modelLoads), 1);
    const text = (i) =>
      page.evaluate((k) => document.querySelectorAll('conv-scope')[k].shadowRoot.querySelector('main').textContent, i);
    assert.match(await text(0), /Classes10 — T-shirt\/top, Trouser, /);
    // Keras' summary, with its "Connected to" column: the Add takes the shortcut and the block.
    assert.match(
      all[0].text,
      /│ conv4_block1_add +│ \(None, 7, 7, 64\) +│ +0 │ conv4_block1_0_b… │\n│ \(Add\) +│ +│ +│ conv4_block1_2_b… │/,
    );
    // The shortcuts: the diagram's edges are the model's inbound links.
    const graph = await page.evaluate(() => {
      const w = document.querySelectorAll('conv-scope')[1];
      return {
        edges: [...w.shadowRoot.querySelectorAll('.graph-edge')]
          .map((e) => `${e.dataset.from}->${e.dataset.to}`)
          .sort(),
        links: w.modelInfo.summary.rows.flatMap((r) => r.inputs.map((i) => `${i}->${r.name}`)).sort(),
      };
    });
    assert.equal(graph.edges.length, 34);
    assert.deepEqual(graph.edges, graph.links);
    // The picture beside what the model was given.
    assert.deepEqual(await seenPictures(page, 'conv-scope[view=predictions]'), {
      picture: true,
      seen: { width: 28, height: 28, gray: true },
    });
    assert.match(
      await page.evaluate(
        () => document.querySelector('conv-scope[view=gradcam]').shadowRoot.querySelector('figcaption').textContent,
      ),
      /^gradcam · layer conv4_block1_out · Ankle boot \(9\)/, // a trained model: the boot is a boot
    );
    // Drawn again and again (a reader's changes), the predictions ask for the same run, which the
    // worker keeps: the picture the model was given comes with every answer (an answer's buffers
    // are handed over to the page, so a kept one would be empty the second time).
    for (const opacity of ['0.7', '0.8']) {
      const again = await page.evaluate(async (value) => {
        const w = document.querySelector('conv-scope[view=predictions]');
        const drawn = new Promise((resolve) => w.addEventListener('convscope-result', resolve, { once: true }));
        w.setAttribute('opacity', value);
        await Promise.race([drawn, new Promise((resolve) => setTimeout(resolve, 20000))]);
        const error = w.shadowRoot.querySelector('.error');
        return error.hidden ? null : error.textContent;
      }, opacity);
      assert.equal(again, null, `opacity ${opacity}`);
    }
    assert.deepEqual((await seenPictures(page, 'conv-scope[view=predictions]')).seen, {
      width: 28,
      height: 28,
      gray: true,
    });
    assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
    assert.deepEqual(problems, []);
    await page.screenshot({ path: path.join(out, 'own-model.png'), fullPage: true });
  } finally {
    await close();
  }
});
