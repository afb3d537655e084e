// What a dropped, picked or fetched file is, from its first bytes and its name: 'model' (a
// convscope model file), 'keras' (a Keras file: HDF5, the legacy .h5; or a zip, the Keras 3 .keras
// archive), 'labels' (a model's class names: .txt or .json) or 'image'. Only those bytes are read here: big files go to the worker as Blobs. Shared
// by the page (model_files.js) and the widget.

const HDF5 = '\x89HDF\r\n\x1a\n';
const ZIP = 'PK\x03\x04'; // a zip's first local file header: a .keras archive

/** @param {Blob & { name?: string }} file @param {string} [name] */
export async function kindOf(file, name = file.name ?? '') {
  const magic = new Uint8Array(await file.slice(0, 8).arrayBuffer());
  const text = new TextDecoder('latin1').decode(magic);
  if (text === 'CNVSCOPE' || /\.bin$/i.test(name)) return 'model';
  if (text === HDF5 || text.startsWith(ZIP) || /\.(h5|hdf5|keras)$/i.test(name)) return 'keras';
  if (/\.(txt|json)$/i.test(name)) return 'labels';
  return 'image';
}

// Files given together, each with its kind, in the order they are opened: models first, then labels
// files (for the model just opened), then pictures. A file that cannot be read is a picture, which
// the worker then refuses with a message.
const ORDER = ['model', 'keras', 'labels', 'image'];
/** @param {File[]} files */
export async function inOpeningOrder(files) {
  const kinds = await Promise.all(files.map((file) => kindOf(file).catch(() => 'image')));
  const given = files.map((file, i) => ({ file, kind: kinds[i] }));
  return given.sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
}
