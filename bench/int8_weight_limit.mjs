// How close an int8 model's gradient maps can get to the f32 model's: the maps of the int8 file,
// of the f32 file, and of an f32 file holding exactly the int8 file's weights (the Keras weights
// rounded as the int8 conversion rounds them: model_convert/testing/round_like_int8.py), on the
// full-size random-weight VGG16 and the sample photos. Where int8 ~ rounded is 1, the int8 path
// adds nothing to what rounding the weights costs, and f32 ~ rounded is that method's limit.
// usage: node --no-experimental-fetch bench/int8_weight_limit.mjs [method[:samples] ...]
//        (default ig:50 saliency input-x-gradient smoothgrad:25)
import path from 'node:path';

import { loadConvscope } from '../tests/support/load_module.mjs';
import { readImage, roundedLikeInt8, samplePhotos, vgg16 } from '../tests/support/models.mjs';
import { pearson } from '../tests/support/stats.mjs';

const args =
  process.argv.length > 2 ? process.argv.slice(2) : ['ig:50', 'saliency', 'input-x-gradient', 'smoothgrad:25'];
const methods = args.map((s) => {
  const [method, samples] = s.split(':');
  return { method, options: samples ? { samples: Number(samples), seed: 3 } : {} };
});

const m = await loadConvscope({ threads: 2 });
const models = [vgg16(['--precision', 'f32']), vgg16(), roundedLikeInt8(vgg16().h5)].map((f) => m.Model.load(f.bytes));
const [f32, int8, rounded] = models;
console.log('photo | method | f32 ~ int8 | f32 ~ rounded (the limit) | rounded ~ int8');
for (const photo of samplePhotos.slice(0, 5)) {
  const cls = f32.run(readImage(photo)).predictions[0].index;
  int8.run(readImage(photo));
  rounded.run(readImage(photo));
  for (const { method, options } of methods) {
    const [a, b, c] = models.map((model) => model.explain(method, { class: cls, ...options }).map);
    const p = (x, y) => pearson(x, y).toFixed(4);
    console.log(
      `${path.basename(photo)} | ${method} ${JSON.stringify(options)} | ${p(a, b)} | ${p(a, c)} | ${p(c, b)}`,
    );
  }
}
for (const model of models) model.release();
