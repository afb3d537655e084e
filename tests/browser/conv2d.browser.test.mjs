// The browser build in headless Chromium: the same convolution as the Node tests, checked
// against the naive reference inside the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { openPage } from '../support/page.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const seed = Number(process.env.CONVSCOPE_TEST_SEED ?? 20261129);

// Both builds the page can load: baseline SIMD, and relaxed SIMD with XNNPACK's relaxed int8 dot
// product kernels where Chromium computes that product as XNNPACK's check demands. V8 lowers it
// with VNNI instructions where the CPU has them; elsewhere (an AVX2-only AMD EPYC here) its results
// for operands past 7 bits differ, XNNPACK keeps its baseline int8 kernels, as in Firefox.
const vnni = /\b(avx_vnni|avx512_vnni)\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
for (const module of ['web', 'web-relaxed']) {
  test(`Conv2d (${module}) runs in Chromium and matches the reference (seed ${seed})`, async () => {
    const { page, problems, server, close } = await openPage(`/tests/browser/conv2d.html?module=${module}`, {
      serve: root,
    });
    try {
      const result = await page.evaluate((s) => window.runConvscopeTest(s), seed);
      assert.equal(result.build.variant, module === 'web' ? 'baseline' : 'relaxed');
      if (module === 'web-relaxed') {
        const { sdot, usdot } = result.build.relaxedKernels;
        assert.equal(
          sdot || usdot,
          vnni,
          `XNNPACK's relaxed int8 kernels ${JSON.stringify(result.build.relaxedKernels)} on a CPU ${vnni ? 'with' : 'without'} VNNI`,
        );
      }
      assert.equal(result.cases.length, 10);
      for (const row of result.cases) {
        assert.ok(row.f32 <= row.tolerance, `case ${row.case}: f32 error ${row.f32}`);
        assert.ok(row.int8 <= 0.03 * row.maxAbs + 1e-6, `case ${row.case}: int8 error ${row.int8}`);
      }
      assert.match(result.error, /^ConvscopeError: .*must be/);
      assert.ok(server.requests.includes(`/build/wasm/convscope-${module}.wasm`), 'the wasm was served');
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
}
