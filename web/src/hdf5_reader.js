// The HDF5 reader the converter calls when it runs in wasm (model_convert/hdf5_file_h5wasm.cc):
// h5wasm (libhdf5 compiled to its own wasm module) behind small integer ids, plus the byte access
// the .keras archive reader needs. Set an instance as `module.hdf5` before
// module.convertKeras(path). Answers mirror hdf5_file.h; the C++ side words the errors. Shared by
// the page's worker and Node (the CLI and the tests).

// HDF5's signature, at offset 0 in Keras' files.
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

// A .keras archive's model.weights.h5 (stored, [offset, offset + size) of the file at `path`) as
// a file h5wasm can open, in the worker: the archive's WORKERFS Blob, sliced (nothing is read
// until HDF5 asks), mounted on its own. Returns its path and how to let it go.
let members = 0;
function workerMember(FS, path, offset, size) {
  const blob = FS.lookupPath(path).node.contents;
  if (!(blob instanceof Blob)) throw new Error(`${path} is not a dropped file`);
  const mount = `/keras-member-${++members}`;
  FS.mkdir(mount);
  FS.mount(
    FS.filesystems.WORKERFS,
    { blobs: [{ name: 'model.weights.h5', data: blob.slice(offset, offset + size) }] },
    mount,
  );
  return {
    path: `${mount}/model.weights.h5`,
    release() {
      FS.unmount(mount);
      FS.rmdir(mount);
    },
  };
}

export class Hdf5Reader {
  // h5wasm: the h5wasm namespace; h5module: what `h5wasm.ready` resolves to; openMember(FS, path,
  // offset, size) -> {path, release()}: how an archive's weights file becomes openable (Node copies
  // it: cli/keras_node.mjs).
  constructor(h5wasm, h5module, { openMember = workerMember } = {}) {
    this.h5wasm = h5wasm;
    this.h5module = h5module;
    this.openMember_ = openMember;
    this.releases = new Map(); // file id -> release() of its member file
    // libhdf5 errors as exceptions, not an error stack printed to the console.
    h5module.activate_throwing_error_handler();
    this.floatClass = h5module.H5T_class_t.H5T_FLOAT.value;
    this.integerClass = h5module.H5T_class_t.H5T_INTEGER.value;
    this.objects = new Map(); // id -> h5wasm File / Group
    this.files = new Set(); // ids that own an open file
    this.nextId = 1;
  }

  add(object) {
    const id = this.nextId++;
    this.objects.set(id, object);
    return id;
  }

  object(id) {
    const object = this.objects.get(id);
    if (!object) throw new Error(`HDF5 object ${id} is not open`);
    return object;
  }

  // The object at `path` under `id`, or null (h5wasm answers a missing path with null or a throw).
  child(id, path) {
    try {
      return this.object(id).get(path) ?? null;
    } catch {
      return null;
    }
  }

  // An id, or null when the file is not HDF5 (libhdf5's own message is not for users).
  open(path) {
    let file;
    try {
      file = new this.h5wasm.File(path, 'r');
    } catch {
      const head = this.head(path);
      if (head.every((b, i) => b === HDF5_SIGNATURE[i])) {
        throw new Error(`${path}: cannot open the HDF5 file (is it truncated?)`);
      }
      return null;
    }
    const id = this.add(file);
    this.files.add(id);
    return id;
  }

  // The file's first 8 bytes (zeros where it is shorter or unreadable).
  head(path) {
    const { FS } = this.h5module;
    const bytes = new Uint8Array(8);
    try {
      const stream = FS.open(path, 'r');
      FS.read(stream, bytes, 0, 8, 0);
      FS.close(stream);
    } catch {
      // unreadable: answered as "not HDF5"
    }
    return bytes;
  }

  // An id for the HDF5 file stored in the archive at `path`, or null when it is not HDF5.
  openMember(path, offset, size) {
    const member = this.openMember_(this.h5module.FS, path, offset, size);
    let id;
    try {
      id = this.open(member.path);
    } catch {
      member.release();
      throw new Error('model.weights.h5 in the archive: cannot open the HDF5 file (is it truncated?)');
    }
    if (id === null) member.release();
    else this.releases.set(id, member.release);
    return id;
  }

  fileSize(path) {
    return this.h5module.FS.stat(path).size;
  }

  // Bytes [offset, offset + size) of the file at `path`.
  readBytes(path, offset, size) {
    const { FS } = this.h5module;
    const bytes = new Uint8Array(size);
    const stream = FS.open(path, 'r');
    try {
      const read = FS.read(stream, bytes, 0, size, offset);
      return read === size ? bytes : bytes.subarray(0, read);
    } finally {
      FS.close(stream);
    }
  }

  close(id) {
    const object = this.objects.get(id);
    this.objects.delete(id);
    if (this.files.delete(id)) object.close();
    this.releases.get(id)?.();
    this.releases.delete(id);
    return true;
  }

  // Closes whatever the converter left open (it closes everything unless it was interrupted).
  closeAll() {
    for (const id of [...this.objects.keys()]) this.close(id);
  }

  hasAttribute(id, name) {
    return Object.hasOwn(this.object(id).attrs, name);
  }

  // A list of strings, or null when the attribute holds something else. Keras writes an empty name
  // list as an empty float array.
  readStrings(id, name) {
    const value = this.object(id).get_attribute(name, false);
    if (typeof value === 'string') return [value];
    if (Array.isArray(value) && value.every((s) => typeof s === 'string')) return value;
    if (ArrayBuffer.isView(value) && value.byteLength === 0) return [];
    return null;
  }

  linkExists(id, path) {
    return this.child(id, path) !== null;
  }

  // An id, or null when `path` is not a group.
  openGroup(id, path) {
    const group = path === '/' ? this.object(id) : this.child(id, path);
    return group instanceof this.h5wasm.Group ? this.add(group) : null;
  }

  // {shape, numeric, elementBytes}, or null when `path` is not a dataset.
  datasetShape(id, path) {
    const dataset = this.child(id, path);
    if (!(dataset instanceof this.h5wasm.Dataset)) return null;
    const { shape, type, size } = dataset.metadata;
    return {
      shape,
      numeric: type === this.floatClass || type === this.integerClass,
      elementBytes: size,
    };
  }

  // Rows [begin, begin + rows) along the first axis, as h5wasm returns them (Float32Array or
  // Float64Array, in the file's precision).
  readRows(id, path, begin, rows) {
    return this.child(id, path).slice([[begin, begin + rows]]);
  }
}
