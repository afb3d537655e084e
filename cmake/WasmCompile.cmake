# How the wasm tree compiles: every C/C++ file goes straight to clang with the flags emcc would
# add (cmake/wasm_cc.sh); linking still goes through emcc. Relaxed-SIMD code needs clang 19
# (clang 14's wasm_simd128.h lacks the relaxed intrinsics): convscope_relaxed_simd(target) switches
# one target to it. Debian bookworm's clang-19 package; see docs/build.md.

execute_process(COMMAND "${CMAKE_C_COMPILER}" --cflags OUTPUT_VARIABLE _emcc_cflags
                OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0 OR NOT _emcc_cflags MATCHES "wasm32-unknown-emscripten")
  message(FATAL_ERROR "`${CMAKE_C_COMPILER} --cflags` did not print emcc's compile flags: ${_emcc_cflags}")
endif()
set(_emcc_cflags_file "${PROJECT_BINARY_DIR}/emcc_cflags.txt")
file(WRITE "${_emcc_cflags_file}" "${_emcc_cflags}")

# The clang Debian's emcc runs (its config's LLVM_ROOT), so objects match an emcc build.
find_program(CONVSCOPE_CLANG14 clang-14 REQUIRED)
find_program(CONVSCOPE_CLANG19 clang-19 PATHS /usr/lib/llvm-19/bin)
if(NOT CONVSCOPE_CLANG19)
  message(FATAL_ERROR "clang-19 is missing: the relaxed-SIMD modules need it "
                      "(apt-get install clang-19 lld-19; scripts/setup.sh does this).")
endif()

set(_wasm_cc "${PROJECT_SOURCE_DIR}/cmake/wasm_cc.sh")
foreach(lang C CXX)
  set(CMAKE_${lang}_COMPILER_LAUNCHER "${_wasm_cc}" "${CONVSCOPE_CLANG14}" "${_emcc_cflags_file}")
endforeach()

# Compiles `target` with clang 19 and relaxed SIMD. clang 19 turns on reference types and
# multi-value by default; Emscripten 3.1.6's glue and wasm-ld 14 expect neither.
function(convscope_relaxed_simd target)
  foreach(lang C CXX)
    set_property(TARGET ${target} PROPERTY ${lang}_COMPILER_LAUNCHER
                 "${_wasm_cc}" "${CONVSCOPE_CLANG19}" "${_emcc_cflags_file}")
  endforeach()
  target_compile_options(${target} PRIVATE -mrelaxed-simd -mno-reference-types -mno-multivalue)
endfunction()
