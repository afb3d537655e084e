#!/bin/sh
# Compiler launcher for the wasm tree (cmake/WasmCompile.cmake): runs clang directly with the flags
# emcc would add (`emcc --cflags`, saved at configure time) instead of emcc itself.
#   wasm_cc.sh CLANG CFLAGS_FILE EMCC ARGS...
# Why: emcc's Python driver costs ~0.6 s per compile (most of a kernel's build time), and Debian's
# emcc 3.1.6 cannot drive clang 19, which the relaxed-SIMD kernels need.
clang=$1
flags=$(cat "$2")
shift 3
for a in "$@"; do
  # emcc leaves static initialization unguarded only when there are no threads.
  [ "$a" = "-pthread" ] && flags=$(printf '%s' "$flags" | sed 's/ -fno-threadsafe-statics//')
done
# shellcheck disable=SC2086 # the flags are words
exec "$clang" $flags "$@"
