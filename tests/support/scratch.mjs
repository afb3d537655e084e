// A temporary folder for one test process, removed when the process exits: the full-size
// models are hundreds of MB each, and CI machines can have little disk to spare.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function scratchDir(prefix) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `convscope-${prefix}-`));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
