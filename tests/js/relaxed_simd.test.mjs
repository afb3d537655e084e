// The loaders' relaxed-SIMD self-test (web/src/relaxed_simd.js): the relaxed module is chosen only
// where the instructions' results are right, by the page's worker and by the CLI's loader alike.
// Node 20 is the real case of a wrong engine: with --experimental-wasm-relaxed-simd it compiles the
// instructions and doubles the dot product; Node 24 computes them right.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { EXPECTED, relaxedSimdWorks, runSelfTest } from '../../web/src/relaxed_simd.js';
import { loadModule, nodeComputesRelaxed, nodeRunsRelaxed, wasmDir } from '../../cli/module.mjs';
import { readImage, root, smallModel } from '../support/models.mjs';

// A WebAssembly namespace whose instances compute what `results` says (the self-test's memory
// holds the dot product at byte 0 and the multiply-add at byte 16).
function fakeEngine({ dot, madd }) {
  return {
    validate: () => true,
    Module: class {},
    Instance: class {
      constructor() {
        const memory = { buffer: new ArrayBuffer(65536) };
        this.exports = {
          m: memory,
          f() {
            new Int32Array(memory.buffer, 0, 4).set(dot);
            new Float32Array(memory.buffer, 16, 4).set(madd);
          },
        };
      }
    },
  };
}

test('an engine whose relaxed results are right gets the relaxed module', () => {
  assert.deepEqual(EXPECTED, { dot: [-34, -43, 20, 57], madd: [7, 10, 4.25, 0] });
  assert.equal(relaxedSimdWorks(fakeEngine(EXPECTED)), true);
});

test('a wrong dot product, a wrong multiply-add or a failing run gets the baseline module', () => {
  assert.equal(relaxedSimdWorks(fakeEngine({ ...EXPECTED, dot: EXPECTED.dot.map((x) => 2 * x) })), false);
  assert.equal(relaxedSimdWorks(fakeEngine({ ...EXPECTED, madd: [7, 10, 4.25, 1e-7] })), false);
  const throwing = {
    ...fakeEngine(EXPECTED),
    Instance: class {
      constructor() {
        throw new Error('trap');
      }
    },
  };
  assert.equal(relaxedSimdWorks(throwing), false);
  assert.equal(relaxedSimdWorks({ validate: () => false }), false);
  assert.equal(relaxedSimdWorks(null), false);
});

const node20 = process.versions.node.startsWith('20.');

test(
  'Node 20 gets the baseline module, with or without its relaxed-SIMD flag',
  { skip: !node20 && 'not Node 20' },
  () => {
    // Without the flag the test module does not validate.
    assert.equal(runSelfTest(), null);
    assert.equal(relaxedSimdWorks(), false);
    const probe = `import('${path.join(root, 'web/src/relaxed_simd.js')}').then((s) =>
    console.log(JSON.stringify({ result: s.runSelfTest(), works: s.relaxedSimdWorks() })))`;
    const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '-e', probe], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const { result, works } = JSON.parse(r.stdout);
    assert.equal(works, false);
    // The engine bug the self-test exists for (V8 11.3): twice the right dot product.
    assert.deepEqual(
      result.dot,
      EXPECTED.dot.map((x) => 2 * x),
    );
  },
);

// The CLI's loader (cli/module.mjs) makes the same choice for Node: the relaxed builds only where
// the self-test passes. scripts/test.sh runs this file with scripts/node24's Node too, saying
// CONVSCOPE_EXPECT_RELAXED=1: there the relaxed builds and XNNPACK's relaxed int8 kernels must run.
const expectRelaxed = process.env.CONVSCOPE_EXPECT_RELAXED === '1';
test(`Node ${process.versions.node}: the CLI loads the ${nodeRunsRelaxed ? 'relaxed' : 'baseline'} builds`, async () => {
  if (node20) assert.equal(nodeRunsRelaxed, false);
  if (expectRelaxed) assert.equal(nodeRunsRelaxed, true, `Node ${process.version} fails the relaxed-SIMD self-test`);
  const simd = nodeRunsRelaxed ? 'relaxed' : 'baseline';
  for (const threads of [1, 2]) {
    const m = await loadModule({ threads });
    assert.equal(m.buildInfo().variant, threads > 1 ? `${simd}-mt` : simd);
    if (expectRelaxed) {
      // A CPU without VNNI would not get them either: scripts/test.sh expects them on x86-64 Linux,
      // which is where the CI and this machine run (the browser tests check the same in Chromium).
      assert.equal(m.buildInfo().relaxedKernels.usdot, true, JSON.stringify(m.buildInfo().relaxedKernels));
    }
    m.exitThreads();
  }
  if (!nodeComputesRelaxed) {
    await assert.rejects(
      loadModule({ relaxed: true, threads: 2 }),
      new RegExp(`^Error: Node ${process.version} does not run relaxed SIMD right: use the baseline build`),
    );
  }
});

test(
  'a build folder without the relaxed Node builds runs the baseline ones, and says so',
  { skip: !nodeRunsRelaxed && 'this Node gets the baseline builds anyway' },
  () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'convscope-baseline-only-'));
    for (const file of ['convscope-node.cjs', 'convscope-node.wasm', 'package.json']) {
      symlinkSync(path.join(wasmDir, file), path.join(dir, file));
    }
    const probe = `import('${path.join(root, 'cli/module.mjs')}').then(async ({ loadModule, nodeRunsRelaxed }) =>
      console.log(nodeRunsRelaxed, (await loadModule()).buildInfo().variant))`;
    const r = spawnSync(process.execPath, ['-e', probe], {
      encoding: 'utf8',
      env: { ...process.env, CONVSCOPE_WASM_DIR: dir },
    });
    rmSync(dir, { recursive: true });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'false baseline');
    assert.match(r.stderr, /has no relaxed-SIMD Node builds: running the baseline ones/);
  },
);

// What the relaxed builds compute is what the baseline ones do, up to rounding: their kernels
// (relaxed int8 dot products, relaxed f32 GEMM tiles) sum in another order. Measured on the small
// model: 4e-6 apart in int8 and 8e-6 in f32, at logits of about 40.
test(
  'relaxed and baseline builds give the same predictions',
  { skip: !nodeRunsRelaxed && 'this Node runs no relaxed build' },
  async () => {
    const [baseline, relaxed] = await Promise.all([loadModule({ relaxed: false }), loadModule({ relaxed: true })]);
    const kernels = relaxed.buildInfo().relaxedKernels;
    console.log(`# XNNPACK's relaxed kernels in Node ${process.versions.node}: ${JSON.stringify(kernels)}`);
    for (const precision of ['int8', 'f32']) {
      const bytes = smallModel(precision === 'f32' ? ['--precision', 'f32'] : []).bytes;
      const [a, b] = [baseline, relaxed].map((m) => m.Model.load(bytes));
      const [ra, rb] = [a, b].map((model) => model.run(readImage('chelsea.png'), { precision, topK: 5 }));
      assert.deepEqual(
        rb.predictions.map((p) => p.index),
        ra.predictions.map((p) => p.index),
        precision,
      );
      const scale = Math.max(...ra.predictions.map((p) => Math.abs(p.logit)));
      for (const [i, p] of ra.predictions.entries()) {
        const bound = precision === 'int8' ? 1e-3 * scale : 1e-5 * scale;
        assert.ok(
          Math.abs(rb.predictions[i].logit - p.logit) <= bound,
          `${precision} logit ${i}: ${rb.predictions[i].logit} vs ${p.logit}`,
        );
      }
      a.release();
      b.release();
    }
  },
);
