// Loads the Node build of the wasm module (the same core the page runs): the threaded build when
// more than one thread is asked for, the single-threaded one otherwise. Node 20 computes the
// relaxed-SIMD dot product wrong, so Node always gets the baseline SIMD kernels.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The build the CLI runs: its modules and its catalog (CONVSCOPE_WASM_DIR: another build's folder).
export const wasmDir = process.env.CONVSCOPE_WASM_DIR ?? path.join(root, 'build/wasm');

// What the CLI and the benchmarks use unless told: every core this process may use.
export const defaultThreads = () => os.availableParallelism?.() ?? os.cpus().length;

// threads: how many threads XNNPACK runs on (1: no pool). The pool's workers never keep the
// process alive (setThreads unrefs them); m.exitThreads() stops them earlier.
export async function loadModule({ threads = 1 } = {}) {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(`threads must be a whole number of at least 1, got ${threads}`);
  }
  const name = threads > 1 ? 'convscope-node-mt' : 'convscope-node';
  const create = createRequire(import.meta.url)(path.join(wasmDir, `${name}.cjs`));
  // Passing the bytes ourselves keeps Node 20's fetch() away from a file path.
  const m = await create({
    wasmBinary: readFileSync(path.join(wasmDir, `${name}.wasm`)),
    convscopePoolSize: threads - 1,
  });
  m.setThreads(threads);
  return m;
}
