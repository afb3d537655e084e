// A temporary folder for one test process, removed when the process exits, or is stopped by
// SIGTERM or SIGINT (node --test stops a file that runs past its timeout): the full-size models are
// hundreds of MB each, and CI machines can have little disk to spare.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const dirs = new Set();
const removeAll = () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
};

export function scratchDir(prefix) {
  if (dirs.size === 0) {
    process.once('exit', removeAll);
    for (const signal of ['SIGTERM', 'SIGINT']) {
      // Removed, then the signal's own effect: the process ends as it would have.
      process.once(signal, () => {
        removeAll();
        process.kill(process.pid, signal);
      });
    }
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), `convscope-${prefix}-`));
  dirs.add(dir);
  return dir;
}
