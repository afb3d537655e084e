// How int8 serves users' own models: for each tutorial CNN, zoo model and (narrow) graph (Keras 3
// .keras from the generator, random weights), on the Fashion-MNIST sample pictures and the test photos, how often
// the int8 run's top class is the f32 run's, and each gradient method's int8 map's Pearson
// correlation with the f32 one (int8 gradients run on an f32 pass over the dequantized weights:
// docs/engine.md). Prints a Markdown table for docs/measurements.md.
//   node --no-experimental-fetch bench/keras_int8.mjs
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { loadModule, root } from '../cli/module.mjs';
import {
  GRAPH_MODELS,
  NARROW,
  TUTORIAL_MODELS,
  ZOO_MODELS,
  convert,
  kerasFile,
} from '../tests/support/keras_files.mjs';
import { pearson } from '../tests/support/stats.mjs';

const m = await loadModule();
const pictures = [
  ...readdirSync(path.join(root, 'web/samples'))
    .filter((f) => f.startsWith('fashion-'))
    .map((f) => path.join(root, 'web/samples', f)),
  ...['chelsea.png', 'coffee.png', 'astronaut.png', 'rocket.jpg', 'camera.png'].map((f) =>
    path.join(root, 'tests/data/images', f),
  ),
];
const methods = ['saliency', 'guided', 'gradcam', 'ig', 'input-x-gradient', 'occlusion'];
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

console.log(`| model | input | top-1 agreement | ${methods.join(' | ')} |`);
console.log(`| --- | --- | --- | ${methods.map(() => '---').join(' | ')} |`);
const cases = [...[...TUTORIAL_MODELS, ...ZOO_MODELS].map((n) => [n, []]), ...GRAPH_MODELS.map((n) => [n, NARROW])];
for (const [name, size] of cases) {
  const file = kerasFile(name, 'keras3', size).path;
  const f32 = m.Model.load(convert(file, ['--precision', 'f32']).bytes);
  const int8 = m.Model.load(convert(file, ['--precision', 'int8']).bytes);
  let agree = 0;
  const r = Object.fromEntries(methods.map((x) => [x, []]));
  for (const picture of pictures) {
    const image = readFileSync(picture);
    const a = f32.run(image, { precision: 'f32', topK: 1 }).predictions[0].index;
    const b = int8.run(image, { precision: 'int8', topK: 1 }).predictions[0].index;
    agree += a === b;
    for (const method of methods) {
      const options = { class: a, samples: 16 };
      r[method].push(pearson(f32.explain(method, options).map, int8.explain(method, options).map));
    }
  }
  const shape = f32.info().inputShape.join('×');
  console.log(
    `| ${name} | ${shape} | ${agree}/${pictures.length} | ${methods.map((x) => median(r[x]).toFixed(3)).join(' | ')} |`,
  );
  f32.release();
  int8.release();
}
