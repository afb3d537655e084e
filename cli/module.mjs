// Loads the Node build of the wasm module (the same core the page runs).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const wasmDir = process.env.CONVSCOPE_WASM_DIR ?? path.join(root, 'build/wasm');

export async function loadModule() {
  const create = createRequire(import.meta.url)(path.join(wasmDir, 'convscope-node.cjs'));
  // Passing the bytes ourselves keeps Node 20's fetch() away from a file path.
  return create({ wasmBinary: readFileSync(path.join(wasmDir, 'convscope-node.wasm')) });
}
