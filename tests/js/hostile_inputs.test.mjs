// Every hostile input of tests/fixtures/hostile_inputs.json gives its exact error in the wasm build,
// and the module keeps working after each (the native build replays the same list in
// tests/cpp/hostile_inputs_test.cc).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { loadConvscope } from '../support/load_module.mjs';
import { readImage, root, smallModel } from '../support/models.mjs';

const m = await loadConvscope();
const { cases } = JSON.parse(readFileSync(path.join(root, 'tests/fixtures/hostile_inputs.json'), 'utf8'));

test('hostile inputs are refused with their expected messages; the module stays usable', () => {
  assert.ok(cases.length >= 20);
  const model = m.Model.load(smallModel().bytes);
  try {
    for (const { file, kind, error } of cases) {
      const bytes = readFileSync(path.join(root, 'tests/fixtures/hostile', file));
      const load = kind === 'image' ? () => model.run(bytes) : () => m.Model.load(bytes);
      if (error === null) {
        load(); // a finding whose fix made it harmless rather than invalid: it must decode
      } else {
        assert.throws(load, (e) => e.message === error, `${file}: expected "${error}"`);
      }
      assert.equal(model.run(readImage('chelsea.png')).predictions.length, 5, `usable after ${file}`);
    }
  } finally {
    model.release();
  }
});
