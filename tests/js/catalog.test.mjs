// The catalog (wasm/catalog.h) is the one description of the methods and their options: the file
// the front ends import is the module's own, convscope.d.ts names exactly its methods, options and
// enums, so does the declaration the build writes beside each module (in that module's format:
// .d.mts for the ES modules, .d.cts for the CommonJS ones), every option is checked by its
// description (type and range, the bad value shown), and a key no method takes is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import built from '../../build/wasm/convscope-catalog.mjs';
import { declarationOf, declarationSource } from '../../scripts/write_declarations.mjs';
import { loadConvscope } from '../support/load_module.mjs';
import { readImage, root, smallModel } from '../support/models.mjs';

const m = await loadConvscope();
const catalog = m.catalog();
const source = declarationSource();
const wasmDir = path.join(root, 'build/wasm');

// The string literals of `export type Name = 'a' | 'b';` in the declarations `dts`.
function union(dts, name) {
  const found = dts.match(new RegExp(`export type ${name} =([^;]*);`));
  assert.ok(found, `no type ${name}`);
  return [...found[1].matchAll(/'([^']*)'/g)].map((x) => x[1]);
}

// {name: type text} of `export interface Name { ... }`'s members in `dts` (comments dropped).
function members(dts, name) {
  const found = dts.match(new RegExp(`export interface ${name} \\{([\\s\\S]*?)\\n\\s*\\}`));
  assert.ok(found, `no interface ${name}`);
  const body = found[1].replace(/\/\*\*[\s\S]*?\*\//g, '');
  return Object.fromEntries([...body.matchAll(/^\s*(\w+)\?: ([^;]*);/gm)].map((x) => [x[1], x[2]]));
}

// The declarations `dts` (`what` names them) name exactly the catalog's methods, options and enums.
function assertNamesCatalog(dts, what) {
  const equal = (found, want, name) => assert.deepEqual(found, want, `${what}: ${name}`);
  equal(
    union(dts, 'Method'),
    catalog.methods.map((x) => x.name),
    'Method',
  );
  equal(
    union(dts, 'SplitMethod'),
    catalog.methods.filter((x) => x.splits).map((x) => x.name),
    'SplitMethod',
  );
  equal(union(dts, 'Colormap'), catalog.enums.colormap, 'Colormap');
  equal(union(dts, 'MapScale'), catalog.enums.mapScale, 'MapScale');
  equal(union(dts, 'Normalization'), catalog.enums.normalize, 'Normalization');
  equal(union(dts, 'Precision'), catalog.enums.precision, 'Precision');
  equal(union(dts, 'ResizeMode'), catalog.enums.resize, 'ResizeMode');
  equal(union(dts, 'PreprocessingMode'), catalog.enums.preprocessing, 'PreprocessingMode');
  equal(union(dts, 'HeadKind'), catalog.enums.head, 'HeadKind');
  equal(union(dts, 'ActivationName'), catalog.activations, 'ActivationName');
  equal(
    union(dts, 'LayerCategory').sort(),
    [...new Set(catalog.layerKinds.map((k) => k.category))].sort(),
    'LayerCategory',
  );
  // Every kind's category has its colour and legend text, and no category is left without a kind.
  equal(catalog.layerCategories.map((c) => c.name).sort(), union(dts, 'LayerCategory').sort(), 'layerCategories');
  for (const c of catalog.layerCategories)
    assert.ok(/^#[0-9a-f]{6}$/.test(c.color) && c.legend.length > 0, `${what}: category ${JSON.stringify(c)}`);
  const declared = members(dts, 'MethodOptions'),
    options = new Map();
  for (const method of catalog.methods) for (const o of method.options) options.set(o.name, o);
  assertOptions(declared, options, `${what}: MethodOptions`);
  equal(
    union(dts, 'Metric'),
    catalog.metrics.map((x) => x.name),
    'Metric',
  );
  const metricOptions = new Map(catalog.metrics.flatMap((x) => x.options.map((o) => [o.name, o])));
  assertOptions(members(dts, 'MetricOptions'), metricOptions, `${what}: MetricOptions`);
  const maximize = new Map(catalog.maximize.options.map((o) => [o.name, o]));
  assertOptions(members(dts, 'MaximizeOptions'), maximize, `${what}: MaximizeOptions`);
}

// The interface members `declared` ({name: type text}) are exactly the options, each typed by its
// description.
function assertOptions(declared, options, what) {
  assert.deepEqual(Object.keys(declared).sort(), [...options.keys()].sort(), what);
  for (const [name, o] of options) {
    const want =
      o.type === 'boolean' ? 'boolean' : o.type === 'choice' ? o.choices.map((c) => `'${c}'`).join(' | ') : 'number';
    assert.equal(declared[name], want, `${what}.${name}`);
  }
}

test("catalog: the file the page, widget and CLI import is the module's catalog", () => {
  assert.deepEqual(built, catalog, 'build/wasm/convscope-catalog.mjs is stale: run scripts/build.sh');
  assert.deepEqual(
    catalog.methods.map((x) => x.name),
    [
      'saliency',
      'smoothgrad',
      'guided',
      'gradcam',
      'guided-gradcam',
      'gradcam-plus-plus',
      'hirescam',
      'xgradcam',
      'layercam',
      'scorecam',
      'ablationcam',
      'eigencam',
      'ig',
      'input-x-gradient',
      'occlusion',
    ],
  );
  for (const method of catalog.methods) {
    assert.ok(method.label && method.help && method.value, method.name);
    for (const o of method.options) assert.ok(o.help, `${method.name}.${o.name}`);
  }
});

test("catalog: convscope.d.ts names exactly the catalog's methods, options and enums", () => {
  assertNamesCatalog(source, 'wasm/convscope.d.ts');
});

test("catalog: every built module has its declaration in its own format, naming the catalog's methods, options and enums", () => {
  const modules = readdirSync(wasmDir).filter((f) => /^convscope-(web|node)[\w-]*\.(mjs|cjs)$/.test(f));
  assert.deepEqual(modules.sort(), [
    'convscope-node-mt.cjs',
    'convscope-node-relaxed-mt.cjs',
    'convscope-node-relaxed.cjs',
    'convscope-node.cjs',
    'convscope-web-mt.mjs',
    'convscope-web-relaxed-mt.mjs',
    'convscope-web-relaxed.mjs',
    'convscope-web.mjs',
  ]);
  for (const file of [...modules, 'convscope-catalog.mjs']) {
    const [name, want] = declarationOf(file, source);
    const declaration = path.join(wasmDir, name);
    assert.ok(existsSync(declaration), `${file} has no ${name} beside it: run scripts/build.sh`);
    const dts = readFileSync(declaration, 'utf8');
    assert.equal(dts, want, `${name} is stale: run scripts/build.sh`);
    if (file === 'convscope-catalog.mjs') {
      assert.match(dts, /^declare const catalog: Catalog;\nexport default catalog;$/m, name);
    } else if (file.endsWith('.mjs')) {
      // An ES module: the factory is its default export.
      assert.equal(name, file.replace(/\.mjs$/, '.d.mts'));
      assert.match(dts, /^export default function createConvscopeModule\(/m, name);
      assert.doesNotMatch(dts, /^export =/m, name);
      assertNamesCatalog(dts, name);
    } else {
      // CommonJS: require() returns the factory, whose namespace holds the types.
      assert.equal(name, file.replace(/\.cjs$/, '.d.cts'));
      assert.match(dts, /^declare namespace createConvscopeModule \{$/m, name);
      assert.match(dts, /^declare function createConvscopeModule\(/m, name);
      assert.match(dts, /^export = createConvscopeModule;$/m, name);
      assert.doesNotMatch(dts, /^\s*export default /m, name);
      assertNamesCatalog(dts, name);
    }
  }
});

test('catalog: every option is checked against its description and the bad value shown', () => {
  const model = m.Model.load(smallModel().bytes);
  try {
    model.run(readImage('chelsea.png'));
    for (const method of catalog.methods) {
      for (const o of method.options) {
        const bad =
          o.type === 'boolean'
            ? [1, 'yes']
            : o.type === 'choice'
              ? ['bogus', true]
              : o.type === 'integer'
                ? [o.min - 1, o.min + 0.5, '3']
                : [NaN, Infinity, '3'];
        if (o.type === 'number') bad.push(o.min - 1, o.max + 1);
        for (const value of bad) {
          const shown =
            typeof value === 'string'
              ? o.type === 'choice'
                ? `'${value}'`
                : `string '${value}'`
              : `${typeof value} ${value}`;
          assert.throws(
            () => model.explain(method.name, { [o.name]: value }),
            (e) => e.message.startsWith(`${o.name} must be `) && e.message.endsWith(`, got ${shown}`),
            `${method.name} ${o.name}=${String(value)}`,
          );
        }
      }
    }
    // A key no method takes is a typo, refused with what the method takes; another method's
    // option is let through (one options object may serve several methods).
    assert.throws(
      () => model.explain('saliency', { patc: 3 }),
      /^ConvscopeError: unknown option 'patc' \(saliency takes clip99; every method also takes class, layer, part, parts, onProgress, onPartial\)$/,
    );
    assert.equal(model.explain('saliency', { patch: 3, samples: 2 }).method, 'saliency');
    assert.throws(() => model.explain('lime', { patc: 3 }), /unknown method 'lime'/);
    // clip99 clips every input-gradient map, guided ones too.
    for (const method of ['saliency', 'guided', 'guided-gradcam']) {
      const [plain, clipped] = [false, true].map((clip99) => model.explain(method, { clip99 }).map);
      assert.notDeepEqual(plain, clipped, method);
    }
  } finally {
    model.release();
  }
});

test('catalog: the embedding guide names every option as a widget attribute', () => {
  const guide = readFileSync(path.join(root, 'docs/embedding.md'), 'utf8');
  for (const { options } of [...catalog.methods, catalog.maximize]) {
    for (const o of options) assert.ok(guide.includes(`\`${o.name}\``), `docs/embedding.md does not name ${o.name}`);
  }
});
