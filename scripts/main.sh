#!/usr/bin/env bash
# The main job: set up, build everything, then run convscope on the sample photos with the default
# model, writing every visualization to out/ (open out/index.html).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build.sh

# Node 24 (scripts/node24, installed by setup.sh on x86-64 Linux) runs the relaxed-SIMD builds,
# the system's Node 20 only the baseline ones (cli/module.mjs says why).
node=scripts/node24/node_modules/.bin/node
[[ -x $node ]] || node=node
"$node" cli/convscope.mjs summary
# The default model's own kind of picture (Fashion-MNIST test images) and the sample photos.
photos=(astronaut.png camera.png chelsea.png coffee.png rocket.jpg no_time_for_that_tiny.gif)
"$node" cli/convscope.mjs explain web/samples/fashion-*.png "${photos[@]/#/tests/data/images/}" -o out
echo "main: figures and report in out/ (open out/index.html)"
if [[ -f dist/convscope.html ]]; then
  echo "main: the page is $(pwd)/dist/convscope.html (open it), or serve dist/site on every core: npx convscope serve"
fi
