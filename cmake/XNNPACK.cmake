# Our own build of the XNNPACK subset convscope needs: XNNPACK's CMakeLists.txt refuses
# Emscripten (upstream builds wasm with Bazel). The same sources serve the native build used by the
# unit tests, so both builds compile exactly the same library sources.
#
# Source lists are read from XNNPACK's own CMakeLists.txt and cmake/gen/*.cmake, so they follow the
# pinned sources instead of a hand-copied list. Only production micro-kernels are built:
#   wasm:   scalar + wasm + wasmsimd, and wasmrelaxedsimd for the relaxed variants (clang 19)
#   native: scalar + SSE..AVX2 (AVX-512 and VNNI kernels need a newer libcpuinfo than Debian's)
#
# wasm variants (docs/build.md): XNNPACK (baseline SIMD, one thread), XNNPACK-relaxed (+ relaxed
# SIMD kernels, chosen by XNNPACK's own run-time check), XNNPACK-mt and XNNPACK-relaxed-mt
# (-pthread, pthreadpool with real threads). The kernels are pure functions without atomics or
# thread-locals, so one compiled set serves every variant; only XNNPACK's operators, configs and
# runtime (which differ with -mrelaxed-simd and -pthread) are compiled once per variant.

include(ThirdParty)

convscope_unpack(fxdiv_0.0~git20200417.b408327.orig.tar.xz FXDIV_SOURCE_DIR)
convscope_unpack(pthreadpool_0.0~git20240616.560c60d.orig.tar.xz PTHREADPOOL_SOURCE_DIR)
convscope_unpack(xnnpack_0.0~git20241108.4ea82e5.orig.tar.xz XNNPACK_SOURCE_DIR
                 PATCHES "${PROJECT_SOURCE_DIR}/third_party/patches/xnnpack-wasmsimd-include.patch"
                         "${PROJECT_SOURCE_DIR}/third_party/patches/xnnpack-qd8-convert-threads.patch")

find_package(Python3 COMPONENTS Interpreter REQUIRED)
if(EMSCRIPTEN)
  include(WasmCompile)
endif()

# --- pthreadpool: one thread (its shim) or a real pool. The core passes a pthreadpool_t
# everywhere, so a threaded build only swaps this library.
function(_pthreadpool_library name)
  cmake_parse_arguments(ARG "THREADS" "" "" ${ARGN})
  if(ARG_THREADS)
    add_library(${name} STATIC
      "${PTHREADPOOL_SOURCE_DIR}/src/portable-api.c" "${PTHREADPOOL_SOURCE_DIR}/src/memory.c"
      "${PTHREADPOOL_SOURCE_DIR}/src/pthreads.c" "${PTHREADPOOL_SOURCE_DIR}/src/fastpath.c")
    if(EMSCRIPTEN)
      # The fast path needs x86 intrinsics; wasm threads are -pthread + shared memory.
      target_compile_definitions(${name} PRIVATE PTHREADPOOL_USE_FASTPATH=0)
      target_compile_options(${name} PUBLIC -pthread)
      target_link_options(${name} PUBLIC -pthread)
    else()
      find_package(Threads REQUIRED)
      target_compile_definitions(${name} PRIVATE PTHREADPOOL_USE_FASTPATH=1)
      target_link_libraries(${name} PUBLIC Threads::Threads)
    endif()
  else()
    add_library(${name} STATIC "${PTHREADPOOL_SOURCE_DIR}/src/shim.c")
  endif()
  target_include_directories(${name} SYSTEM PUBLIC "${PTHREADPOOL_SOURCE_DIR}/include"
                             PRIVATE "${FXDIV_SOURCE_DIR}/include")
  target_compile_definitions(${name} PUBLIC PTHREADPOOL_NO_DEPRECATED_API=1)
  set_target_properties(${name} PROPERTIES C_STANDARD 99 C_EXTENSIONS ON)
  target_compile_options(${name} PRIVATE -O2 -w)
endfunction()

# --- XNNPACK source lists, parsed from the pinned CMakeLists.txt.
file(READ "${XNNPACK_SOURCE_DIR}/CMakeLists.txt" _xnn_cmakelists)
function(_xnn_list var)
  string(REGEX MATCH "SET\\(${var}\n([^)]*)\\)" _m "${_xnn_cmakelists}")
  if(NOT _m)
    message(FATAL_ERROR "XNNPACK's CMakeLists.txt has no ${var}: the pinned sources changed.")
  endif()
  string(REGEX REPLACE "[ \t\r\n]+" ";" _items "${CMAKE_MATCH_1}")
  list(FILTER _items EXCLUDE REGEX "^$|PROJECT_BINARY_DIR")
  set(${var} ${_items} PARENT_SCOPE)
endfunction()
foreach(v OPERATOR_SRCS REFERENCE_SRCS SUBGRAPH_SRCS LOGGING_SRCS XNNPACK_SRCS TABLE_SRCS)
  _xnn_list(${v})
endforeach()

# The core objects XNNPACK's CMake builds as separate object libraries.
set(_xnn_core_srcs
  src/configs/hardware-config.c src/indirection.c src/microparams-init.c src/normalization.c
  src/reference/packing.cc src/allocator.c src/cache.c src/datatype.c src/memory.c
  src/microkernel-utils.c src/mutex.c src/operator-run.c src/operator-utils.c)

if(EMSCRIPTEN)
  set(_xnn_isas scalar wasm wasmsimd)
else()
  set(_xnn_isas scalar sse sse2 ssse3 sse41 avx f16c fma3 avx2)
  set(_xnn_isa_flags_sse "-msse -mno-sse2")
  set(_xnn_isa_flags_sse2 "-msse2 -mno-sse3")
  set(_xnn_isa_flags_ssse3 "-mssse3 -mno-sse4.1")
  set(_xnn_isa_flags_sse41 "-msse4.1 -mno-sse4.2")
  set(_xnn_isa_flags_avx "-mavx -mno-avx2 -mno-fma -mno-f16c")
  set(_xnn_isa_flags_f16c "-mf16c -mno-avx2 -mno-fma")
  set(_xnn_isa_flags_fma3 "-mf16c -mfma -mno-avx2")
  set(_xnn_isa_flags_avx2 "-mf16c -mfma -mavx2")
endif()

function(_xnn_kernel_sources out_var)
  set(_srcs_all)
  foreach(isa IN LISTS ARGN)
    include("${XNNPACK_SOURCE_DIR}/cmake/gen/${isa}_microkernels.cmake")
    string(TOUPPER "${isa}" ISA)
    set(_srcs ${PROD_${ISA}_MICROKERNEL_SRCS})
    list(TRANSFORM _srcs PREPEND "${XNNPACK_SOURCE_DIR}/")
    if(isa STREQUAL "scalar")
      # Bazel's flags for scalar kernels: exact IEEE behaviour, no contraction into FMA.
      set_property(SOURCE ${_srcs} APPEND_STRING PROPERTY COMPILE_FLAGS " -fno-fast-math -ffp-contract=off")
    elseif(DEFINED _xnn_isa_flags_${isa})
      set_property(SOURCE ${_srcs} APPEND_STRING PROPERTY COMPILE_FLAGS " ${_xnn_isa_flags_${isa}}")
    endif()
    list(APPEND _srcs_all ${_srcs})
  endforeach()
  set_property(SOURCE ${_srcs_all} APPEND_STRING PROPERTY COMPILE_FLAGS " -fno-math-errno")
  set(${out_var} ${_srcs_all} PARENT_SCOPE)
endfunction()

# _xnn_qd8_extra_kernels(<list> <suffix> <tiles...>): appends non-production qd8-f32-qc8w GEMM and
# IGEMM kernels (src/qd8-f32-qc8w-*/gen/*-<tile>-minmax-<suffix>.c) to <list>.
function(_xnn_qd8_extra_kernels out_var suffix)
  set(_srcs)
  foreach(kind gemm igemm)
    foreach(tile IN LISTS ARGN)
      list(APPEND _srcs "${XNNPACK_SOURCE_DIR}/src/qd8-f32-qc8w-${kind}/gen/qd8-f32-qc8w-${kind}-${tile}-minmax-${suffix}.c")
    endforeach()
  endforeach()
  set_property(SOURCE ${_srcs} APPEND_STRING PROPERTY COMPILE_FLAGS " -fno-math-errno")
  set(${out_var} ${${out_var}} ${_srcs} PARENT_SCOPE)
endfunction()

_xnn_kernel_sources(_xnn_kernel_srcs ${_xnn_isas})
if(EMSCRIPTEN)
  # Kernels that measured faster on VGG16's layers than XNNPACK's choice (docs/measurements.md):
  # on wasm SIMD 1x4c8/3x4c8 ld128 instead of 4x4c2s4 ld128 (~15-25%; wasm/engine/kernel_choice.cc),
  # with relaxed SIMD's usdot 1x16c4/4x16c4 u2 instead of 4x8c8 u2 (relaxed_kernel_choice.cc).
  _xnn_qd8_extra_kernels(_xnn_kernel_srcs wasmsimd-dot16x2-ld128 1x4c8 3x4c8)
  _xnn_kernel_sources(_xnn_relaxed_kernel_srcs wasmrelaxedsimd)
  _xnn_qd8_extra_kernels(_xnn_relaxed_kernel_srcs wasmusdot-u2 1x16c4 4x16c4)
endif()

# build_identifier.c fingerprints the kernel list (XNNPACK uses it to validate weight caches,
# which convscope does not use: one fingerprint serves every variant).
set(_xnn_kernel_list "${PROJECT_BINARY_DIR}/xnnpack_kernel_srcs.txt")
string(REPLACE ";" "\n" _xnn_kernel_lines "${_xnn_kernel_srcs}")
file(WRITE "${_xnn_kernel_list}.in" "${_xnn_kernel_lines}")
configure_file("${_xnn_kernel_list}.in" "${_xnn_kernel_list}" COPYONLY)  # touch only on change
add_custom_command(
  OUTPUT "${PROJECT_BINARY_DIR}/build_identifier.c"
  COMMAND "${Python3_EXECUTABLE}" scripts/generate-build-identifier.py
          --output "${PROJECT_BINARY_DIR}/build_identifier.c" --input_file_list "${_xnn_kernel_list}"
  DEPENDS "${_xnn_kernel_list}"
  WORKING_DIRECTORY "${XNNPACK_SOURCE_DIR}")

set(_xnn_rel_srcs ${_xnn_core_srcs} ${OPERATOR_SRCS} ${REFERENCE_SRCS} ${SUBGRAPH_SRCS}
    ${LOGGING_SRCS} ${XNNPACK_SRCS} ${TABLE_SRCS})
list(TRANSFORM _xnn_rel_srcs PREPEND "${XNNPACK_SOURCE_DIR}/")

# Headers test every XNN_ENABLE_* with #if, so each one must be defined.
set(_xnn_off ASSEMBLY KLEIDIAI DWCONV_MULTIPASS ARM_FP16_SCALAR ARM_FP16_VECTOR ARM_BF16
    ARM_DOTPROD ARM_I8MM ARM_SME ARM_SME2 RISCV_VECTOR RISCV_FP16_VECTOR VSX HVX AVXVNNI
    AVXVNNIINT8 AVX256SKX AVX256VNNI AVX256VNNIGFNI AVX512F AVX512SKX AVX512VBMI AVX512VNNI
    AVX512VNNIGFNI AVX512AMX AVX512FP16)
list(TRANSFORM _xnn_off PREPEND "XNN_ENABLE_")
list(TRANSFORM _xnn_off APPEND "=0")

# What every target compiling XNNPACK sources shares: definitions, include paths, -O2 -w.
function(_xnn_settings target)
  target_include_directories(${target} SYSTEM PUBLIC "${XNNPACK_SOURCE_DIR}/include")
  target_include_directories(${target} PRIVATE "${XNNPACK_SOURCE_DIR}/src"
                             "${FXDIV_SOURCE_DIR}/include" "${PTHREADPOOL_SOURCE_DIR}/include")
  # memory.c needs MAP_ANONYMOUS & co, hence gnu99.
  set_target_properties(${target} PROPERTIES C_STANDARD 99 C_EXTENSIONS ON CXX_STANDARD 14)
  target_compile_definitions(${target} PRIVATE ${_xnn_off} XNN_LOG_LEVEL=0 XNN_ENABLE_MEMOPT=1
                             XNN_ENABLE_SPARSE=1 XNN_ENABLE_GEMM_M_SPECIALIZATION=1
                             PTHREADPOOL_NO_DEPRECATED_API=1)
  if(EMSCRIPTEN)
    # wasm has no cpuinfo; XNNPACK asks navigator.hardwareConcurrency instead.
    target_compile_definitions(${target} PRIVATE XNN_ENABLE_CPUINFO=0)
    target_compile_options(${target} PRIVATE -msimd128)
  else()
    find_library(CPUINFO_LIBRARY cpuinfo REQUIRED)
    find_path(CPUINFO_INCLUDE_DIR cpuinfo.h REQUIRED)
    target_compile_definitions(${target} PRIVATE XNN_ENABLE_CPUINFO=1)
    target_include_directories(${target} PRIVATE "${CPUINFO_INCLUDE_DIR}")
    target_link_libraries(${target} PUBLIC "${CPUINFO_LIBRARY}")
  endif()
  # Third-party code: optimize regardless of the build type, and keep its warnings out of ours.
  target_compile_options(${target} PRIVATE -O2 -w)
endfunction()

# XNNPACK's internal headers, for the one file of ours that selects micro-kernels.
set(XNNPACK_INTERNAL_INCLUDE_DIR "${XNNPACK_SOURCE_DIR}/src")

if(NOT EMSCRIPTEN)
  _pthreadpool_library(pthreadpool THREADS)
  add_library(XNNPACK STATIC ${_xnn_rel_srcs} ${_xnn_kernel_srcs}
                             "${PROJECT_BINARY_DIR}/build_identifier.c")
  _xnn_settings(XNNPACK)
  target_link_libraries(XNNPACK PUBLIC pthreadpool)
  return()
endif()

# --- wasm: the kernels once, the rest once per variant.
add_library(xnnpack_kernels OBJECT ${_xnn_kernel_srcs})
_xnn_settings(xnnpack_kernels)
add_library(xnnpack_relaxed_kernels OBJECT ${_xnn_relaxed_kernel_srcs})
_xnn_settings(xnnpack_relaxed_kernels)
convscope_relaxed_simd(xnnpack_relaxed_kernels)

_pthreadpool_library(pthreadpool)
_pthreadpool_library(pthreadpool-mt THREADS)

# XNNPACK[-relaxed][-mt]
foreach(relaxed "" "-relaxed")
  foreach(mt "" "-mt")
    set(target "XNNPACK${relaxed}${mt}")
    add_library(${target} STATIC ${_xnn_rel_srcs} "${PROJECT_BINARY_DIR}/build_identifier.c"
                                 $<TARGET_OBJECTS:xnnpack_kernels>)
    _xnn_settings(${target})
    target_link_libraries(${target} PUBLIC pthreadpool${mt})
    if(relaxed)
      target_sources(${target} PRIVATE $<TARGET_OBJECTS:xnnpack_relaxed_kernels>)
      convscope_relaxed_simd(${target})
    endif()
  endforeach()
endforeach()

# What the core compiles against: XNNPACK's and pthreadpool's headers. Each wasm module links the
# XNNPACK variant it is built for.
add_library(xnnpack_headers INTERFACE)
target_include_directories(xnnpack_headers SYSTEM INTERFACE "${XNNPACK_SOURCE_DIR}/include"
                           "${PTHREADPOOL_SOURCE_DIR}/include")
target_compile_definitions(xnnpack_headers INTERFACE PTHREADPOOL_NO_DEPRECATED_API=1)
