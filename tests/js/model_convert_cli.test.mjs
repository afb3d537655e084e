// model_convert's command line, end to end, driven by tests/fixtures/model_convert_cases.json:
// good files convert and load-check; every bad input gives one clear stderr line, the right exit
// code, and no output file (not even a temporary one). Also checks the generator's files have the
// real Keras layouts, as h5dump sees them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const converter = process.env.MODEL_CONVERT ?? path.join(root, 'build/native/model_convert/model_convert');
const generator = path.join(root, 'model_convert/testing/make_keras_model.py');
const fixtures = JSON.parse(readFileSync(path.join(root, 'tests/fixtures/model_convert_cases.json'), 'utf8'));

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  return r;
}

function generate(file, args) {
  const r = run('/usr/bin/python3', [generator, file, ...fixtures.small, ...args]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

for (const c of fixtures.cases) {
  test(`model_convert: ${c.name}`, () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'convscope-convert-'));
    try {
      const input = path.join(tmp, 'model.h5');
      const generated = c.generate ? generate(input, c.generate) : null;
      if (c.content !== undefined) writeFileSync(input, c.content);
      const output = c.output === undefined ? path.join(tmp, 'model.bin') : c.output?.replace('{tmp}', tmp);
      const args = [input, ...(output ? ['-o', output] : []), ...(c.args ?? [])];
      if (c.labels) {
        writeFileSync(path.join(tmp, 'labels.json'), JSON.stringify(c.labels));
        args.push('--labels', path.join(tmp, 'labels.json'));
      }
      const before = new Set(readdirSync(tmp));
      const r = run(converter, args);
      const e = c.expect;
      assert.equal(r.status, e.exit, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
      if (e.exit === 0) {
        assert.equal(r.stderr, '', 'no progress bar or noise when stderr is not a terminal');
        const total = Number(/Total params: ([\d,]+)[ \n]/.exec(r.stdout)?.[1].replaceAll(',', ''));
        // --notop keeps only the convolutional base: fewer parameters than the generator wrote.
        if (c.args?.includes('--notop')) assert.ok(total < generated.params, r.stdout);
        else assert.equal(total, e.params ?? generated.params, r.stdout);
        if (e.architecture) assert.ok(r.stdout.includes(e.architecture), r.stdout);
        if (e.stdout) assert.ok(r.stdout.includes(e.stdout), r.stdout);
        for (const absent of e.absent ?? []) assert.ok(!r.stdout.includes(absent), `"${absent}" in:\n${r.stdout}`);
        assert.match(r.stdout, /Wrote .*model\.bin: (int8|f32) precision, [\d,]+ bytes/);
        const bytes = readFileSync(output);
        assert.equal(bytes.subarray(0, 8).toString('latin1'), 'CNVSCOPE');
        if (c.labels) assert.ok(bytes.toString('utf8').includes('"ankle boot"'));
      } else {
        const lines = r.stderr.trimEnd().split('\n');
        // A usage error (exit 2) is followed by the usage text; any other error is one line.
        if (e.exit === 1) assert.equal(lines.length, 1, `one line expected:\n${r.stderr}`);
        const expected = e.error.replaceAll('{tmp}', tmp);
        assert.ok(lines[0].includes(expected), `expected "${expected}" in:\n${r.stderr}`);
        if (e.exit === 1) assert.match(lines[0], /^model_convert: error: /);
        // Nothing written: no output, no leftover temporary file.
        const after = readdirSync(tmp).filter((f) => !before.has(f));
        assert.deepEqual(after, []);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
}

// --training-pictures: stored at conversion, or into a model file whose header alone is rewritten
// (its weights' bytes stay as they were); statistics that do not fit the model are refused,
// naming the statistics' file.
test('model_convert: --training-pictures at conversion and into an existing model file', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'convscope-convert-'));
  try {
    const input = path.join(tmp, 'model.h5');
    generate(input, ['--layout', 'full-model']);
    const pictures = (shape) => ({
      about: 'test pictures',
      shape,
      mean: new Array(shape.reduce((a, b) => a * b)).fill(0),
      std: new Array(shape.reduce((a, b) => a * b)).fill(1),
      threshold: 1.5,
      quantile: 0.99,
    });
    const json = path.join(tmp, 'pictures.json');
    writeFileSync(json, JSON.stringify(pictures([32, 32, 3])));
    const header = (file) => {
      const bytes = readFileSync(file);
      const at = Number(bytes.readBigUInt64LE(24));
      return { bytes, at, json: JSON.parse(bytes.subarray(at).toString('utf8')) };
    };

    const converted = run(converter, [input, '-o', path.join(tmp, 'a.bin'), '--training-pictures', json]);
    assert.equal(converted.status, 0, converted.stderr);
    assert.match(converted.stdout, /Training pictures: test pictures \(unlike above a score of 1\.50\)/);
    assert.equal(header(path.join(tmp, 'a.bin')).json.training_pictures.about, 'test pictures');

    const plain = path.join(tmp, 'b.bin');
    assert.equal(run(converter, [input, '-o', plain]).status, 0);
    assert.equal(header(plain).json.training_pictures, undefined);
    const rewritten = run(converter, [plain, '-o', path.join(tmp, 'c.bin'), '--training-pictures', json]);
    assert.equal(rewritten.status, 0, rewritten.stderr);
    const [before, after] = [header(plain), header(path.join(tmp, 'c.bin'))];
    assert.equal(after.json.training_pictures.threshold, 1.5);
    assert.equal(after.at, before.at);
    assert.ok(
      after.bytes.subarray(64, after.at).equals(before.bytes.subarray(64, before.at)),
      'the weights are unchanged',
    );

    writeFileSync(json, JSON.stringify(pictures([28, 28, 1])));
    const refused = run(converter, [plain, '-o', path.join(tmp, 'd.bin'), '--training-pictures', json]);
    assert.equal(refused.status, 1);
    assert.equal(
      refused.stderr,
      `model_convert: error: ${json}: shape (28, 28, 1) is not the model's input (32, 32, 3)\n`,
    );
    // Options of a conversion are refused, not ignored; and so is nothing to change.
    for (const extra of [['--labels', json], ['--precision', 'f32'], ['--input-size', '64', '64'], []]) {
      const r = run(converter, [plain, '-o', path.join(tmp, 'd.bin'), ...extra]);
      assert.equal(r.status, 1, extra.join(' '));
      assert.match(r.stderr, /is already a convscope model file: only --training-pictures can change it/);
    }
    assert.ok(!readdirSync(tmp).includes('d.bin'));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

// Found by keras_file_fuzzer: libhdf5 loops forever reading this file's attributes. The command
// line gives up once reading makes no progress for --stall-seconds.
test('model_convert: a .h5 libhdf5 loops on is given up after --stall-seconds, one line, no output', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'convscope-convert-'));
  try {
    const input = path.join(root, 'tests/fixtures/hostile/keras-libhdf5-vlen-loop-fuzz.h5');
    const started = Date.now();
    const r = spawnSync(converter, [input, '-o', path.join(tmp, 'model.bin'), '--stall-seconds', '2'], {
      encoding: 'utf8',
      timeout: 60000,
    });
    assert.equal(r.signal, null, "ended by itself, not by the test's timeout");
    assert.equal(r.status, 1);
    assert.equal(
      r.stderr,
      `model_convert: error: ${input}: reading it made no progress for 2 s, so the conversion was ` +
        'stopped (the HDF5 library loops on some damaged files)\n',
    );
    assert.ok(Date.now() - started >= 2000);
    assert.deepEqual(readdirSync(tmp), []);

    const usage = run(converter, [input, '-o', path.join(tmp, 'model.bin'), '--stall-seconds', '0']);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /^model_convert: --stall-seconds needs a whole number of seconds from 1 to 86400\n/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('generated files have the real Keras layouts (h5dump)', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'convscope-h5dump-'));
  try {
    const weightsOnly = path.join(tmp, 'w.h5');
    const full = path.join(tmp, 'f.h5');
    generate(weightsOnly, ['--layout', 'weights-only', '--naming', '2016']);
    generate(full, ['--layout', 'full-model', '--naming', 'keras2']);

    const w = run('h5dump', ['-A', weightsOnly]).stdout;
    assert.match(w, /ATTRIBUTE "layer_names"/);
    assert.match(w, /GROUP "block1_conv1" \{\s*ATTRIBUTE "weight_names"/);
    assert.match(w, /"block1_conv1_W_1:0"/);
    assert.match(
      w,
      /DATASET "block1_conv1_W_1:0" \{\s*DATATYPE\s+H5T_IEEE_F32LE\s*DATASPACE\s+SIMPLE \{ \( 3, 3, 3, 4 \)/,
    );
    assert.doesNotMatch(w, /model_config/);

    const f = run('h5dump', ['-A', full]).stdout;
    assert.match(f, /ATTRIBUTE "model_config"/);
    assert.match(f, /ATTRIBUTE "keras_version"/);
    assert.match(f, /GROUP "model_weights" \{[\s\S]*ATTRIBUTE "layer_names"/);
    assert.match(f, /"block1_conv1\/kernel:0"/);
    assert.match(f, /GROUP "block1_conv1" \{[\s\S]*?GROUP "block1_conv1" \{[\s\S]*?DATASET "kernel:0"/);
    assert.match(f, /"class_name": "Functional"/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
