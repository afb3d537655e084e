// Loads the Node build of the wasm module for tests and benchmarks: the CLI's loader, so both run
// the module the same way. CONVSCOPE_THREADS=N (default 1) runs the suite on the threaded build.
import { loadModule } from '../../cli/module.mjs';

export const testThreads = Number(process.env.CONVSCOPE_THREADS ?? 1);
export const loadConvscope = ({ threads = testThreads } = {}) => loadModule({ threads });

// The summary rows of the model in `bytes` (a model file), loaded and released on module `m`.
export function summaryRows(m, bytes) {
  const model = m.Model.load(bytes);
  try {
    return model.summary().rows;
  } finally {
    model.release();
  }
}
