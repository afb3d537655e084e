// The widget build's Keras reader, dist/convscope-keras.js: keras_import.js (h5wasm and the HDF5
// reader) as a classic script that the widget's worker loads with importScripts only when a widget
// names a Keras file, so that widgets showing converted models never download its 4 MB.
import { convertKeras } from './keras_import.js';

/** @type {any} */ (self).convscopeKeras = { convertKeras };
