#!/usr/bin/env bash
# Fuzzes the core with libFuzzer (ASan + UBSan) for SECONDS per target (default 600):
#   bench/fuzz.sh [SECONDS] [TARGET...]
#     targets: image model_file keras_file keras_structure zip_archive keras_config (default: all)
# Seeds: the test photos shrunk to a few dozen pixels in every PNG/JPEG/GIF/BMP variant, the tiny
# test GIF and the truncated JPEG, the default model, small generated models and small Keras .h5
# files in both layouts (some with the faults model_convert's fixtures use), narrow graphs and a
# nested model. New
# corpus entries stay in build/fuzz/corpus/; crashes land in build/fuzz/findings/ (each becomes a
# fixture in tests/fixtures/hostile_inputs.json). Results are recorded in docs/robustness.md.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
targets=("${@:2}")
[[ ${#targets[@]} -gt 0 ]] || targets=(image model_file keras_file keras_structure zip_archive keras_config)

if [[ ! -f build/fuzz/build.ninja ]]; then
  CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCONVSCOPE_FUZZ=ON
fi
cmake --build build/fuzz --target "${targets[@]/%/_fuzzer}"

corpus=build/fuzz/corpus
mkdir -p "$corpus"/{image,model_file,keras_file,keras_structure,zip_archive,keras_config} build/fuzz/findings
if ! compgen -G "$corpus/image/seed-*" >/dev/null; then
  /usr/bin/python3 tests/fuzz/make_image_seeds.py tests/data/images/*.png tests/data/images/rocket.jpg \
    -o "$corpus/image"
  cp tests/data/images/{no_time_for_that_tiny.gif,truncated.jpg} web/samples/fashion-*.png "$corpus/image/"
fi
cp -n web/models/default.bin "$corpus/model_file/" 2>/dev/null || true
for seed in 1 2 3; do
  bin="$corpus/model_file/tiny-$seed.bin"
  [[ -f $bin ]] && continue
  /usr/bin/python3 model_convert/testing/make_keras_model.py "build/fuzz/tiny-$seed.h5" \
    --input-size 32 --width-divisor 32 --fc-units 8 --classes 3 --seed "$seed" >/dev/null
  precision=$([[ $seed == 2 ]] && echo f32 || echo int8)
  build/native/model_convert/model_convert "build/fuzz/tiny-$seed.h5" -o "$bin" --precision "$precision" >/dev/null
done

tiny=(--input-size 32 --width-divisor 32 --fc-units 8 --classes 3)
for variant in "weights-only 2016" "full-model keras2" "weights-only keras2 --notop" \
               "full-model 2016 --fault unsupported-layer" "weights-only 2016 --fault missing-weight"; do
  read -r layout naming extra <<<"$variant"
  h5="$corpus/keras_file/${variant// /-}.h5"
  [[ -f $h5 ]] || /usr/bin/python3 model_convert/testing/make_keras_model.py "$h5" "${tiny[@]}" \
    --layout "$layout" --naming "$naming" $extra --seed 7 >/dev/null
  # The same files as keras_structure_fuzzer's JSON trees.
  json="$corpus/keras_structure/${variant// /-}.json"
  [[ -f $json ]] || /usr/bin/python3 tests/fuzz/h5_to_json.py "$h5" "$json"
done

# Users' Keras files as each version writes them (model_convert/testing/make_keras_file.py): the
# archives for the zip reader, their configs (and the legacy .h5's) for the config reader, and
# both as keras_structure_fuzzer's trees.
keras=build/fuzz/keras-files
if [[ ! -d $keras ]]; then
  mkdir -p "$keras"
  /usr/bin/python3 model_convert/testing/make_keras_file.py "$keras" --all >/dev/null
fi
# Graphs (inbound lists, merges, depthwise convolutions) and a model nested in a Sequential, narrow;
# their converted files (format version 2) for the model-file reader.
narrow=(--width-divisor 8 --input-size 32 32)
for model in resnet50 efficientnetb0 mobilenetv2-transfer; do
  for format in keras3 tf2-h5; do
    ext=$([[ $format == *h5 ]] && echo h5 || echo keras)
    f="$keras/$model.$format.$ext"
    [[ -f $f ]] || /usr/bin/python3 model_convert/testing/make_keras_file.py "$f" --model "$model" \
      --format "$format" "${narrow[@]}" >/dev/null
  done
  bin="$corpus/model_file/$model.bin"
  [[ -f $bin ]] || build/native/model_convert/model_convert "$keras/$model.keras3.keras" -o "$bin" >/dev/null
done
for f in "$keras"/*.keras "$keras"/*.h5; do
  stem=$(basename "$f")
  # The zip reader reads directories and small members: the weights member cut to 64 bytes keeps
  # each archive's structure at a size the fuzzer mutates quickly.
  case $f in
    *.keras) [[ -f $corpus/zip_archive/$stem ]] || /usr/bin/python3 - "$f" "$corpus/zip_archive/$stem" <<'PY'
import sys, zipfile
source, out = sys.argv[1:]
with zipfile.ZipFile(source) as a, zipfile.ZipFile(out, "w") as b:
    for info in a.infolist():
        data = a.read(info)
        b.writestr(info, data[:64] if info.filename.endswith(".h5") else data)
PY
    ;;
  esac
  [[ -f $corpus/keras_config/$stem.json ]] || /usr/bin/python3 - "$f" "$corpus/keras_config/$stem.json" <<'PY'
import sys, zipfile, h5py
path, out = sys.argv[1:]
if zipfile.is_zipfile(path):
    text = zipfile.ZipFile(path).read("config.json").decode()
else:
    value = h5py.File(path, "r").attrs.get("model_config")
    text = value.decode() if isinstance(value, bytes) else str(value)
open(out, "w").write(text)
PY
  [[ -f $corpus/keras_structure/$stem.json ]] || /usr/bin/python3 tests/fuzz/h5_to_json.py "$f" "$corpus/keras_structure/$stem.json"
done

# Full stacks at every allocation, so a suppression can name the libhdf5 call that leaked.
export LSAN_OPTIONS=suppressions=$PWD/tests/fuzz/lsan_suppressions.txt
for target in "${targets[@]}"; do
  echo "== ${target}_fuzzer, ${seconds} s"
  # Images: 64 KiB is room for every format's structures (and, compressed, for the limits' sizes).
  max_len=$([[ $target == image || $target == zip_archive ]] && echo $((64 << 10)) || echo $((4 << 20)))
  ASAN_OPTIONS=$([[ $target == keras_file ]] && echo fast_unwind_on_malloc=0) \
    build/fuzz/tests/fuzz/${target}_fuzzer "$corpus/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
    -max_len="$max_len" -artifact_prefix=build/fuzz/findings/${target}- -print_final_stats=1 2>&1 |
    grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss|==[0-9]+==ERROR|SUMMARY)" || true
done
ls -la build/fuzz/findings
