#!/usr/bin/env bash
# The main job: set up, build everything, then run convscope on the sample photos with the default
# model, writing every visualization to out/ (open out/index.html).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build.sh

model=()
if [[ ! -f web/models/default.bin ]]; then
  # Until the trained default model lands: a small VGG16 with random weights, made by our tooling.
  mkdir -p build/models
  if [[ ! -f build/models/demo-vgg16.bin ]]; then
    /usr/bin/python3 model_convert/testing/make_keras_model.py build/models/demo-vgg16.h5 \
      --input-size 32 --width-divisor 16 --fc-units 64 --classes 10 --seed 21
    build/native/model_convert/model_convert build/models/demo-vgg16.h5 -o build/models/demo-vgg16.bin
  fi
  model=(--model build/models/demo-vgg16.bin)
  echo "main: no trained default model yet; using a random-weight VGG16 (build/models/demo-vgg16.bin)"
fi

node cli/convscope.mjs summary "${model[@]}"
photos=(astronaut.png camera.png chelsea.png coffee.png rocket.jpg no_time_for_that_tiny.gif)
node cli/convscope.mjs explain "${photos[@]/#/tests/data/images/}" "${model[@]}" -o out
echo "main: figures and report in out/ (open out/index.html)"
if [[ -f dist/convscope.html ]]; then
  echo "main: the page is $(pwd)/dist/convscope.html (open it, or serve the folder: python3 -m http.server -d dist)"
fi
