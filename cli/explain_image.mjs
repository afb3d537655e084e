// Everything `convscope explain` makes for one image, as PNG files plus a report entry. Runs the
// same way in the main thread and in worker threads (--jobs), so outputs do not depend on --jobs.
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { colormapOf, METHOD_INFO, METRIC_INFO } from './catalog.mjs';
import { captioned } from './figures.mjs';
import { pngPath, writeFileAtomically } from './files.mjs';
import { encodePng } from './png.mjs';
import { grayPicture } from '../web/src/grayscale.js';
import { mapResolution, valueAt } from '../web/src/map_values.js';
import { RANDOMIZED_TOP_LAYERS } from '../web/src/metric_curves.js';
import { classLabel, defaultCamLayer, filterLayers, firstLayer, isGrayscale } from '../web/src/model_layers.js';

// The views of the model and the image, then the core's explanation methods (its catalog).
export const METHODS = ['predictions', 'features', 'filters', ...METHOD_INFO.keys(), 'maximize'];

const percent = (p) => `${(100 * p).toFixed(1)}%`;

// The measurements of map `x` of `method` (explained with `explainOptions`) by options.metrics,
// each beside a random map and the sanity check's randomized model's map (report.json's
// `metrics` of an output).
function measure(model, method, x, explainOptions, options) {
  if (!options.metrics?.length) return [];
  const randomizedModelMap = model.sanityCheck(method, {
    ...explainOptions,
    topLayers: RANDOMIZED_TOP_LAYERS,
    randomizedOnly: true,
  }).randomized.map;
  const curve = (c) => ({ score: c.score, probabilities: Array.from(c.probabilities) });
  return options.metrics.map((metric) => {
    const r = model.measure(metric, x.map, { ...options.metricOptions, class: x.classIndex, randomizedModelMap });
    const { map, random, randomizedModel } = r;
    return {
      metric,
      x: Array.from(r.x),
      map: curve(map),
      random: curve(random),
      randomizedModel: curve(randomizedModel),
    };
  });
}

// "Deletion 0.123 (random 0.456, randomized model 0.400)".
const metricCaption = (r) =>
  `${METRIC_INFO.get(r.metric).label} ${r.map.score.toPrecision(3)} (random ${r.random.score.toPrecision(3)}, randomized model ${r.randomizedModel.score.toPrecision(3)})`;

// options: {methods, layer, classIndex ('top1' or a number), precision, resize, threshold,
// methodOptions: the methods' options by name (each method takes its own); metrics: the metrics to
// measure each map by, metricOptions theirs; maximizeOptions: activation maximization's (preset,
// steps, seed)}.
// onMethodDone(fraction of this image). Returns {predictions, timings, outputs}.
export function explainImage(m, model, { file, bytes, outDir, modelName }, options, onMethodDone = () => {}) {
  const timings = {};
  const t0 = performance.now();
  const run = model.run(bytes, { precision: options.precision, resize: options.resize, topK: 5 });
  timings.run = performance.now() - t0;
  const top1 = run.predictions[0];
  const classIndex = options.classIndex === 'top1' ? top1.index : options.classIndex;
  // Read once per image: each call marshals the whole layer list (and VGG16's 1,000 labels).
  const info = model.info();
  const { rows } = model.summary();
  const label = (i) => classLabel(info, i);
  // Layers chosen by what they are (model_layers.js): feature maps of --layer or the first
  // convolution, its filters; Grad-CAM and its kin at --layer or the model's own camLayer.
  const camLayer = options.layer ?? defaultCamLayer(rows, info);
  // What maps are drawn over: the picture as the model sees it (in gray for a grayscale model).
  const picture = isGrayscale(info) ? grayPicture(m.decodeImage(bytes)) : bytes;
  const outputs = [];
  const write = (name, image, meta, lines) => {
    const target = pngPath(outDir, name);
    const text = { Software: 'convscope', Model: modelName, Source: path.basename(file), ...meta };
    writeFileAtomically(target, encodePng(captioned(m, image, lines), text));
    outputs.push({ file: target, ...meta });
  };
  const describe = (x) => ({
    Method: x.method,
    Layer: x.layer,
    Class: String(x.classIndex),
    Label: x.label,
    Precision: x.precision,
    Weights: x.weights,
    Activations: x.activations,
    ...(x.computation ? { Computation: x.computation } : {}),
  });
  const captionOf = (x) =>
    `${x.method} | layer ${x.layer} | ${x.label} (${x.classIndex}) | ${x.arithmetic} | ${mapResolution(x, x.raw.shape, 'x')}`;

  options.methods.forEach((method, i) => {
    const start = performance.now();
    if (method === 'predictions') {
      write(
        'predictions',
        isGrayscale(info) ? picture : m.decodeImage(bytes),
        { Method: 'predictions', Precision: run.precision },
        [
          `top-5 | ${run.precision}`,
          ...run.predictions.map((p, k) => `${k + 1}. ${p.label} ${percent(p.probability)}`),
          ...(run.unlike?.sentence ? [run.unlike.sentence] : []),
        ],
      );
    } else if (method === 'features') {
      const layer = options.layer ?? firstLayer(rows);
      const grid = model.featureMapGrid(layer, { colormap: 'viridis' });
      write(`features-${layer}`, grid, { Method: 'features', Layer: layer, Precision: run.precision }, [
        `feature maps | layer ${layer} | ${run.precision}`,
      ]);
    } else if (method === 'filters') {
      const layer = filterLayers(rows)[0];
      if (!layer) throw new Error('the model has no convolution whose filters could be drawn');
      write(`filters-${layer}`, model.filterGrid(layer), { Method: 'filters', Layer: layer }, [
        `filters | layer ${layer}`,
      ]);
    } else if (method === 'maximize') {
      const last = info.head.layer;
      const image = model.maximize({ layer: last, class: classIndex, ...options.maximizeOptions });
      write(
        'maximize',
        image,
        { Method: 'maximize', Layer: last, Class: String(classIndex), Label: label(classIndex) },
        [
          `activation maximization | ${label(classIndex)} (${classIndex}) | logit ${image.startActivation.toFixed(2)} on ${image.seedPicture} -> ${image.endActivation.toFixed(2)}`,
        ],
      );
    } else if (METHOD_INFO.has(method)) {
      const explainOptions = { ...options.methodOptions, class: classIndex };
      if (camLayer && METHOD_INFO.get(method).needsLayer) explainOptions.layer = camLayer;
      const x = model.explain(method, explainOptions);
      const colormap = colormapOf(METHOD_INFO.get(method).scale);
      const measured = performance.now();
      const metrics = measure(model, method, x, explainOptions, options);
      if (metrics.length) timings[`${method} metrics`] = performance.now() - measured;
      write(method, m.overlay(picture, x, { resize: options.resize, colormap }), describe(x), [
        captionOf(x),
        ...(metrics.length ? [metrics.map(metricCaption).join(' | ')] : []),
      ]);
      if (metrics.length) outputs.at(-1).metrics = metrics;
      if (method === 'occlusion') {
        const masked = m.overlay(picture, x, { resize: options.resize, mask: true, threshold: options.threshold });
        // The threshold in the map's own units.
        const at = valueAt(x, options.threshold).toPrecision(3);
        write('occlusion-mask', masked, describe(x), [`${captionOf(x)} | map >= ${at}`]);
      }
    } else {
      throw new Error(`unknown method '${method}'`);
    }
    timings[method] = performance.now() - start - (timings[`${method} metrics`] ?? 0);
    onMethodDone((i + 1) / options.methods.length);
  });
  return {
    predictions: run.predictions.map(({ index, label: l, probability, logit }) => ({
      index,
      label: l,
      probability,
      logit,
    })),
    precision: run.precision,
    unlike: run.unlike,
    classIndex,
    timings,
    outputs,
  };
}
