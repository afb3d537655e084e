// The CLI as the tests run it: a process per command in a scratch folder (where the small model
// is written), and what `explain` writes.
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { root, smallModel } from './models.mjs';
import { scratchDir } from './scratch.mjs';

export const cli = path.join(root, 'cli/convscope.mjs');
export const work = scratchDir('cli');
export const modelFile = path.join(work, 'small.bin');
writeFileSync(modelFile, smallModel().bytes);
export const photos = path.join(root, 'tests/data/images');

// {code, stdout, stderr} of `convscope ...args`, run in `work`.
export function convscope(...args) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: work, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// The figures `explain` writes for each picture, for the small VGG16.
export const FIGURES = [
  'predictions',
  'features-block1_conv1',
  'filters-block1_conv1',
  'saliency',
  'smoothgrad',
  'guided',
  'gradcam',
  'guided-gradcam',
  'gradcam-plus-plus',
  'hirescam',
  'xgradcam',
  'layercam',
  'scorecam',
  'ablationcam',
  'eigencam',
  'occlusion',
  'occlusion-mask',
  'maximize',
  'ig',
  'input-x-gradient',
];

export function allFiles(dir) {
  return readdirSync(dir, { recursive: true }).map(String).sort();
}
