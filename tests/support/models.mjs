// Model files for the JS tests, made the way users make them: a Keras .h5 (written by
// model_convert/testing/make_keras_model.py) converted by model_convert. Cached per process, in memory.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { scratchDir } from './scratch.mjs';

// The class-activation maps besides Grad-CAM that the references compute (keras_explain.CAM_FAMILY).
export const CAM_FAMILY = [
  'gradcam-plus-plus',
  'hirescam',
  'xgradcam',
  'layercam',
  'scorecam',
  'ablationcam',
  'eigencam',
];
// Those of passes of their own (tests/reference/cam_passes.py), which the float64 reference makes
// only on request (a full-size VGG16 has 512 channels: 512 float64 passes per class).
export const PASS_CAMS = ['scorecam', 'ablationcam', 'eigencam'];
// The CAMs the reference makes: all, or without PASS_CAMS.
export function camMethods(passCams) {
  return passCams ? CAM_FAMILY : CAM_FAMILY.filter((c) => !PASS_CAMS.includes(c));
}

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const converter = process.env.MODEL_CONVERT ?? path.join(root, 'build/native/model_convert/model_convert');
const generator = path.join(root, 'model_convert/testing/make_keras_model.py');
const testModels = path.join(root, 'build/native/test-models');
const tmp = scratchDir('models');

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

const cache = new Map();

function converted(key, h5, convertArgs) {
  if (!cache.has(key)) {
    const out = path.join(tmp, `model-${cache.size}.bin`);
    const stdout = run(converter, [h5, '-o', out, ...convertArgs]);
    cache.set(key, { bytes: readFileSync(out), stdout, h5 });
    rmSync(out); // kept in memory; a float32 VGG16 is 553 MB
  }
  return cache.get(key);
}

// A small VGG16 (32x32 input, widths / 16, 10 classes), converted with `convertArgs`;
// { bytes, stdout (model_convert's), h5 (the Keras file) }.
export function smallModel(convertArgs = []) {
  const h5 = path.join(tmp, 'small.h5');
  if (!existsSync(h5)) {
    run('/usr/bin/python3', [
      generator,
      h5,
      '--input-size',
      '32',
      '--width-divisor',
      '16',
      '--fc-units',
      '64',
      '--classes',
      '10',
      '--seed',
      '21',
    ]);
  }
  return converted(`small ${convertArgs.join(' ')}`, h5, convertArgs);
}

// Full-size synthetic VGG16 (138,357,544 parameters), from the native build's test models.
export function vgg16(convertArgs = []) {
  return converted(`vgg16 ${convertArgs.join(' ')}`, path.join(testModels, 'vgg16-weights-2016.h5'), convertArgs);
}
export const vgg16Int8 = () => vgg16();

// The f32 model of `h5` with its kernels rounded as the int8 conversion rounds them
// (model_convert/testing/round_like_int8.py): f32 arithmetic on exactly an int8 file's weights.
export function roundedLikeInt8(h5) {
  const key = `rounded ${h5}`;
  if (!cache.has(key)) {
    const rounded = path.join(tmp, 'rounded.h5');
    run('/usr/bin/python3', [path.join(root, 'model_convert/testing/round_like_int8.py'), h5, rounded]);
    try {
      converted(key, rounded, ['--precision', 'f32']);
    } finally {
      rmSync(rounded); // a full-size VGG16 .h5 is 528 MB
    }
  }
  return cache.get(key);
}

// Reference explanations from PyTorch autograd (tests/reference/torch_explain.py) for `input`
// (a preprocessed H x W x 3 Float32Array): { logits, saliency, guided, gradcam: {layer: data},
// cams: {method: {layer: data}} (camMethods(passCams)), ig (with `ig: { steps, baseline }`),
// occlusion (with `occlusion: { patch, stride }`), metrics (with `metrics: { map, baseline, steps,
// roadStep }`: {deletion, insertion, confidence, road-morf, road-lerf} probabilities, ROAD's without
// noise) }.
export function torchExplain(h5, input, height, width, classIndex, layers, { ig, occlusion, metrics, passCams } = {}) {
  const dir = mkdtempSync(path.join(tmp, 'torch-'));
  writeFileSync(path.join(dir, 'input.bin'), input);
  const extraArgs = [];
  if (ig) {
    writeFileSync(path.join(dir, 'baseline.bin'), ig.baseline);
    extraArgs.push('--ig-steps', String(ig.steps), '--baseline', path.join(dir, 'baseline.bin'));
  }
  if (occlusion) extraArgs.push('--occlusion', String(occlusion.patch), String(occlusion.stride));
  if (passCams) extraArgs.push('--pass-cams');
  if (metrics) {
    writeFileSync(path.join(dir, 'baseline.bin'), metrics.baseline);
    writeFileSync(path.join(dir, 'map.bin'), metrics.map);
    extraArgs.push('--baseline', path.join(dir, 'baseline.bin'));
    extraArgs.push('--metrics', path.join(dir, 'map.bin'), String(metrics.steps));
    extraArgs.push('--road-step', String(metrics.roadStep));
  }
  run('/usr/bin/python3', [
    path.join(root, 'tests/reference/torch_explain.py'),
    h5,
    path.join(dir, 'input.bin'),
    String(height),
    String(width),
    String(classIndex),
    dir,
    '--layers',
    ...layers,
    ...extraArgs,
  ]);
  const read = (name) => {
    const b = readFileSync(path.join(dir, name)); // a Buffer may be a view into a shared pool
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  };
  return {
    logits: read('logits.bin'),
    saliency: read('saliency.bin'),
    guided: read('guided.bin'),
    gradcam: Object.fromEntries(layers.map((l) => [l, read(`gradcam-${l}.bin`)])),
    cams: Object.fromEntries(
      camMethods(passCams).map((method) => [
        method,
        Object.fromEntries(layers.map((l) => [l, read(`${method}-${l}.bin`)])),
      ]),
    ),
    ig: ig ? read('ig.bin') : undefined,
    occlusion: occlusion ? read('occlusion.bin') : undefined,
    metrics: metrics
      ? Object.fromEntries(
          ['deletion', 'insertion', 'confidence', 'road-morf', 'road-lerf'].map((n) => [n, read(`${n}.bin`)]),
        )
      : undefined,
  };
}

export const samplePhotos = [
  'chelsea.png',
  'coffee.png',
  'astronaut.png',
  'rocket.jpg',
  'camera.png',
  'no_time_for_that_tiny.gif',
];
export const readImage = (name) => readFileSync(path.join(root, 'tests/data/images', name));
