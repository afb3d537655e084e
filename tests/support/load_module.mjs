// Loads the Node build of the wasm module for tests and benchmarks.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const wasmDir = process.env.CONVSCOPE_WASM_DIR ?? path.join(root, 'build/wasm');

export async function loadConvscope() {
  const modulePath = path.join(wasmDir, 'convscope-node.cjs');
  const create = createRequire(import.meta.url)(modulePath);
  // Passing the bytes ourselves keeps Node 20's fetch() away from a file path.
  return create({ wasmBinary: readFileSync(path.join(wasmDir, 'convscope-node.wasm')) });
}
