// The CLI with Keras files as --model, as users run it: .keras and .h5 converted in memory (the
// preprocessing guess said, --preprocessing and --precision obeyed), grayscale figures over the
// picture in gray, --layer by what layers are (default the model's camLayer), refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { readPngText } from '../../cli/png.mjs';
import { FIGURES, allFiles, convscope, modelFile, photos, work } from '../support/cli.mjs';
import { kerasFile } from '../support/keras_files.mjs';
import { loadConvscope } from '../support/load_module.mjs';
import { smallModel } from '../support/models.mjs';

const m = await loadConvscope();

test('--model a Keras 3 .keras: converted in memory; the preprocessing guess is said; --preprocessing sets it', () => {
  const mnist = kerasFile('mnist', 'keras3').path;
  const r = convscope('summary', '--model', mnist);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Model: "sequential"\n/);
  // Keras 3 counts the optimizer's variables a compiled model is loaded with (Adam: 2 per weight).
  assert.match(r.stdout, / Total params: 104,480 \(408\.13 KB\)\n Trainable params: 34,826 \(136\.04 KB\)\n/);
  assert.match(r.stdout, /\n Optimizer params: 69,654 \(272\.09 KB\)\n/);
  // The file does not say how its pictures were scaled: the guess, and how to set it.
  assert.equal(
    r.stderr,
    'convscope: mnist_keras3.keras: preprocessing rescale (x / 255), the most common for models trained in ' +
      'tutorials; the file does not say, so check it; --preprocessing rescale|raw|tf|caffe|torch sets it\n'.replace(
        'rescale|raw|tf|caffe|torch',
        m
          .catalog()
          .enums.preprocessing.filter((p) => p !== 'custom')
          .join('|'),
      ),
  );
  const told = convscope('summary', '--model', mnist, '--preprocessing', 'rescale');
  assert.equal(told.code, 0, told.stderr);
  assert.equal(told.stderr, '');
  // A file whose model scales its own input (a Rescaling layer) needs nothing said.
  assert.equal(convscope('summary', '--model', kerasFile('cifar-binary', 'keras3').path).stderr, '');
  assert.ok(
    allFiles(os.tmpdir()).every((f) => !f.startsWith('convscope-weights-')),
    "the archive's weights copy is gone",
  );
});

test('explain with a grayscale .keras: every figure, Grad-CAM at the model camLayer, maps over the picture in gray', () => {
  const out = path.join(work, 'keras-gray');
  const photo = path.join(photos, 'chelsea.png');
  const r = convscope(
    'explain',
    photo,
    '--model',
    kerasFile('fashion-bn', 'keras3').path,
    '--preprocessing',
    'tf',
    '-o',
    out,
    '--quiet',
  );
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
  assert.deepEqual(
    [report.model.params, report.model.inputShape, report.model.preprocessing],
    [421930, [28, 28, 1], 'tf'],
  );
  const entry = report.images[0];
  assert.equal(entry.error, undefined, entry.error);
  assert.deepEqual(
    entry.outputs.map((o) => path.basename(o.file, '.png')).sort(),
    [...FIGURES.map((f) => f.replace('block1_conv1', 'conv2d'))].sort(),
  );
  const figure = (name) => m.decodeImage(readFileSync(path.join(out, 'chelsea', `${name}.png`)));
  const text = (name) => readPngText(readFileSync(path.join(out, 'chelsea', `${name}.png`)));
  // Grad-CAM and its kin at the model's own camLayer: the last layer with feature maps before the
  // flatten (the ReLU after the second BatchNormalization).
  assert.equal(text('gradcam').Layer, 'activation_1');
  assert.equal(text('guided-gradcam').Layer, 'activation_1');
  // The picture as the model sees it: gray (its caption strip aside); the masked view too.
  const picture = m.decodeImage(readFileSync(photo));
  for (const name of ['predictions', 'occlusion-mask']) {
    const img = figure(name);
    const rows = (img.width / picture.width) * picture.height;
    let gray = true;
    for (let p = 0; p < img.width * rows * 4; p += 4)
      gray &&= img.data[p] === img.data[p + 1] && img.data[p] === img.data[p + 2];
    assert.ok(gray, `${name} is not gray`);
  }
});

test('--model a tf.keras .h5: explain with --jobs 2 writes the same bytes as one job', () => {
  const h5 = kerasFile('cifar-binary', 'tf2-h5').path;
  const outs = ['1', '2'].map((jobs) => {
    const out = path.join(work, `keras-jobs${jobs}`);
    const r = convscope(
      'explain',
      path.join(photos, 'chelsea.png'),
      path.join(photos, 'coffee.png'),
      '--model',
      h5,
      '--jobs',
      jobs,
      '--methods',
      'predictions,gradcam,maximize',
      '--precision',
      'f32',
      '-o',
      out,
    );
    assert.equal(r.code, 0, r.stderr);
    return out;
  });
  const report = JSON.parse(readFileSync(path.join(outs[0], 'report.json'), 'utf8'));
  assert.deepEqual([report.model.precision, report.model.preprocessing], ['f32', 'raw']);
  // A sigmoid head with one unit: two classes.
  assert.equal(report.images[0].predictions.length, 2);
  const files = allFiles(outs[0]).filter((f) => f.endsWith('.png'));
  assert.equal(files.length, 2 * 3);
  for (const f of files) assert.ok(readFileSync(path.join(outs[0], f)).equals(readFileSync(path.join(outs[1], f))), f);
});

test('--preprocessing on a model file: the run uses the mode given (the file itself unchanged)', () => {
  const run = (...extra) => {
    const out = path.join(work, `bin-preprocessing${extra.join('')}`);
    const r = convscope(
      'explain',
      path.join(photos, 'chelsea.png'),
      '--model',
      modelFile,
      '--methods',
      'predictions',
      '-o',
      out,
      ...extra,
    );
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
  };
  const own = run(),
    raw = run('--preprocessing', 'raw');
  assert.deepEqual([own.model.preprocessing, raw.model.preprocessing], ['caffe', 'raw']);
  assert.notDeepEqual(own.images[0].predictions, raw.images[0].predictions);
  assert.ok(readFileSync(modelFile).equals(smallModel().bytes));
});

test('Keras models the core refuses, and layers a command cannot use: exit 2 with one line', () => {
  const lambda = kerasFile('lambda', 'keras3').path;
  const refused = convscope('summary', '--model', lambda);
  assert.equal(refused.code, 2);
  assert.equal(
    refused.stderr,
    `convscope: ${lambda}: layer lambda (Lambda) runs Python code that is not in the file (a Lambda layer); ` +
      "convscope opens CNNs built from Keras' own layers (docs/layers.md lists them), Sequential or Functional, " +
      'with one image input and one class output\n',
  );
  const fashion = kerasFile('fashion-bn', 'keras3').path;
  const cases = [
    [
      ['summary', '--model', fashion, '--preprocessing', 'bgr'],
      /--preprocessing must be caffe or tf or torch or rescale or raw, got 'bgr'/,
    ],
    [
      ['explain', 'x.png', '--model', fashion, '--layer', 'dense'],
      /layer 'dense' \(Dense\) has no feature maps: use one of conv2d, batch_normalization, activation, /,
    ],
    [
      ['filters', 'batch_normalization', '--model', fashion],
      /layer 'batch_normalization' \(BatchNormalization\) has no filters to draw: use one of conv2d, conv2d_1$/m,
    ],
    [
      ['maximize', 'flatten', '0', '--model', fashion],
      /layer 'flatten' \(Flatten\) has no feature maps and is not the class layer/,
    ],
  ];
  for (const [args, message] of cases) {
    const r = convscope(...args, '--quiet');
    assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}\n${r.stderr}`);
    assert.match(r.stderr, message);
  }
  // The layers a model has by what they are: BatchNormalization's feature maps, the class layer.
  const out = path.join(work, 'keras-single');
  assert.equal(
    convscope(
      'features',
      path.join(photos, 'coffee.png'),
      'batch_normalization',
      '--model',
      fashion,
      '-o',
      out,
      '--quiet',
    ).code,
    0,
  );
  const r = convscope('maximize', 'dense_1', '3', '--steps', '10', '--model', fashion, '-o', out, '--quiet');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(allFiles(out), ['features-coffee-batch_normalization.png', 'maximize-dense_1-3.png']);
});

test('--input-size: the size a model of free input size runs at; refused for a fixed one', () => {
  const free = kerasFile('cifar-binary', 'keras3', ['--free-input-size']).path;
  const byDefault = convscope('summary', '--model', free);
  assert.equal(byDefault.code, 0, byDefault.stderr);
  // Keras prints None for the free sizes; convscope says what it runs, and how to change it.
  assert.match(byDefault.stdout, /│ conv2d \(Conv2D\) +│ \(None, None, None, 16\) +│/);
  assert.match(
    byDefault.stdout,
    /\nInput size: the model takes pictures of any height and width; convscope runs it at 224 x 224 \(--input-size sets another\)\n$/,
  );
  const sized = convscope('summary', '--model', free, '--input-size', '64x48');
  assert.equal(sized.code, 0, sized.stderr);
  assert.match(sized.stdout, /convscope runs it at 64 x 48 /);
  const out = path.join(work, 'keras-free');
  const explained = convscope(
    'explain',
    path.join(photos, 'chelsea.png'),
    '--model',
    free,
    '--input-size',
    '40',
    '--methods',
    'gradcam',
    '-o',
    out,
    '--quiet',
  );
  assert.equal(explained.code, 0, explained.stderr);
  const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
  assert.deepEqual(report.model.inputShape, [40, 40, 3]);

  const fixed = convscope('summary', '--model', kerasFile('mnist', 'keras3').path, '--input-size', '32x32');
  assert.equal(fixed.code, 2);
  assert.match(
    fixed.stderr,
    /mnist_keras3\.keras: the model takes 28 x 28 pictures: --input-size is for a Keras model whose input size is free\n/,
  );
  for (const bad of ['0x5', '12x', 'big', '70000']) {
    const r = convscope('summary', '--model', free, '--input-size', bad);
    assert.equal(r.code, 2, bad);
    assert.match(r.stderr, /--input-size must be HxW \(e\.g\. 160x160\), each from 1 to 4096, got/);
  }
});
