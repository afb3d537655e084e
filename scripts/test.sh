#!/usr/bin/env bash
# The whole test suite: lint and type checks of the JS, C++ unit tests (native and wasm under
# Node), the JS tests of the wasm module in Node (single-threaded; the reference suites again
# threaded, and on the relaxed-SIMD builds in Node 24), and the browser tests in headless Chromium
# (baseline and relaxed-SIMD builds). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each stage's heading says when it started (seconds since the suite began), so that a CI log shows
# where the time goes.
stage() { echo "== $* (at ${SECONDS} s)"; }

scripts/setup.sh
# The full-size test models take about 2 GB in build/ and up to 0.6 GB at a time in the temp folder.
df -h . "${TMPDIR:-/tmp}"
scripts/build.sh

stage "Lint and type checks"
# ESLint and Prettier, failing on any warning; tsc over web/src, tests/types and the source of the
# declarations, wasm/convscope.d.ts (it reads build/wasm).
npm run -s lint
npm run -s typecheck

stage "C++ unit tests (native, then wasm in Node)"
ctest --test-dir build/native --output-on-failure
ctest --test-dir build/wasm --output-on-failure

stage "JS tests of the wasm module (Node)"
# Node 20's fetch() would try to load the .wasm from a file path; the module gets the bytes instead.
node --no-experimental-fetch --test tests/js/

stage "The suites checked against references again, on the threaded build (2 threads)"
REFERENCE_SUITES=(tests/js/model.test.mjs tests/js/explain.test.mjs tests/js/occlusion.test.mjs
  tests/js/sanity_check.test.mjs tests/js/maximize.test.mjs)
CONVSCOPE_THREADS=2 node --no-experimental-fetch --test "${REFERENCE_SUITES[@]}"

# Node 24 (scripts/node24, installed by setup.sh on x86-64 Linux) passes the relaxed-SIMD
# self-test, so the CLI's loader gives it the relaxed builds (CONVSCOPE_EXPECT_RELAXED: a test
# fails if it does not): the loader's choice, relaxed against baseline, threaded against
# single-threaded, the CLI, and the reference suites on one and two threads.
node24=scripts/node24/node_modules/.bin/node
if [[ -x $node24 ]]; then
  stage "The relaxed-SIMD Node builds (Node 24): loader, threads, the suites checked against references"
  CONVSCOPE_EXPECT_RELAXED=1 $node24 --test tests/js/relaxed_simd.test.mjs tests/js/threads.test.mjs \
    tests/js/cli.test.mjs "${REFERENCE_SUITES[@]}"
  CONVSCOPE_THREADS=2 $node24 --test "${REFERENCE_SUITES[@]}"
else
  stage "No Node 24 on this platform: the relaxed-SIMD Node builds are not tested"
fi

stage "Browser tests (Chromium)"
# playwright-core needs Node's fetch globals, so no --no-experimental-fetch here.
node --test tests/browser/
stage "Done"
