// Writes the TypeScript declarations beside each wasm module the build made, from the one source,
// wasm/convscope.d.ts (an ES module's declaration) with the parts it imports from wasm/ (its
// catalog's types, wasm/catalog.d.ts) inlined: one self-contained file per module. TypeScript types
// `x.mjs` only from `x.d.mts` and `x.cjs` only from `x.d.cts`, so each module gets the file of its
// own format:
//   convscope-web*.mjs   (ES modules)  .d.mts  the source as it is (`export default`)
//   convscope-node*.cjs  (CommonJS)    .d.cts  the same declarations in a namespace of the factory's
//                                              name, the factory as `export =` (what require() returns)
//   convscope-catalog.mjs (scripts/write_catalog.mjs)  .d.mts  its default export, a Catalog
// Usage: node scripts/write_declarations.mjs [DIR] (default: the build the CLI runs, build/wasm).
// Files are written only when they changed, so that unchanged declarations trigger no rebuild.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { root, wasmDir } from '../cli/module.mjs';

const made = '// Made by scripts/write_declarations.mjs from wasm/convscope.d.ts and its parts: do not edit.\n';

// A part's `import type { ... } from './part';` and `export type * from './part';` lines.
const PART_IMPORT = /^import type \{[^}]*\} from '\.\/(\w+)';\n/gm;
const PART_EXPORT = /^export type \* from '\.\/\w+';\n/gm;

// wasm/convscope.d.ts with every part it imports inlined where it imports it (without the part's
// opening comment, and its own imports of parts: convscope.d.ts imports those too): the
// declarations of the whole surface, in one module.
export function declarationSource() {
  const read = (name) => readFileSync(path.join(root, 'wasm', `${name}.d.ts`), 'utf8');
  const part = (name) =>
    read(name)
      .replace(/^(\/\/.*\n)+\n/, '')
      .replace(PART_IMPORT, '');
  const whole = read('convscope')
    .replace(PART_EXPORT, '')
    .replace(PART_IMPORT, (_, name) => `${part(name)}\n`);
  // An import of another form would be left in a file that has nothing beside it to import.
  const left = whole.match(/^.*\bfrom '\..*$/m);
  if (left)
    throw new Error(
      `wasm/convscope.d.ts: cannot inline \`${left[0]}\`: import a part as \`import type { ... } from './part';\``,
    );
  return whole;
}

// The factory, the source's one default export.
const FACTORY = /^export default function createConvscopeModule\((.*)\): (.*);\n/m;

// The same declarations inside `declare namespace createConvscopeModule` (an ambient context
// already, so `declare` goes), merged with the factory function of that name.
function commonJs(source) {
  const [factory, parameters, returns] = source.match(FACTORY);
  const body = source
    .replace(factory, '')
    .replace(/^export declare /gm, 'export ')
    .trimEnd()
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
  // Outside the namespace, its names are the namespace's.
  const names = new Set([...source.matchAll(/^export (?:declare )?(?:class|interface|type) (\w+)/gm)].map((x) => x[1]));
  const qualified = (text) => text.replace(/\b\w+\b/g, (w) => (names.has(w) ? `createConvscopeModule.${w}` : w));
  return (
    `${made}declare namespace createConvscopeModule {\n${body}\n}\n\n` +
    `declare function createConvscopeModule(${qualified(parameters)}): ${qualified(returns)};\n` +
    'export = createConvscopeModule;\n'
  );
}

// [declaration file name, its text] for a file of a build folder, or null for a file that needs
// none. `source`: the declarations' text (declarationSource()).
export function declarationOf(file, source) {
  if (!FACTORY.test(source)) throw new Error('wasm/convscope.d.ts: no `export default function createConvscopeModule`');
  if (file === 'convscope-catalog.mjs') {
    return [
      'convscope-catalog.d.mts',
      `${made}import type { Catalog } from './convscope-web.mjs';\n\ndeclare const catalog: Catalog;\nexport default catalog;\n`,
    ];
  }
  if (/^convscope-web[\w-]*\.mjs$/.test(file)) return [file.replace(/\.mjs$/, '.d.mts'), made + source];
  if (/^convscope-node[\w-]*\.cjs$/.test(file)) return [file.replace(/\.cjs$/, '.d.cts'), commonJs(source)];
  return null;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = path.resolve(process.argv[2] ?? wasmDir);
  const source = declarationSource();
  const written = readdirSync(dir)
    .map((file) => declarationOf(file, source))
    .filter(Boolean);
  if (!written.some(([name]) => name !== 'convscope-catalog.d.mts'))
    throw new Error(`${dir} has no wasm module (convscope-web*.mjs, convscope-node*.cjs): build them first`);
  for (const [name, text] of written) {
    const target = path.join(dir, name);
    if (!existsSync(target) || readFileSync(target, 'utf8') !== text) writeFileSync(target, text);
  }
}
