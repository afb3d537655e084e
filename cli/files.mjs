// Input discovery (files, folders, globs) and output writing that never leaves half-written files.
import { readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const IMAGE = /\.(png|jpe?g|gif|bmp|tga|psd|pnm|ppm|pgm)$/i;

// Writes to a temporary name in the same folder, then renames over the target.
export function writeFileAtomically(target, bytes) {
  const tmp = `${target}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, target);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw e;
  }
}

function globToRegExp(pattern) {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
}

// Expands arguments into image files: files as given, folders (their images, sorted, recursively)
// and globs (`*`, `?` in the last component). Arguments that match nothing are returned as
// `missing`.
export function expandInputs(args) {
  const files = [],
    missing = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (IMAGE.test(e.name)) files.push(p);
    }
  };
  for (const arg of args) {
    if (/[*?]/.test(path.basename(arg))) {
      const dir = path.dirname(arg),
        re = globToRegExp(path.basename(arg));
      let names = [];
      try {
        names = readdirSync(dir)
          .filter((n) => re.test(n))
          .sort();
      } catch {
        /* no folder */
      }
      if (names.length === 0) missing.push(arg);
      files.push(...names.map((n) => path.join(dir, n)));
      continue;
    }
    let stat = null;
    try {
      stat = statSync(arg);
    } catch {
      /* reported below */
    }
    if (stat?.isDirectory()) walk(arg);
    else files.push(arg); // a missing file is reported when it is read, as one failed input
  }
  return { files, missing };
}

// A folder name per input file: its stem, made unique among the inputs.
export function outputNames(files) {
  const seen = new Map();
  return files.map((f) => {
    const stem =
      path
        .basename(f)
        .replace(/\.[^.]*$/, '')
        .replace(/[^\w.-]+/g, '_') || 'image';
    const n = (seen.get(stem) ?? 0) + 1;
    seen.set(stem, n);
    return n === 1 ? stem : `${stem}-${n}`;
  });
}

// `<name>.png` inside `folder`, where a layer of a nested model ("mobilenetv2/Conv1") or any other
// name may hold characters a file name cannot.
export function pngPath(folder, name) {
  return path.join(folder, `${name.replace(/[^\w.-]+/g, '_')}.png`);
}
