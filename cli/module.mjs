// Loads the Node build of the wasm module (the same core the page runs): the relaxed-SIMD build
// where this Node computes relaxed SIMD right (the page's self-test, web/src/relaxed_simd.js: Node
// 22 and 24, where XNNPACK's own check then turns on its relaxed int8 kernels in Node 24 only; Node
// 20 doubles the dot product and gets the baseline build), the threaded build when more than one
// thread is asked for.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { relaxedSimdWorks } from '../web/src/relaxed_simd.js';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The build the CLI runs: its modules and its catalog (CONVSCOPE_WASM_DIR: another build's folder).
export const wasmDir = process.env.CONVSCOPE_WASM_DIR ?? path.join(root, 'build/wasm');

// What the CLI and the benchmarks use unless told: every core this process may use.
export const defaultThreads = () => os.availableParallelism?.() ?? os.cpus().length;

// Whether this Node computes relaxed SIMD right (the page's self-test): Node 22 and 24, not 20.
// XNNPACK checks its own kernels again in the relaxed builds, and keeps the baseline ones where that
// fails: buildInfo().relaxedKernels.
export const nodeComputesRelaxed = relaxedSimdWorks();

// Whether this Node gets the relaxed-SIMD builds: where it computes them right and the build folder
// has them. A folder from before them (CONVSCOPE_WASM_DIR) runs the baseline builds, with a warning.
export const nodeRunsRelaxed = nodeComputesRelaxed && relaxedBuildsPresent();

function relaxedBuildsPresent() {
  const present = ['', '-mt'].every((mt) => existsSync(path.join(wasmDir, `convscope-node-relaxed${mt}.cjs`)));
  if (!present) {
    process.emitWarning(
      `${wasmDir} has no relaxed-SIMD Node builds: running the baseline ones (scripts/build.sh builds both)`,
    );
  }
  return present;
}

// threads: how many threads XNNPACK runs on (1: no pool). relaxed: the relaxed-SIMD build (default
// nodeRunsRelaxed; false: the baseline build, to compare). The pool's workers never keep the
// process alive (setThreads unrefs them); m.exitThreads() stops them earlier.
export async function loadModule({ threads = 1, relaxed = nodeRunsRelaxed } = {}) {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(`threads must be a whole number of at least 1, got ${threads}`);
  }
  // The relaxed module would not compile, or would compute wrong: refused before its threads start.
  if (relaxed && !nodeComputesRelaxed) {
    throw new Error(
      `Node ${process.version} does not run relaxed SIMD right: use the baseline build (Node 24 runs the relaxed one)`,
    );
  }
  const name = `convscope-node${relaxed ? '-relaxed' : ''}${threads > 1 ? '-mt' : ''}`;
  const file = path.join(wasmDir, `${name}.cjs`);
  if (!existsSync(file)) throw new Error(`${file} is missing: build it with scripts/build.sh`);
  const create = createRequire(import.meta.url)(file);
  // Passing the bytes ourselves keeps Node 20's fetch() away from a file path.
  const m = await create({
    wasmBinary: readFileSync(path.join(wasmDir, `${name}.wasm`)),
    convscopePoolSize: threads - 1,
  });
  m.setThreads(threads);
  return m;
}
