// The model the CLI runs (--model): a convscope model file, or a Keras file (.keras archive or
// legacy .h5) converted in memory by the converter compiled into the module (keras_node.mjs), as
// the page converts it; --preprocessing sets how pictures are scaled for it (a Keras file's
// conversion, or a model file rewritten with withPreprocessing), --precision what a Keras file is
// converted to, --input-size the size a Keras model of free input size runs at. Nothing is written to disk but the converter's temporary copy of an archive's
// weights.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';

import { convertKerasFile } from './keras_node.mjs';

// A Keras file: HDF5's signature (.h5) or a zip's (.keras), or the name says so.
export function isKerasFile(file) {
  const head = Buffer.alloc(8);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 8, 0);
  } finally {
    closeSync(fd);
  }
  const text = head.toString('latin1');
  return text === '\x89HDF\r\n\x1a\n' || text.startsWith('PK\x03\x04') || /\.(keras|h5|hdf5)$/i.test(file);
}

/**
 * The model file's bytes for `file` and, for a Keras file, what the converter said: {bytes, keras?}
 * where keras is convertKeras' result without its bytes. Throws the converter's or the loader's
 * error (which names the file).
 * @param {import('../wasm/convscope').ConvscopeModule} m
 * @param {string} file
 * @param {{ precision?: 'f32' | 'int8', preprocessing?: string, inputSize?: [number, number] }} options
 */
export async function modelBytes(m, file, { precision, preprocessing, inputSize } = {}) {
  if (isKerasFile(file)) {
    const options = {
      precision: precision ?? 'int8',
      ...(preprocessing ? { preprocessing } : {}),
      ...(inputSize ? { inputSize } : {}),
    };
    const { bytes, ...keras } = await convertKerasFile(m, file, options);
    return { bytes, keras };
  }
  const bytes = readFileSync(file);
  return { bytes: preprocessing ? m.withPreprocessing(bytes, preprocessing) : bytes };
}

// The line the CLI prints when a Keras file does not say how its pictures were scaled and the
// converter guessed: the guess, and how to set it.
export function preprocessingWarning(file, keras, choices) {
  if (!keras || keras.preprocessingInferred) return null;
  return (
    `${path.basename(file)}: preprocessing ${keras.preprocessingNote}; ` +
    `--preprocessing ${choices.join('|')} sets it`
  );
}
