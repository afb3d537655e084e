// The core's catalog as the CLI uses it: the one of the build it runs (cli/module.mjs's wasmDir,
// which CONVSCOPE_WASM_DIR may point at another build), indexed as the page's
// (web/src/catalog_index.js).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { indexCatalog } from '../web/src/catalog_index.js';
import { wasmDir } from './module.mjs';

const file = path.join(wasmDir, 'convscope-catalog.mjs');
if (!existsSync(file))
  throw new Error(`${file} is missing: scripts/build.sh writes the catalog beside the wasm modules`);
const { default: built } = await import(pathToFileURL(file).href);
if (!built.maximize) throw new Error(`${file} is from an older build: rebuild it with scripts/build.sh`);

export { colormapOf, expectedOf, parseOption } from '../web/src/catalog_index.js';
export const { catalog, METHOD_INFO, METRIC_INFO, METRIC_OPTIONS, OPTIONS } = indexCatalog(built);
