// Keras model files for the tests, written the way each Keras version writes them
// (model_convert/testing/make_keras_file.py), converted by model_convert, and their PyTorch
// references (tests/reference/keras_reference.py). Cached per process.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { CAM_FAMILY, root } from './models.mjs';
import { scratchDir } from './scratch.mjs';

const converter = process.env.MODEL_CONVERT ?? path.join(root, 'build/native/model_convert/model_convert');
const generator = path.join(root, 'model_convert/testing/make_keras_file.py');
const reference = path.join(root, 'tests/reference/keras_reference.py');
const tmp = scratchDir('keras-files');

// The tutorial models and the zoo that together use every layer kind and activation.
export const TUTORIAL_MODELS = ['mnist', 'fashion-bn', 'cifar-binary', 'cifar-softmax'];
export const ZOO_MODELS = ['zoo-a', 'zoo-b', 'zoo-c', 'zoo-d'];
// keras.applications' graphs, narrow (widths / 8) on 64 x 64 pictures: every layer and name as
// Keras builds them, small enough for the tests (full size in the benchmarks); and the transfer-
// learning pattern, a MobileNetV2 base inside a Sequential with a new head.
export const GRAPH_MODELS = ['resnet50', 'mobilenetv2', 'efficientnetb0', 'densenet121', 'mobilenetv2-transfer'];
export const NARROW = ['--width-divisor', '8', '--input-size', '64', '64'];
export const FORMATS = ['keras3', 'keras3.5', 'keras3.0', 'tf2.13-keras', 'keras3-h5', 'tf2-h5'];

export function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.error) throw r.error;
  return r;
}

function mustRun(cmd, args) {
  const r = run(cmd, args);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

const files = new Map();

// The file of `model` in `format` ({path, ...the generator's JSON}); `extra`: more generator
// arguments (--api functional, --no-input-layer, --rerun-names, --fault F).
export function kerasFile(model, format = 'keras3', extra = []) {
  const key = [model, format, ...extra].join(' ');
  if (!files.has(key)) {
    const ext = format.endsWith('h5') ? 'h5' : 'keras';
    const file = path.join(tmp, `${key.replace(/[^\w.-]+/g, '_')}.${ext}`);
    const out = mustRun('/usr/bin/python3', [generator, file, '--format', format, '--model', model, ...extra]);
    files.set(key, JSON.parse(out.trim().split('\n').at(-1)));
  }
  return files.get(key);
}

const converted = new Map();

// model_convert's result for `file`: {bytes, stdout}; an error when it fails.
export function convert(file, args = []) {
  const key = [file, ...args].join(' ');
  if (!converted.has(key)) {
    const out = path.join(tmp, `converted-${converted.size}.bin`);
    const stdout = mustRun(converter, [file, '-o', out, ...args]);
    converted.set(key, { bytes: readFileSync(out), stdout });
    rmSync(out);
  }
  return converted.get(key);
}

// PyTorch's results for `file` on `input` (Float32Array, the preprocessed H x W x C input) and
// class `cls`: {meta, logits, probabilities, saliency, guided, gradcam: {layer}, cams: {method:
// {layer}} (CAM_FAMILY),
// {layer}, ig?, occlusion?}. `ig`: {steps, baseline: Float32Array}; `occlusion`: {patch, stride}.
export function kerasReference(file, input, cls, { layers = [], ig, occlusion } = {}) {
  const dir = mkdtempSync(path.join(tmp, 'ref-'));
  try {
    writeFileSync(path.join(dir, 'input.bin'), input);
    const args = [reference, file, path.join(dir, 'input.bin'), dir, '--class', String(cls), '--activations'];
    if (layers.length) args.push('--layers', ...layers);
    if (ig) {
      writeFileSync(path.join(dir, 'baseline.bin'), ig.baseline);
      args.push('--ig-steps', String(ig.steps), '--baseline', path.join(dir, 'baseline.bin'));
    }
    if (occlusion) args.push('--occlusion', String(occlusion.patch), String(occlusion.stride));
    mustRun('/usr/bin/python3', args);
    const read = (name) => {
      const p = path.join(dir, name);
      if (!existsSync(p)) return undefined;
      const b = readFileSync(p);
      return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    };
    const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8'));
    return {
      meta,
      logits: read('logits.bin'),
      probabilities: read('probabilities.bin'),
      saliency: read('saliency.bin'),
      guided: read('guided.bin'),
      gradcam: Object.fromEntries(layers.map((l) => [l, read(`gradcam-${l}.bin`)])),
      // The other class-activation maps: {method: {layer}}.
      cams: Object.fromEntries(
        CAM_FAMILY.map((method) => [method, Object.fromEntries(layers.map((l) => [l, read(`${method}-${l}.bin`)]))]),
      ),
      activations: Object.fromEntries(meta.layers.map((l) => [l.name, read(`activation-${l.name}.bin`)])),
      ig: read('ig.bin'),
      occlusion: read('occlusion.bin'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
