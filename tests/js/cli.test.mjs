// The CLI end to end, as users run it: summary against the golden table; explain on every sample
// photo writes every figure (decoded back: right size, not blank, labelled), report.json and
// index.html; a bad file among good ones exits 1 with one line and the rest done; --jobs 2 and
// --threads 2 write the same bytes as one job on one thread, and the report says what ran; serve
// sends the isolation headers; usage errors exit 2; no temporary file is left behind. Keras files
// as --model: cli_keras.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

import { nodeRunsRelaxed } from '../../cli/module.mjs';
import { readPngText } from '../../cli/png.mjs';
import { FIGURES, allFiles, cli, convscope, modelFile, photos, work } from '../support/cli.mjs';
import { loadConvscope } from '../support/load_module.mjs';
import { root, samplePhotos } from '../support/models.mjs';

const m = await loadConvscope();
// Whether each method's map comes from gradients (the catalog's usesGradients).
const USES_GRADIENTS = new Map(m.catalog().methods.map((x) => [x.name, x.usesGradients]));

test('summary prints the golden table', () => {
  const r = convscope('summary', '--model', modelFile);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, readFileSync(path.join(root, 'tests/fixtures/cli_summary_small_vgg16.txt'), 'utf8'));
});

test("explain says when a picture is unlike the default model's training pictures, and only then", () => {
  const out = path.join(work, 'unlike');
  const samples = path.join(root, 'web/samples');
  const r = convscope(
    'explain',
    path.join(samples, 'chelsea.jpg'),
    path.join(samples, 'fashion-bag.png'),
    '--methods',
    'predictions',
    '-o',
    out,
    '--quiet',
  );
  assert.equal(r.code, 0, r.stderr);
  const [cat, bag] = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')).images;
  assert.match(cat.unlike.sentence, /^This picture is unlike the pictures this model was trained on \(Fashion-MNIST/);
  assert.equal(bag.unlike.sentence, '');
  assert.ok(bag.unlike.score < bag.unlike.threshold && cat.unlike.score > cat.unlike.threshold);
  assert.ok(readFileSync(path.join(out, 'index.html'), 'utf8').includes('This picture is unlike'));
  // The predictions figure carries the sentence in its caption, in lines of its own (14 font pixels
  // each, under the picture upscaled to at least 320 wide): "top-5" and five classes, and more.
  const captionLines = (source, dir) => {
    const picture = m.decodeImage(readFileSync(source));
    const figure = m.decodeImage(readFileSync(path.join(out, dir, 'predictions.png')));
    const f = Math.max(1, Math.ceil(320 / picture.width));
    return (figure.height - picture.height * f) / (14 * (picture.width * f >= 640 ? 2 : 1));
  };
  assert.equal(captionLines(path.join(samples, 'fashion-bag.png'), 'fashion-bag'), 6);
  assert.ok(captionLines(path.join(samples, 'chelsea.jpg'), 'chelsea') >= 8);
});

test('--labels names the classes of a model (a Keras file has none); a bad labels file is refused', () => {
  const out = path.join(work, 'labels');
  const names = path.join(work, 'names.txt');
  writeFileSync(names, Array.from({ length: 10 }, (_, i) => `garment ${i}`).join('\n'));
  const bag = path.join(root, 'web/samples/fashion-bag.png');
  const r = convscope(
    'explain',
    bag,
    '--model',
    modelFile,
    '--labels',
    names,
    '--methods',
    'predictions,gradcam',
    '--class',
    'garment 8',
    '-o',
    out,
    '--quiet',
  );
  assert.equal(r.code, 0, r.stderr);
  const [entry] = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')).images;
  assert.match(entry.predictions[0].label, /^garment \d$/);
  const gradcam = entry.outputs.find((o) => o.Method === 'gradcam');
  assert.deepEqual([gradcam.Class, gradcam.Label], ['8', 'garment 8']);
  const summary = convscope('summary', '--model', modelFile, '--labels', names);
  assert.equal(summary.code, 0, summary.stderr);
  writeFileSync(names, 'shirt\nshoe\n');
  const short = convscope('summary', '--model', modelFile, '--labels', names);
  assert.equal(short.code, 2);
  assert.match(
    short.stderr,
    /names\.txt has 2 names but the model has 10 classes: give one name per class, in the model's order/,
  );
  const missing = convscope('summary', '--model', modelFile, '--labels', path.join(work, 'nope.txt'));
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read the labels file .*nope\.txt: ENOENT/);
});

test('explain writes every figure of every sample photo, report.json and index.html', () => {
  const out = path.join(work, 'all');
  const r = convscope('explain', ...samplePhotos.map((p) => path.join(photos, p)), '--model', modelFile, '-o', out);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
  assert.equal(report.images.length, samplePhotos.length);
  assert.equal(report.model.params, 64750);
  for (const [i, photo] of samplePhotos.entries()) {
    const entry = report.images[i];
    assert.equal(entry.error, undefined, `${photo}: ${entry.error}`);
    assert.equal(entry.predictions.length, 5);
    assert.ok(entry.timings.run > 0 && entry.timings.occlusion > 0);
    const picture = m.decodeImage(readFileSync(path.join(photos, photo)));
    const stem = photo.replace(/\.[^.]*$/, '');
    assert.deepEqual(entry.outputs.map((o) => path.basename(o.file, '.png')).sort(), [...FIGURES].sort());
    for (const name of FIGURES) {
      const file = path.join(out, stem, `${name}.png`);
      const png = readFileSync(file);
      const img = m.decodeImage(png);
      const text = readPngText(png);
      assert.equal(text.Software, 'convscope');
      assert.equal(text.Method, name.replace(/-block1_conv1$/, '').replace('occlusion-mask', 'occlusion'));
      if (!/^(predictions|features|filters|maximize)/.test(name)) {
        // A map over the picture: at least the picture's size (small ones are scaled up), with the
        // method, layer, class and precision recorded.
        assert.equal(img.width % picture.width, 0, `${file}: width ${img.width} for a ${picture.width}-wide picture`);
        assert.ok(img.height > (img.width / picture.width) * picture.height, `${file}: no caption strip`);
        assert.equal(text.Class, String(entry.classIndex));
        assert.equal(text.Precision, 'int8');
        // Gradient maps of an int8 model say they come from int8 weights on an f32 pass.
        const gradient = USES_GRADIENTS.get(name.replace('occlusion-mask', 'occlusion'));
        assert.deepEqual([text.Weights, text.Activations], ['int8', gradient ? 'f32' : 'int8'], file);
        const output = entry.outputs.find((o) => path.basename(o.file, '.png') === name);
        assert.deepEqual([output.Weights, output.Activations], [text.Weights, text.Activations]);
        assert.ok(text.Layer);
      }
      // Not blank: many distinct colours.
      const colours = new Set();
      for (let p = 0; p < img.data.length; p += 4) {
        colours.add((img.data[p] << 16) | (img.data[p + 1] << 8) | img.data[p + 2]);
      }
      assert.ok(colours.size > 8, `${file} looks blank (${colours.size} colours)`);
    }
  }
  const html = readFileSync(path.join(out, 'index.html'), 'utf8');
  for (const photo of samplePhotos) assert.ok(html.includes(`${photo.replace(/\.[^.]*$/, '')}/gradcam.png`));
  assert.ok(!allFiles(out).some((f) => f.includes('.tmp-')), 'temporary files left');
});

test('a bad file among good ones: exit 1, one error line, the good ones done', () => {
  const dir = path.join(work, 'mixed');
  const out = path.join(work, 'mixed-out');
  readdirSync(work); // the folder is made below
  spawnSync('mkdir', ['-p', dir]);
  copyFileSync(path.join(photos, 'chelsea.png'), path.join(dir, 'a.png'));
  copyFileSync(path.join(photos, 'truncated.jpg'), path.join(dir, 'b.jpg'));
  writeFileSync(path.join(dir, 'c.png'), 'not a picture');
  copyFileSync(path.join(photos, 'rocket.jpg'), path.join(dir, 'd.jpg'));
  const r = convscope('explain', dir, '--model', modelFile, '--methods', 'predictions,gradcam', '-o', out, '--quiet');
  assert.equal(r.code, 1);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 2, r.stderr);
  assert.match(lines[0], /b\.jpg: .*could not be decoded/);
  assert.match(lines[1], /c\.png: .*could not be decoded|c\.png: .*not a/);
  assert.deepEqual(allFiles(path.join(out, 'a')), ['gradcam.png', 'predictions.png']);
  assert.deepEqual(allFiles(path.join(out, 'd')), ['gradcam.png', 'predictions.png']);
  const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
  assert.deepEqual(
    report.images.map((i) => i.error === undefined),
    [true, false, false, true],
  );
});

test('--jobs 2 writes the same bytes as --jobs 1; globs expand', () => {
  const outs = ['1', '2'].map((jobs) => {
    const out = path.join(work, `jobs${jobs}`);
    const r = convscope(
      'explain',
      path.join(photos, '*.png'),
      '--model',
      modelFile,
      '--jobs',
      jobs,
      '--methods',
      'predictions,saliency,gradcam,occlusion,maximize',
      '-o',
      out,
    );
    assert.equal(r.code, 0, r.stderr);
    return out;
  });
  const files = allFiles(outs[0]).filter((f) => f.endsWith('.png'));
  assert.equal(files.length, 5 * 6); // astronaut, camera, chelsea, chelsea-16bit, coffee
  assert.deepEqual(
    allFiles(outs[1]).filter((f) => f.endsWith('.png')),
    files,
  );
  for (const f of files) assert.ok(readFileSync(path.join(outs[0], f)).equals(readFileSync(path.join(outs[1], f))), f);
});

test('--threads: the same bytes on 1 and 2 threads; report.json and the last line say what ran', () => {
  const run = (...extra) => {
    const out = path.join(work, `threads${extra.join('')}`);
    const r = convscope(
      'explain',
      path.join(photos, 'chelsea.png'),
      path.join(photos, 'rocket.jpg'),
      '--model',
      modelFile,
      '--methods',
      'predictions,saliency,gradcam,occlusion,ig',
      '-o',
      out,
      ...extra,
    );
    assert.equal(r.code, 0, r.stderr);
    return { out, stderr: r.stderr, engine: JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')).engine };
  };
  const one = run('--threads', '1'),
    two = run('--threads', '2'),
    jobs = run('--jobs', '2', '--threads', '1');
  const byDefault = run();
  // The CLI's Node runs the relaxed-SIMD builds where it passes the self-test (Node 24), else the
  // baseline ones (Node 20).
  const simd = nodeRunsRelaxed ? 'relaxed' : 'baseline';
  assert.deepEqual(one.engine, { variant: simd, threads: 1, jobs: 1 });
  assert.deepEqual(two.engine, { variant: `${simd}-mt`, threads: 2, jobs: 1 });
  assert.deepEqual(jobs.engine, { variant: simd, threads: 1, jobs: 2 });
  const cores = os.availableParallelism();
  assert.deepEqual(byDefault.engine, { variant: cores > 1 ? `${simd}-mt` : simd, threads: cores, jobs: 1 });
  assert.match(two.stderr, new RegExp(`2 of 2 images explained \\(wasm ${simd}-mt, 2 threads\\)`));
  assert.match(jobs.stderr, new RegExp(`\\(wasm ${simd}, 1 thread x 2 jobs\\)`));
  const files = allFiles(one.out).filter((f) => f.endsWith('.png'));
  assert.equal(files.length, 2 * 6); // occlusion writes its map and the masked picture
  for (const other of [two, jobs]) {
    for (const f of files)
      assert.ok(readFileSync(path.join(one.out, f)).equals(readFileSync(path.join(other.out, f))), f);
  }
});

// Node's fetch is switched off for these tests (--no-experimental-fetch): a plain GET.
const get = (url) =>
  new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        res.resume();
        res.on('end', () => resolve(res));
      })
      .on('error', reject);
  });

test('serve: the site over 127.0.0.1 with the headers that allow threads', async () => {
  const site = path.join(work, 'site');
  spawnSync('mkdir', ['-p', site]);
  writeFileSync(path.join(site, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(path.join(site, 'm.wasm'), new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  const server = spawn(process.execPath, [cli, 'serve', site, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise((resolve, reject) => {
      server.stdout.on('data', (d) => {
        const m = /at (http:\/\/127\.0\.0\.1:\d+)\//.exec(String(d));
        if (m) resolve(m[1]);
      });
      server.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
    for (const [file, type] of [
      ['/', 'text/html; charset=utf-8'],
      ['/m.wasm', 'application/wasm'],
    ]) {
      const response = await get(url + file);
      assert.equal(response.statusCode, 200, file);
      assert.equal(response.headers['content-type'], type);
      assert.equal(response.headers['cross-origin-opener-policy'], 'same-origin');
      assert.equal(response.headers['cross-origin-embedder-policy'], 'require-corp');
    }
    assert.equal((await get(`${url}/missing.js`)).statusCode, 404);
  } finally {
    server.kill('SIGTERM');
  }
  assert.equal(await new Promise((resolve) => server.on('exit', resolve)), 0);
  const r = convscope('serve', path.join(work, 'no-such-site'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no-such-site has no index\.html: build the site first/);
});

test("the methods' options from the catalog reach the core: --patch and --stride change occlusion", () => {
  const photo = path.join(photos, samplePhotos[0]),
    stem = samplePhotos[0].replace(/\.[^.]*$/, '');
  const [coarse, fine] = [[], ['--patch', '5', '--stride', '3']].map((extra, i) => {
    const out = path.join(work, `options-${i}`);
    const r = convscope('explain', photo, '--model', modelFile, '--methods', 'occlusion', '-o', out, ...extra);
    assert.equal(r.code, 0, r.stderr);
    return readFileSync(path.join(out, stem, 'occlusion.png'));
  });
  assert.notDeepEqual(coarse, fine);
  const help = convscope('--help');
  assert.match(
    help.stdout + help.stderr,
    /--patch: occlusion: Side of the square patch that hides part of the image\./,
  );
  assert.match(help.stdout, /--samples: smoothgrad: Noisy copies averaged.* ig: Steps along the path/);
});

test('--metrics measures each map beside a random map: report.json, captions and curves in index.html', () => {
  const photo = path.join(photos, samplePhotos[0]),
    stem = samplePhotos[0].replace(/\.[^.]*$/, '');
  const out = path.join(work, 'metrics');
  const r = convscope(
    'explain',
    photo,
    '--model',
    modelFile,
    '--methods',
    'predictions,gradcam,occlusion',
    '--metrics',
    'deletion,insertion,road,confidence',
    '--points',
    '6',
    '--percentStep',
    '25',
    '-o',
    out,
  );
  assert.equal(r.code, 0, r.stderr);
  const [entry] = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')).images;
  const byMethod = Object.fromEntries(entry.outputs.map((o) => [path.basename(o.file, '.png'), o]));
  assert.equal(byMethod.predictions.metrics, undefined, 'only maps are measured');
  for (const method of ['gradcam', 'occlusion']) {
    const metrics = byMethod[method].metrics;
    assert.deepEqual(
      metrics.map((x) => x.metric),
      ['deletion', 'insertion', 'road-morf', 'road-lerf', 'confidence'],
      'road: both orders',
    );
    const [deletion, insertion, morf, lerf, confidence] = metrics;
    for (const road of [morf, lerf]) {
      assert.deepEqual(road.x, [0, 0.25, 0.5, 0.75]);
      assert.equal(road.map.probabilities[0], deletion.map.probabilities[0], 'ROAD starts from the picture');
    }
    assert.deepEqual(deletion.x, [0, 0.2, 0.4, 0.6, 0.8, 1].map(Math.fround));
    assert.equal(deletion.map.probabilities.length, 6);
    assert.equal(deletion.map.probabilities[5], insertion.map.probabilities[0], 'both meet at the baseline');
    assert.ok(Number.isFinite(deletion.random.score) && Number.isFinite(insertion.map.score));
    // Each beside the sanity check's randomized model's map, which starts from the same picture.
    assert.equal(deletion.randomizedModel.probabilities.length, 6);
    assert.equal(deletion.randomizedModel.probabilities[0], deletion.map.probabilities[0]);
    assert.ok(Number.isFinite(confidence.randomizedModel.score));
    assert.deepEqual([confidence.x, confidence.map.probabilities.length], [[], 2]);
    const png = readPngText(readFileSync(path.join(out, stem, `${method}.png`)));
    assert.equal(png.Method, method);
  }
  const captions = m.decodeImage(readFileSync(path.join(out, stem, 'gradcam.png')));
  assert.ok(captions.height > m.decodeImage(readFileSync(path.join(photos, samplePhotos[0]))).height);
  const html = readFileSync(path.join(out, 'index.html'), 'utf8');
  assert.equal((html.match(/<svg /g) ?? []).length, 8, 'a curve per map and curve metric');
  assert.match(
    html,
    /Deletion: [\d.e+-]+ \(random map [\d.e+-]+, randomized model's map [\d.e+-]+; lower is more faithful\)/,
  );
  assert.match(html, /the map \(solid\), a random map \(dashed\), the randomized model's map \(dotted\)/);
  assert.match(
    html,
    /Confidence change: [\d.e+-]+ \(random map [\d.e+-]+, randomized model's map [\d.e+-]+; lower is more faithful\)/,
  );
  assert.match(
    html,
    /ROAD, most relevant first: [\d.e+-]+ \(random map [\d.e+-]+, randomized model's map [\d.e+-]+; lower is more faithful\)/,
  );
  const bad = convscope('explain', photo, '--model', modelFile, '--metrics', 'rise', '-o', out);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown metric 'rise' \(metrics: deletion, insertion, road-morf, road-lerf, confidence\)/);
});

test('filters, features and maximize commands', () => {
  const out = path.join(work, 'single');
  assert.equal(convscope('filters', 'block1_conv1', '--model', modelFile, '-o', out).code, 0);
  assert.equal(
    convscope('features', path.join(photos, 'coffee.png'), 'block2_conv1', '--model', modelFile, '-o', out).code,
    0,
  );
  const r = convscope('maximize', 'block3_conv1', '0', '3', '--steps', '20', '--model', modelFile, '-o', out);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(allFiles(out), [
    'features-coffee-block2_conv1.png',
    'filters-block1_conv1.png',
    'maximize-block3_conv1-0.png',
    'maximize-block3_conv1-3.png',
  ]);
  assert.equal(readPngText(readFileSync(path.join(out, 'maximize-block3_conv1-3.png'))).Unit, '3');
});

test("the CLI's methods' flags and the choices of --precision and --resize are the catalog's of the build it runs", () => {
  // Another build (CONVSCOPE_WASM_DIR) whose catalog has one more of each.
  const dir = path.join(work, 'other-build');
  mkdirSync(dir, { recursive: true });
  const catalog = structuredClone(m.catalog());
  catalog.enums.precision.push('bf16');
  catalog.enums.resize.push('pad');
  catalog.methods[0].options.push({ ...catalog.methods[0].options[0], name: 'radius', help: 'a test option' });
  writeFileSync(path.join(dir, 'convscope-catalog.mjs'), `export default ${JSON.stringify(catalog)};\n`);
  const usage = (env) => spawnSync(process.execPath, [cli, '--help'], { cwd: work, encoding: 'utf8', env }).stdout;
  const other = usage({ ...process.env, CONVSCOPE_WASM_DIR: dir });
  assert.match(other, /\[--precision f32\|int8\|bf16\] \[--resize keras\|crop\|pad\]/);
  assert.match(other, /features IMAGE LAYER \[--model M\] \[--precision f32\|int8\|bf16\]/);
  assert.match(other, new RegExp(`--radius: ${catalog.methods[0].name}: a test option`));
  const own = usage(process.env);
  assert.match(own, /\[--precision f32\|int8\] \[--resize keras\|crop\]/);
  assert.doesNotMatch(own, /bf16|pad|radius/);
});

test('usage errors exit 2 with a message', () => {
  const cases = [
    [[], /no command given/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['explain', 'x.png', '--model', modelFile, '--methods', 'saliency,lime'], /unknown method 'lime'/],
    [
      ['explain', 'x.png', '--model', modelFile, '--class', '10'],
      /--class must be top1, a class index below 10 or a label, got '10'/,
    ],
    [['explain', 'x.png', '--model', modelFile, '--precision', 'fp16'], /--precision must be f32 or int8, got 'fp16'/],
    [['explain', 'x.png', '--model', modelFile, '--resize', 'pad'], /--resize must be keras or crop, got 'pad'/],
    [['explain', 'x.png', '--model', modelFile, '--jobs', '0'], /--jobs must be an integer >= 1, got '0'/],
    [['explain', 'x.png', '--model', modelFile, '--threads', 'all'], /--threads must be an integer >= 1, got 'all'/],
    [['explain', 'x.png', '--model', modelFile, '--layer', 'nope'], /no layer named 'nope'/],
    [['explain', 'x.png', '--model', path.join(work, 'missing.bin')], /no model file/],
    [['explain', 'x.png', '--model', path.join(photos, 'chelsea.png')], /chelsea\.png: .*not a convscope model/],
    [['summary', '--bogus'], /Unknown option '--bogus'/],
    [
      ['explain', 'x.png', '--model', modelFile, '--patch', '0'],
      /--patch must be a whole number from 1 to 32768, got '0'/,
    ],
    [
      ['explain', 'x.png', '--model', modelFile, '--baseline', 'gray'],
      /--baseline must be 'black' or 'blur', got 'gray'/,
    ],
    [
      ['maximize', 'block3_conv1', '0', '--model', modelFile, '--preset', 'deepdream'],
      /--preset must be 'smooth' or 'keras-vis' or 'lucid', got 'deepdream'/,
    ],
    [
      ['maximize', 'block3_conv1', '0', '--model', modelFile, '--steps', '10001'],
      /--steps must be a whole number from 0 to 10000, got '10001'/,
    ],
  ];
  for (const [args, message] of cases) {
    const r = convscope(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}\n${r.stderr}`);
    assert.match(r.stderr, message);
  }
});
