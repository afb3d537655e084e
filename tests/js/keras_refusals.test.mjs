// What convscope cannot open (tests/fixtures/keras_refusals.json: models of other kinds, damaged
// and hostile files, each as its Keras version writes it) is refused with one line naming the file
// and what is wrong — the same line natively (model_convert, nothing written) and in wasm (the
// page's converter), which stays usable afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { convertKerasFile } from '../../cli/keras_node.mjs';
import { kerasFile, run } from '../support/keras_files.mjs';
import { loadConvscope } from '../support/load_module.mjs';
import { root } from '../support/models.mjs';

const converter = process.env.MODEL_CONVERT ?? path.join(root, 'build/native/model_convert/model_convert');
const { cases } = JSON.parse(readFileSync(path.join(root, 'tests/fixtures/keras_refusals.json'), 'utf8'));
const m = await loadConvscope();

// The generator's arguments as kerasFile's: format, model, the rest.
function fileOf(c) {
  const args = [...c.generate];
  const take = (flag) => args.splice(args.indexOf(flag), 2)[1];
  const format = take('--format');
  const model = take('--model');
  return kerasFile(model, format, args).path;
}

for (const c of cases) {
  test(`refused: ${c.name}`, async () => {
    const file = fileOf(c);
    const expected = `${file}: ${c.expect.error}`;
    const out = `${file}.bin`;
    const r = run(converter, [file, '-o', out]);
    assert.equal(r.status, c.expect.exit, r.stdout + r.stderr);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, `one line:\n${r.stderr}`);
    assert.ok(r.stderr.startsWith(`model_convert: error: ${expected}`), `expected "${expected}" in:\n${r.stderr}`);
    assert.ok(!existsSync(out), 'nothing written');
    if (c.native_only) return;
    await assert.rejects(convertKerasFile(m, file), (e) => {
      assert.ok(e.message.startsWith(expected), `wasm: expected "${expected}" in:\n${e.message}`);
      return true;
    });
  });
}

test('the converter works after every refusal', async () => {
  const r = await convertKerasFile(m, kerasFile('mnist').path, { precision: 'int8' });
  assert.ok(r.bytes.length > 0);
  assert.equal(m.hdf5, undefined);
});
