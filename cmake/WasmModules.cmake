# The two wasm modules built from the core + Embind bindings, one per JavaScript host:
#   convscope-web.mjs  (+ .wasm)  ES module for the page and its worker
#   convscope-node.cjs (+ .wasm)  CommonJS for Node: tests, benchmarks, the CLI
# Both get the same JS surface, described by wasm/convscope.d.ts (copied next to them).

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

function(convscope_wasm_module target environment suffix)
  add_executable(${target} wasm/bindings/common_bindings.cc wasm/bindings/conv2d_bindings.cc
                           wasm/bindings/convert_bindings.cc wasm/bindings/figure_bindings.cc
                           wasm/bindings/marshal.cc wasm/bindings/model_bindings.cc)
  target_link_libraries(${target} PRIVATE convscope_core model_convert_lib)
  set_target_properties(${target} PROPERTIES CXX_STANDARD 20 CXX_STANDARD_REQUIRED ON
                                             CXX_EXTENSIONS OFF SUFFIX "${suffix}"
                                             LINK_DEPENDS "${_module_api}")
  target_compile_options(${target} PRIVATE ${CONVSCOPE_WARNINGS})
  target_link_options(${target} PRIVATE ${_common_link_options} -sENVIRONMENT=${environment}
                      ${ARGN})
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND ${CMAKE_COMMAND} -E copy_if_different "${PROJECT_SOURCE_DIR}/wasm/convscope.d.ts"
            "$<TARGET_FILE_DIR:${target}>/${target}.d.ts")
endfunction()

convscope_wasm_module(convscope-web "web,worker" ".mjs" -sEXPORT_ES6=1)
convscope_wasm_module(convscope-node "node" ".cjs")
