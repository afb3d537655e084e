// Loads the Node build of the wasm module for tests and benchmarks: the CLI's loader, so both run
// the module the same way.
export { loadModule as loadConvscope } from '../../cli/module.mjs';
