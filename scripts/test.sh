#!/usr/bin/env bash
# The whole test suite: C++ unit tests (native and wasm under Node), the JS tests of the wasm
# module in Node, and the browser tests in headless Chromium. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
# The full-size test models take about 2 GB in build/ and up to 0.6 GB at a time in the temp folder.
df -h . "${TMPDIR:-/tmp}"
scripts/build.sh

echo "== C++ unit tests (native, then wasm in Node)"
ctest --test-dir build/native --output-on-failure
ctest --test-dir build/wasm --output-on-failure

echo "== JS tests of the wasm module (Node)"
# Node 20's fetch() would try to load the .wasm from a file path; the module gets the bytes instead.
node --no-experimental-fetch --test tests/js/

echo "== Browser tests (Chromium)"
# playwright-core needs Node's fetch globals, so no --no-experimental-fetch here.
node --test tests/browser/
