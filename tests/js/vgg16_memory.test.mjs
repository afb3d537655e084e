// Peak wasm memory of full-size int8 VGG16 in the single-threaded module (a wasm memory never
// shrinks, so its size after the work is the peak): at most 300 MB with every activation of an
// image kept (it was 386 MiB while XNNPACK held a packed copy of the Dense weights beside the
// file's). The gradient methods' f32 pass costs more; its peak is printed for docs/engine.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { loadConvscope } from '../support/load_module.mjs';
import { readImage, vgg16Int8 } from '../support/models.mjs';

const MB = 1e6;

test('int8 VGG16, every activation kept: peak wasm memory <= 300 MB (single-threaded module)', async () => {
  const m = await loadConvscope({ threads: 1 }); // a fresh module: nothing else has grown it
  const model = m.Model.load(vgg16Int8().bytes);
  try {
    assert.equal(model.info().threads, 1);
    model.run(readImage('chelsea.png'));
    const forward = m.HEAPU8.length;
    // Every layer's activation is still there to view.
    assert.ok(model.activation('block1_conv1').data.some((v) => v > 0));
    assert.ok(model.activation('fc2').data.length === 4096);
    console.log(`peak wasm memory, int8 VGG16 after a forward pass: ${(forward / MB).toFixed(0)} MB`);
    assert.ok(forward <= 300 * MB, `${(forward / MB).toFixed(0)} MB`);
    model.explain('saliency');
    model.explain('gradcam');
    console.log(
      `after gradient methods (their f32 pass and transposed convolutions): ${(m.HEAPU8.length / MB).toFixed(0)} MB`,
    );
  } finally {
    model.release();
  }
});
