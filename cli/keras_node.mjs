// Keras model files in Node (the CLI, the tests): the converter compiled into the module, reading
// HDF5 through h5wasm's Node build (which opens host paths directly). A .keras archive's weights
// file is copied out to a temporary file for libhdf5 to open (a 553 MB VGG16 streams through a
// 1 MB buffer), and removed when the converter closes it.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import h5wasm from 'h5wasm/node';

import { Hdf5Reader } from '../web/src/hdf5_reader.js';

function copyRange(from, offset, size, to) {
  const input = openSync(from, 'r');
  const output = openSync(to, 'w');
  try {
    const block = Buffer.alloc(1 << 20);
    for (let done = 0; done < size;) {
      const n = readSync(input, block, 0, Math.min(block.length, size - done), offset + done);
      if (n === 0) throw new Error(`${from} ends before its archive directory says`);
      writeSync(output, block, 0, n);
      done += n;
    }
  } finally {
    closeSync(input);
    closeSync(output);
  }
}

// Hdf5Reader's openMember for Node.
export function nodeMember(FS, file, offset, size) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'convscope-weights-'));
  const copy = path.join(dir, 'model.weights.h5');
  copyRange(file, offset, size, copy);
  return {
    path: copy,
    release: () => rmSync(dir, { recursive: true, force: true }),
  };
}

let reader = null;

// An Hdf5Reader for module `m` (set as m.hdf5), made once per process.
export async function nodeHdf5Reader() {
  reader ??= new Hdf5Reader(h5wasm, await h5wasm.ready, { openMember: nodeMember });
  return reader;
}

// A Keras file (.keras, .h5) converted into a model file's bytes by module `m`: convertKeras'
// result ({bytes, name, precision, params, preprocessing, ...}).
export async function convertKerasFile(m, file, options = {}) {
  m.hdf5 = await nodeHdf5Reader();
  try {
    return m.convertKeras(path.resolve(file), options);
  } finally {
    reader.closeAll();
    m.hdf5 = undefined;
  }
}
