# The wasm modules built from the core + Embind bindings, per JavaScript host and variant:
#   convscope-web[-relaxed][-mt].mjs  (+ .wasm, -mt: + .worker.js)  ES modules for the page's
#                                 worker and the widget
#   convscope-node[-mt].cjs      (+ .wasm)  CommonJS for Node: tests, benchmarks, the CLI
# All get the same JS surface, described by wasm/convscope.d.ts: scripts/build.sh then writes each
# module its declaration in its own format (scripts/write_declarations.mjs: .d.mts, .d.cts).

set(_module_api "${PROJECT_SOURCE_DIR}/wasm/module_api.js")
set(_common_link_options
  -lembind
  -sMODULARIZE=1
  -sEXPORT_NAME=createConvscopeModule
  -sALLOW_MEMORY_GROWTH=1
  -sMAXIMUM_MEMORY=4GB  # the default 16 MB heap cannot hold VGG16
  -sFILESYSTEM=0
  # No eval / new Function in the glue (Embind's invokers included): the page and the widget run
  # under a Content-Security-Policy without 'unsafe-eval'.
  -sDYNAMIC_EXECUTION=0
  --post-js "${_module_api}")

# convscope_wasm_module(<target> <environment> <suffix> <variant> [link options...]): the bindings on
# the core and converter, linked with XNNPACK's <variant> (cmake/XNNPACK.cmake):
#   baseline      XNNPACK,            one thread
#   relaxed       XNNPACK-relaxed,    one thread
#   baseline-mt   XNNPACK-mt,         -pthread
#   relaxed-mt    XNNPACK-relaxed-mt, -pthread
function(convscope_wasm_module target environment suffix variant)
  set(mt "")
  if(variant MATCHES "-mt$")
    set(mt "-mt")
  endif()
  set(xnnpack XNNPACK${mt})
  if(variant MATCHES "^relaxed")
    set(xnnpack XNNPACK-relaxed${mt})
  endif()
  add_executable(${target} wasm/bindings/common_bindings.cc wasm/bindings/conv2d_bindings.cc
                           wasm/bindings/convert_bindings.cc wasm/bindings/figure_bindings.cc
                           wasm/bindings/explain_bindings.cc wasm/bindings/marshal.cc
                           wasm/bindings/metric_bindings.cc
                           wasm/bindings/model_bindings.cc wasm/bindings/model_marshal.cc)
  target_link_libraries(${target} PRIVATE model_convert_lib${mt} convscope_core${mt} ${xnnpack})
  target_compile_definitions(${target} PRIVATE CONVSCOPE_VARIANT="${variant}")
  set_target_properties(${target} PROPERTIES CXX_STANDARD 20 CXX_STANDARD_REQUIRED ON
                                             CXX_EXTENSIONS OFF SUFFIX "${suffix}"
                                             LINK_DEPENDS "${_module_api}")
  target_compile_options(${target} PRIVATE ${CONVSCOPE_WARNINGS})
  target_link_options(${target} PRIVATE ${_common_link_options} -sENVIRONMENT=${environment}
                      ${ARGN})
  if(mt)
    # The pool's workers start with the module (a blocked wasm thread cannot wait for a new
    # worker to load): the loader says how many, as Module.convscopePoolSize.
    target_link_options(${target} PRIVATE -sPTHREAD_POOL_SIZE=Module.convscopePoolSize)
    # Growable shared memory makes the glue re-check its heap views on every access from JS. Our
    # JS reads the heap only to marshal results (bindings/, module_api.js), never in a hot loop,
    # and a fixed heap would have to reserve the largest model's memory up front.
    target_link_options(${target} PRIVATE -Wno-pthreads-mem-growth)
  endif()
  if(variant MATCHES "^relaxed")
    # Our choice among the relaxed kernels, which exist only in these modules. A source of the
    # module itself, not of a library: nothing else refers to it (kernel_choice.cc's reference is
    # weak), so an archive member would never be linked and the choice would silently not happen.
    target_sources(${target} PRIVATE wasm/engine/relaxed_kernel_choice.cc)
    # Debian's binaryen 108 (emcc's post-link wasm-opt) rejects relaxed-SIMD opcodes, so these
    # modules are linked without it: -O0 at link time runs no binaryen pass when BigInt
    # legalization is not needed; the code itself is clang's -O3. -O0 would also switch on emcc's
    # debug glue, hence the explicit settings.
    target_link_options(${target} PRIVATE -O0 -sWASM_BIGINT=1 -sASSERTIONS=0
                        -sSTACK_OVERFLOW_CHECK=0)
  endif()
endfunction()

# The page, its worker and the widget: baseline everywhere, relaxed where the engine's relaxed
# SIMD passes the loader's self-test (web/src/relaxed_simd.js); on a served page that is
# cross-origin isolated, the threaded builds of both (web/src/threaded_builds.js).
convscope_wasm_module(convscope-web "web,worker" ".mjs" baseline -sEXPORT_ES6=1)
convscope_wasm_module(convscope-web-relaxed "web,worker" ".mjs" relaxed -sEXPORT_ES6=1)
convscope_wasm_module(convscope-web-mt "web,worker" ".mjs" baseline-mt -sEXPORT_ES6=1)
convscope_wasm_module(convscope-web-relaxed-mt "web,worker" ".mjs" relaxed-mt -sEXPORT_ES6=1)
# Node: tests, benchmarks, the CLI, on one thread or a pool. Relaxed where Node's V8 passes the
# same self-test (Node 22 and later; Node 20 computes the relaxed dot product wrong): cli/module.mjs.
convscope_wasm_module(convscope-node "node" ".cjs" baseline)
convscope_wasm_module(convscope-node-mt "node" ".cjs" baseline-mt)
convscope_wasm_module(convscope-node-relaxed "node" ".cjs" relaxed)
convscope_wasm_module(convscope-node-relaxed-mt "node" ".cjs" relaxed-mt)

# Emscripten names the threaded module's worker script `<target>.worker.js`, a CommonJS file; the
# repository's package.json says "type": "module", so the build folder says otherwise for itself.
file(WRITE "${PROJECT_BINARY_DIR}/package.json" "{ \"type\": \"commonjs\" }\n")
