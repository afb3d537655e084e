// The page's rule for how many workers share a split method (web/src/worker_team.js): each
// worker's estimated peak (4.5x the model file + 48 MB) within half the device's memory, at most
// one per core, never fewer than one.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { SPLIT_METHODS, teamSize, workerBytes } from '../../web/src/worker_team.js';

test('worker count: cores and the memory budget bound it', () => {
  const vgg16Int8 = 132.1e6, vgg16F32 = 553.4e6, defaultModel = 1.1e6;
  assert.equal(Math.round(workerBytes(vgg16Int8) / 1e6), 642);
  // This machine's Chromium: 2 cores, 8 GB reported.
  assert.equal(teamSize({ modelFileBytes: vgg16Int8, cores: 2, deviceMemoryGB: 8 }), 2);
  assert.equal(teamSize({ modelFileBytes: defaultModel, cores: 2, deviceMemoryGB: 8 }), 2);
  // More cores: the budget (4 GB) holds 6 int8 VGG16 workers, 1 of f32 VGG16 (2.5 GB each).
  assert.equal(teamSize({ modelFileBytes: vgg16Int8, cores: 16, deviceMemoryGB: 8 }), 6);
  assert.equal(teamSize({ modelFileBytes: vgg16F32, cores: 16, deviceMemoryGB: 8 }), 1);
  // A small device: int8 VGG16 alone; the default model always gets the cores' workers.
  assert.equal(teamSize({ modelFileBytes: vgg16Int8, cores: 4, deviceMemoryGB: 1 }), 1);
  assert.equal(teamSize({ modelFileBytes: defaultModel, cores: 4, deviceMemoryGB: 1 }), 4);
  // Browsers that do not say (Firefox, Safari): 4 GB assumed.
  assert.equal(teamSize({ modelFileBytes: vgg16Int8, cores: 8, deviceMemoryGB: undefined }), 3);
  assert.equal(teamSize({ modelFileBytes: vgg16Int8, cores: undefined, deviceMemoryGB: 8 }), 1);
  assert.deepEqual([...SPLIT_METHODS].sort(), ['ig', 'occlusion', 'smoothgrad']);
});
