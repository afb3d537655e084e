#!/usr/bin/env bash
# The whole test suite: lint and type checks of the JS, C++ unit tests (native and wasm under
# Node), the JS tests of the wasm module in Node (single-threaded, and the reference suites again
# threaded), and the browser tests in headless Chromium (baseline and relaxed-SIMD builds). Exits
# non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
# The full-size test models take about 2 GB in build/ and up to 0.6 GB at a time in the temp folder.
df -h . "${TMPDIR:-/tmp}"
scripts/build.sh

echo "== Lint and type checks"
# ESLint and Prettier, failing on any warning; tsc over web/src and tests/types (it reads build/wasm).
npm run -s lint
npm run -s typecheck

echo "== C++ unit tests (native, then wasm in Node)"
ctest --test-dir build/native --output-on-failure
ctest --test-dir build/wasm --output-on-failure

echo "== JS tests of the wasm module (Node)"
# Node 20's fetch() would try to load the .wasm from a file path; the module gets the bytes instead.
node --no-experimental-fetch --test tests/js/

echo "== The suites checked against references again, on the threaded build (2 threads)"
CONVSCOPE_THREADS=2 node --no-experimental-fetch --test tests/js/model.test.mjs tests/js/explain.test.mjs \
  tests/js/occlusion.test.mjs tests/js/sanity_check.test.mjs tests/js/maximize.test.mjs

echo "== Browser tests (Chromium)"
# playwright-core needs Node's fetch globals, so no --no-experimental-fetch here.
node --test tests/browser/
