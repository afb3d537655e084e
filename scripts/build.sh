#!/usr/bin/env bash
# Builds the core twice, natively (unit tests) and to wasm (the modules for the page and Node),
# then the page: dist/convscope.html (one file, works from file://) and dist/site/ (to host).
# Incremental: XNNPACK is unpacked and compiled once per build tree; touching one core file
# rebuilds only that file and the links.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's emcc runs its JS tools with the system Node and needs its packaged modules.
export NODE_PATH=/usr/share/nodejs

if [[ ! -f build/native/build.ninja ]]; then
  CC=clang CXX=clang++ cmake -S . -B build/native -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
cmake --build build/native

if [[ ! -f build/wasm/build.ninja ]]; then
  emcmake cmake -S . -B build/wasm -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
cmake --build build/wasm
node scripts/write_catalog.mjs
node scripts/write_declarations.mjs

npx vite build --config web/vite.config.js --mode single
npx vite build --config web/vite.config.js --mode site
npx vite build --config web/vite.config.js --mode widget
cp web/src/convscope-widget.d.ts dist/
# The widget's examples as they work from dist/, from disk too (pictures inlined).
node scripts/write_examples.mjs
# The widget's optional threaded builds, for pages that are cross-origin isolated (docs/embedding.md).
mkdir -p dist/convscope-threads
for b in convscope-web-mt convscope-web-relaxed-mt; do
  cp build/wasm/$b.mjs build/wasm/$b.wasm build/wasm/$b.worker.js dist/convscope-threads/
done
