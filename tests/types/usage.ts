// The documented JavaScript API, type-checked (npm run typecheck; never run): README.md's "Using
// the core from JavaScript" against the declarations the build writes beside each module (from
// wasm/convscope.d.ts: scripts/write_declarations.mjs), and docs/embedding.md's widget API against
// web/src/convscope-widget.d.ts. Each @ts-expect-error is a misuse the types must refuse.
import createConvscopeModule from '../../build/wasm/convscope-web.mjs';
import type {
  BuildInfo,
  Catalog,
  ConvscopeModule,
  Explanation,
  Grid,
  Method,
  Model,
  RunResult,
} from '../../build/wasm/convscope-web.mjs';
import { ConvScopeElement } from '../../web/src/convscope-widget.js';
import type { ConvScopePrediction } from '../../web/src/convscope-widget.js';

declare const modelBytes: Uint8Array;
declare const imageBytes: ArrayBuffer;
declare const imageData: ImageData;

export async function core(): Promise<void> {
  const m: ConvscopeModule = await createConvscopeModule();
  const model: Model = m.Model.load(modelBytes);
  const text: string = model.summary().text;
  const r: RunResult = model.run(imageBytes, { precision: 'int8', resize: 'keras' });
  model.run(imageData);
  const { index, label, probability, logit } = r.predictions[0];
  console.log(text, index + probability + logit, label.toUpperCase());

  const activation = model.activation('block5_conv3');
  const shape: number[] = activation.shape;
  const data: Float32Array = activation.data;
  console.log(shape, data[0]);
  const seen = model.inputPicture();
  new ImageData(new Uint8ClampedArray(seen.data), seen.width, seen.height);

  const grid: Grid = model.featureMapGrid('block1_conv2', { colormap: 'viridis' });
  // Not `new ImageData(grid.data, ...)` as README.md has it: since TypeScript 5.7, ImageData takes
  // only an ArrayBuffer-backed array, and Grid.data's type (Uint8ClampedArray) admits shared memory.
  new ImageData(new Uint8ClampedArray(grid.data), grid.width, grid.height);
  model.filterGrid('block1_conv1');

  const cam: Explanation = model.explain('gradcam', { layer: 'block5_conv3', class: 289 });
  const map: Float32Array = cam.map;
  const range: [number, number] = cam.valueRange;
  console.log(map.length, range, cam.raw.shape);
  model.explain('smoothgrad', { samples: 25, onProgress: (f) => f < 1 });
  model.explain('occlusion', { patch: 15, stride: 8, onPartial: (soFar) => soFar.map.length > 0 });

  const best = model.maximize({ layer: 'block3_conv1', filter: 7, preset: 'keras-vis' });
  const pixels: Uint8ClampedArray = best.data;
  const objective: Float32Array = best.objective;
  console.log(pixels.length, objective, best.startActivation < best.endActivation);
  model.maximize({ layer: 'predictions', class: 3, steps: 100, seed: 2, onProgress: () => true });

  const sanity = model.sanityCheck('saliency', { topLayers: 2 });
  console.log(sanity.spearman ?? 0, sanity.randomized.map);

  model.release();
  const build: BuildInfo = m.buildInfo();
  const variant: 'baseline' | 'relaxed' | 'baseline-mt' | 'relaxed-mt' = build.variant;
  console.log(variant, build.threads, build.maxThreads, build.relaxedKernels.sdot);

  const catalog: Catalog = m.catalog();
  const methods: Method[] = catalog.methods.map((x) => x.name);
  console.log(methods, catalog.enums.colormap);

  try {
    m.Model.load(new Uint8Array(4));
  } catch (e) {
    if (e instanceof m.ConvscopeError) console.log(e.message);
  }

  // @ts-expect-error: no such method
  model.explain('gradcamm');
  // @ts-expect-error: samples is a number
  model.explain('smoothgrad', { samples: '25' });
  // @ts-expect-error: precision is 'f32' or 'int8'
  model.run(imageBytes, { precision: 'int16' });
  // @ts-expect-error: maximize needs a layer
  model.maximize({ filter: 7 });
  // @ts-expect-error: no such preset
  model.maximize({ layer: 'block3_conv1', preset: 'deepdream' });
  // @ts-expect-error: an activation's data is a Float32Array view, not a number[]
  const wrong: number[] = model.activation('block1_conv1').data;
  console.log(wrong);
}

// The threaded builds: created with a pool, then told how many threads to run models on.
export async function threaded(): Promise<void> {
  const m = await createConvscopeModule({ convscopePoolSize: 3, locateFile: (path) => `/wasm/${path}` });
  m.setThreads(4);
  m.exitThreads();
}

// Node's CommonJS build: require() returns the factory itself (its .d.cts says `export =`), and
// its types are the factory's namespace.
type NodeFactory = typeof import('../../build/wasm/convscope-node.cjs');
type NodePrecision = import('../../build/wasm/convscope-node.cjs').Precision;
export async function node(create: NodeFactory, wasmBinary: Uint8Array): Promise<void> {
  const m = await create({ wasmBinary, convscopePoolSize: 1 });
  const precision: NodePrecision = m.catalog().enums.precision[0];
  console.log(precision, m.heapInUse());
  // @ts-expect-error: not an ES module's namespace: there is no default to take
  console.log(create.default);
  // @ts-expect-error: precision is 'f32' or 'int8'
  const wrong: NodePrecision = 'int16';
  console.log(wrong);
}

// The <conv-scope> widget (docs/embedding.md).
export async function widget(): Promise<void> {
  const el: ConvScopeElement | null = document.querySelector('conv-scope');
  if (!el) return;
  await el.run();
  const png: Blob = await el.exportPNG();
  console.log(png.size, el.model?.name, ConvScopeElement.stats.modelLoads);
  el.addEventListener('convscope-result', (e) => {
    const top: ConvScopePrediction = e.detail.predictions[0];
    console.log(e.detail.view, top.label, top.probability);
  });
  el.addEventListener('convscope-error', (e) => console.log(e.detail.message));
  el.addEventListener('convscope-ready', () => console.log('drawn'));
  // @ts-expect-error: the model's info is read-only
  el.model = null;
}
