// The core's catalog as the page and the widget use it: the one of the build they are made from,
// bundled, indexed by catalog_index.js.
import catalog from '../../build/wasm/convscope-catalog.mjs';
import { indexCatalog } from './catalog_index.js';

export { colormapOf, expectedOf, parseOption } from './catalog_index.js';
export const {
  METHOD_INFO,
  METHODS,
  LONG_METHODS,
  SPLIT_METHODS,
  OPTIONS,
  METRIC_INFO,
  MAXIMIZE_OPTIONS,
  EVERY_OPTION,
  methodOptions,
  maximizeOptions,
} = indexCatalog(catalog);
export { catalog };
