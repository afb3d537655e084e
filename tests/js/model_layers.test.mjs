// The layers the views start on, chosen from a model's summary rows (web/src/model_layers.js): on
// VGG16 and on ResNet50 and MobileNetV2 as the generator writes them (narrow).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { maximizeDefaultLayer } from '../../web/src/model_layers.js';
import { convert, kerasFile, NARROW } from '../support/keras_files.mjs';
import { loadConvscope, summaryRows } from '../support/load_module.mjs';
import { smallModel } from '../support/models.mjs';

const m = await loadConvscope();

const rowsOf = (bytes) => summaryRows(m, bytes);

test('Maximize starts a quarter of the way down the convolutions whose kernel is wider than 1 x 1', () => {
  const vgg = rowsOf(smallModel().bytes);
  assert.deepEqual(vgg.find((r) => r.name === 'block2_conv2').kernel, [3, 3]);
  assert.equal(vgg.find((r) => r.name === 'flatten').kernel, undefined);
  assert.equal(maximizeDefaultLayer(vgg), 'block2_conv2');
  // Not a shortcut's or a bottleneck's 1 x 1 convolution, whose pictures are flat.
  const resnet = rowsOf(convert(kerasFile('resnet50', 'keras3', NARROW).path).bytes);
  assert.deepEqual(resnet.find((r) => r.name === 'conv3_block1_0_conv').kernel, [1, 1]);
  assert.equal(maximizeDefaultLayer(resnet), 'conv3_block1_2_conv');
  const mobilenet = rowsOf(convert(kerasFile('mobilenetv2', 'keras3', NARROW).path).bytes);
  const layer = mobilenet.find((r) => r.name === maximizeDefaultLayer(mobilenet));
  assert.deepEqual([layer.kind, layer.kernel], ['DepthwiseConv2D', [3, 3]], layer.name);
});
