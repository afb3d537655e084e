// No leaks across long use: a model runs 100 images with every method (the page's whole menu) and
// is released; then another model is loaded, used and released 20 times. The bytes malloc holds
// (heapInUse) after each phase must match: within 5% (a leak of one activation per image would
// be far more), and the wasm memory must not grow in the second phase.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { loadConvscope } from '../support/load_module.mjs';
import { readImage, samplePhotos, smallModel } from '../support/models.mjs';

const m = await loadConvscope();
const photos = samplePhotos.map(readImage);

function useModel(model, image) {
  model.run(image);
  for (const method of ['saliency', 'guided', 'gradcam', 'guided-gradcam']) model.explain(method);
  model.explain('smoothgrad', { samples: 2 });
  model.explain('ig', { samples: 2 });
  model.explain('occlusion', { patch: 8, stride: 8 });
  model.sanityCheck('gradcam', { topLayers: 2 });
  model.maximize({ layer: 'block3_conv1', filter: 1, steps: 2 });
  model.filterGrid('block1_conv1');
  model.featureMapGrid('block2_conv1');
}

test('100 images with every method, then 20 model reloads: nothing is left allocated', () => {
  const before = m.heapInUse();
  const model = m.Model.load(smallModel().bytes);
  for (let i = 0; i < 100; i++) useModel(model, photos[i % photos.length]);
  const inUse = m.heapInUse();
  assert.ok(inUse > before + 50000, `the model and its engines hold memory (${before} -> ${inUse})`);
  model.release();
  const afterFirst = m.heapInUse();
  const memory = m.HEAPU8.length;
  const f32 = smallModel(['--precision', 'f32']).bytes;
  for (let i = 0; i < 20; i++) {
    const other = m.Model.load(f32);
    useModel(other, photos[i % photos.length]);
    other.release();
  }
  const afterReloads = m.heapInUse();
  console.log(
    `heap in use: ${before} before, ${inUse} with the model, ${afterFirst} after release, ${afterReloads} after 20 reloads; memory ${memory} -> ${m.HEAPU8.length}`,
  );
  assert.ok(afterFirst <= before * 1.05 + 4096, `released: ${before} -> ${afterFirst}`);
  assert.ok(afterReloads <= afterFirst * 1.05 + 4096, `after reloads: ${afterFirst} -> ${afterReloads}`);
  assert.equal(m.HEAPU8.length, memory, 'the wasm memory did not grow');
});
