#!/usr/bin/env bash
# The main job: set up, build everything, and run convscope on the embedded default.
# For now that is a smoke demo of the wasm core in Node; later it writes visualizations to out/.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build.sh
node --no-experimental-fetch scripts/demo.mjs
