// The catalog (wasm/catalog.h) is the one description of the methods and their options: the file
// the front ends import is the module's own, convscope.d.ts names exactly its methods, options and
// enums, every option is checked by its description (type and range, the bad value shown), and a
// key no method takes is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import built from '../../build/wasm/convscope-catalog.mjs';
import { loadConvscope } from '../support/load_module.mjs';
import { readImage, root, smallModel } from '../support/models.mjs';

const m = await loadConvscope();
const catalog = m.catalog();
const dts = readFileSync(path.join(root, 'wasm/convscope.d.ts'), 'utf8');

// The string literals of `export type Name = 'a' | 'b';` in convscope.d.ts.
function union(name) {
  const found = dts.match(new RegExp(`export type ${name} =([^;]*);`));
  assert.ok(found, `convscope.d.ts has no type ${name}`);
  return [...found[1].matchAll(/'([^']*)'/g)].map((x) => x[1]);
}

// {name: type text} of `export interface Name { ... }`'s members (comments dropped).
function members(name) {
  const found = dts.match(new RegExp(`export interface ${name} \\{([\\s\\S]*?)\\n\\}`));
  assert.ok(found, `convscope.d.ts has no interface ${name}`);
  const body = found[1].replace(/\/\*\*[\s\S]*?\*\//g, '');
  return Object.fromEntries([...body.matchAll(/^\s*(\w+)\?: ([^;]*);/gm)].map((x) => [x[1], x[2]]));
}

test("catalog: the file the page, widget and CLI import is the module's catalog", () => {
  assert.deepEqual(built, catalog, 'build/wasm/convscope-catalog.mjs is stale: run scripts/build.sh');
  assert.deepEqual(
    catalog.methods.map((x) => x.name),
    ['saliency', 'smoothgrad', 'guided', 'gradcam', 'guided-gradcam', 'ig', 'occlusion'],
  );
  for (const method of catalog.methods) {
    assert.ok(method.label && method.help && method.value, method.name);
    for (const o of method.options) assert.ok(o.help, `${method.name}.${o.name}`);
  }
});

test("catalog: convscope.d.ts names exactly the catalog's methods, options and enums", () => {
  assert.deepEqual(
    union('Method'),
    catalog.methods.map((x) => x.name),
  );
  assert.deepEqual(
    union('SplitMethod'),
    catalog.methods.filter((x) => x.splits).map((x) => x.name),
  );
  assert.deepEqual(union('Colormap'), catalog.enums.colormap);
  assert.deepEqual(union('Precision'), catalog.enums.precision);
  assert.deepEqual(union('ResizeMode'), catalog.enums.resize);
  const declared = members('MethodOptions'),
    options = new Map();
  for (const method of catalog.methods) for (const o of method.options) options.set(o.name, o);
  assert.deepEqual(Object.keys(declared).sort(), [...options.keys()].sort());
  for (const [name, o] of options) {
    const want =
      o.type === 'boolean' ? 'boolean' : o.type === 'choice' ? o.choices.map((c) => `'${c}'`).join(' | ') : 'number';
    assert.equal(declared[name], want, `MethodOptions.${name}`);
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
  for (const method of catalog.methods) {
    for (const o of method.options)
      assert.ok(guide.includes(`\`${o.name}\``), `docs/embedding.md does not name ${o.name}`);
  }
});
