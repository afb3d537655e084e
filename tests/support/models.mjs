// Model files for the JS tests, made the way users make them: a Keras .h5 (written by
// model_convert/testing/make_keras_model.py) converted by model_convert. Cached per process.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const converter = process.env.MODEL_CONVERT ?? path.join(root, 'build/native/model_convert/model_convert');
const generator = path.join(root, 'model_convert/testing/make_keras_model.py');
const testModels = path.join(root, 'build/native/test-models');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'convscope-models-'));

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

const cache = new Map();

// A small VGG16 (32x32 input, widths / 16, 10 classes), converted with `convertArgs`.
export function smallModel(convertArgs = []) {
  const key = `small ${convertArgs.join(' ')}`;
  if (!cache.has(key)) {
    const h5 = path.join(tmp, 'small.h5');
    if (!existsSync(h5)) {
      run('/usr/bin/python3', [generator, h5, '--input-size', '32', '--width-divisor', '16',
        '--fc-units', '64', '--classes', '10', '--seed', '21']);
    }
    const out = path.join(tmp, `small-${cache.size}.bin`);
    const stdout = run(converter, [h5, '-o', out, ...convertArgs]);
    cache.set(key, { bytes: readFileSync(out), stdout });
  }
  return cache.get(key);
}

// Full-size synthetic VGG16 (138,357,544 parameters) in int8, from the native build's test models.
export function vgg16Int8() {
  if (!cache.has('vgg16')) {
    const out = path.join(tmp, 'vgg16-int8.bin');
    const stdout = run(converter, [path.join(testModels, 'vgg16-weights-2016.h5'), '-o', out]);
    cache.set('vgg16', { bytes: readFileSync(out), stdout });
  }
  return cache.get('vgg16');
}

export const samplePhotos = ['chelsea.png', 'coffee.png', 'astronaut.png', 'rocket.jpg', 'camera.png',
  'no_time_for_that_tiny.gif'];
export const readImage = (name) => readFileSync(path.join(root, 'tests/data/images', name));
