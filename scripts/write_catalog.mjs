// Writes the core's catalog (methods, options, enums: wasm/catalog.h) beside the module it came
// from (build/wasm/convscope-catalog.mjs, or CONVSCOPE_WASM_DIR's), the one description the page,
// the widget and the CLI import.
// Written only when it changed, so that an unchanged catalog does not trigger rebuilds.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { loadModule, wasmDir } from '../cli/module.mjs';

const m = await loadModule();
const target = path.join(wasmDir, 'convscope-catalog.mjs');
const text = `// Made by scripts/write_catalog.mjs from the core (wasm/catalog.h): do not edit.\nexport default ${JSON.stringify(m.catalog(), null, 2)};\n`;
if (!existsSync(target) || readFileSync(target, 'utf8') !== text) writeFileSync(target, text);
