// Writes dist/examples/: the widget's example pages (web/examples/) as they work from where they
// are — beside the widget's script in dist/, from disk (file://) as well as served. A page opened
// from disk cannot fetch the pictures beside it, so each picture the examples name is inlined as a
// data: URL. A page that names a model file of its own (own-model.html: a Keras file) works served
// only — from disk neither the model nor the widget's Keras reader beside its script can be
// loaded — so it stays in web/examples/. (web/examples/ itself is for the repository served from its root.)
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'web/examples');
const target = path.join(root, 'dist/examples');
const TYPES = { '.png': 'image/png', '.jpg': 'image/jpeg' };

mkdirSync(target, { recursive: true });
for (const name of readdirSync(source).filter((f) => f.endsWith('.html'))) {
  const page = readFileSync(path.join(source, name), 'utf8');
  if (page.includes('model="../models/')) continue;
  const html = page
    .replaceAll('src="../../dist/convscope-widget.js"', 'src="../convscope-widget.js"')
    .replace(/image="(\.\.\/samples\/[^"]+)"/g, (_, file) => {
      const type = TYPES[path.extname(file)];
      if (!type) throw new Error(`web/examples/${name}: ${file} is not a PNG or JPEG`);
      const bytes = readFileSync(path.join(source, file));
      return `image="data:${type};base64,${bytes.toString('base64')}"`;
    });
  if (html.includes('../../dist/') || html.includes('../samples/')) {
    throw new Error(`web/examples/${name} names a file that dist/examples/ does not have`);
  }
  writeFileSync(path.join(target, name), html);
}
