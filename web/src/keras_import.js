// A Keras file (.keras archive or legacy .h5) -> a model file, in the worker: h5wasm (libhdf5 in
// its own wasm module) reads the File where it lies (WORKERFS: slices on demand, so a 553 MB file is
// never in memory whole; an archive's weights member is a slice of it, hdf5_reader.js), and
// model_convert's converter, compiled into our module, streams it layer by layer.
import h5wasm from 'h5wasm';
import { Hdf5Reader } from './hdf5_reader.js';

const MOUNT = '/keras';
let reader = null;

// m: our module; blob: the Keras file (a File or Blob); name: its file name (used in messages).
// options: convertKeras' ({precision, preprocessing, onProgress}). Returns convertKeras' result.
export async function convertKeras(m, blob, name, options) {
  const h5module = await h5wasm.ready;
  // Reading starts: from here the page gives up if the reports stop (WorkerClient.send's stall).
  options.onProgress?.(0);
  reader ??= new Hdf5Reader(h5wasm, h5module);
  const { FS } = h5module;
  if (!FS.analyzePath(MOUNT).exists) FS.mkdir(MOUNT);
  // A plain file name in the mount: the converter's messages start with it.
  const file = name.replace(/[/\\]/g, '_') || 'model.h5';
  FS.mount(FS.filesystems.WORKERFS, { blobs: [{ name: file, data: blob }] }, MOUNT);
  FS.chdir(MOUNT);
  m.hdf5 = reader;
  try {
    return m.convertKeras(file, options);
  } finally {
    reader.closeAll();
    m.hdf5 = undefined;
    FS.chdir('/');
    FS.unmount(MOUNT);
  }
}
