// The JavaScript surface of convscope-web.mjs and convscope-node.cjs (wasm/bindings/ plus
// wasm/module_api.js). Keep in sync with both. The build writes it beside every module in that
// module's format (scripts/write_declarations.mjs), with wasm/catalog.d.ts inlined: as it is
// (.d.mts), or as `export =` (.d.cts).

import type {
  Catalog,
  Colormap,
  MethodOptions,
  MaximizeOptions,
  Method,
  Metric,
  MetricOptions,
  Normalization,
  Precision,
  PreprocessingMode,
  ResizeMode,
  SplitMethod,
} from './catalog';
import type { ModelInfo, ModelSummary, Variant } from './model_info';
export type * from './catalog';
export type * from './model_info';

/** Thrown by every convscope call that fails; the message says what was wrong. */
export declare class ConvscopeError extends Error {
  name: 'ConvscopeError';
}

export interface Conv2dOptions {
  /** Input rows. */
  height: number;
  /** Input columns. */
  width: number;
  inChannels: number;
  outChannels: number;
  /** Default 3. */
  kernelHeight?: number;
  /** Default 3. */
  kernelWidth?: number;
  /** Zero rows/columns added on every side; default 1 (same padding for a 3×3 kernel). */
  padding?: number;
  /** ReLU fused into the convolution; default true. */
  relu?: boolean;
  /** 'int8' quantizes the weights per output channel and the activations per image; default 'f32'. */
  precision?: Precision;
  /** OHWI: [outChannels][kernelHeight][kernelWidth][inChannels]. Copied. */
  weights: Float32Array;
  /** outChannels values. Copied. */
  bias: Float32Array;
}

/** A 2-D convolution (NHWC, batch 1, stride 1) whose XNNPACK runtime is built once. */
export declare class Conv2d {
  /** Validates the options and builds the runtime. Throws ConvscopeError naming a bad argument. */
  static create(options: Conv2dOptions): Conv2d;
  /** Like create, but returns null on failure (message in lastError()). */
  static tryCreate(options: Conv2dOptions): Conv2d | null;
  /** [1, outHeight, outWidth, outChannels]. */
  readonly outputShape: number[];
  readonly precision: Precision;
  /** Input NHWC [height][width][inChannels]; returns a new NHWC array. Throws ConvscopeError. */
  run(input: Float32Array): Float32Array;
  /** Like run, but returns null on failure (message in lastError()). */
  tryRun(input: Float32Array): Float32Array | null;
  /** Frees the wasm memory held by this convolution. Use it exactly once. */
  delete(): void;
}

/**
 * Memory inside the wasm heap. `data` builds a fresh typed array on every access (a view kept
 * across calls could be detached by memory growth): read it when you need it, don't store it.
 * Reading after the owning model was released throws ConvscopeError.
 */
export interface HeapTensor<T extends Float32Array | Int8Array = Float32Array> {
  readonly data: T;
  dtype: T extends Int8Array ? 'int8' : 'float32';
  shape: number[];
}

export interface WeightTensor extends HeapTensor<Float32Array | Int8Array> {
  /** Keras' shape: conv (kh, kw, in, out), dense (in, out), bias (out). */
  kerasShape: number[];
  /** The stored layout of `data`: 'OHWI' (conv), 'OI' (dense) or 'O' (bias). */
  layout: 'OHWI' | 'OI' | 'O';
  /** int8 only: one scale per output channel; the weight is scale[o] * data[i]. */
  scales?: HeapTensor<Float32Array>;
  /** Of the original f32 weights. */
  stats: {
    min: number;
    max: number;
    mean: number;
    std: number;
    histogram: { min: number; max: number; counts: number[] };
  };
}

/** Keras' model.summary(), as rows and as Keras' own text. */

/** Encoded file bytes (PNG, JPEG, BMP, GIF), or RGBA pixels such as a canvas ImageData. */
export type ImageInput =
  Uint8Array | ArrayBuffer | { data: Uint8ClampedArray | Uint8Array; width: number; height: number };

export interface RunOptions {
  /** Default: the model file's precision. */
  precision?: Precision;
  /** 'keras': straight to the input size, nearest neighbour (Keras' load_img); 'crop': shorter side, centre crop, smooth. Default 'keras'. */
  resize?: ResizeMode;
  /** Default 5. */
  topK?: number;
}

export interface RunResult {
  precision: Precision;
  /** Most probable first; empty when the model does not end in classes. */
  predictions: { index: number; label: string; probability: number; logit: number }[];
  /** Per layer, in model order; the input layer's entry is decoding-free preprocessing. */
  timings: { layer: string; ms: number }[];
  totalMs: number;
  /**
   * How unlike the pictures the model was trained on this image is, where the model file has
   * their statistics (else null): `score` is the mean squared z-score of the preprocessed input
   * against the training pictures' per-value mean and deviation, `threshold` the score most of
   * them stay under, `about` what they were; `sentence` says so when the score is above the
   * threshold, and is empty otherwise.
   */
  unlike: { score: number; threshold: number; about: string; sentence: string } | null;
}

/** RGBA pixels, ready for `new ImageData(data, width, height)`. A copy: keep it as long as you like. */
export interface Grid {
  width: number;
  height: number;
  data: Uint8ClampedArray;
  /** Layout: tile i is at ((i % columns) * (tileWidth + 1), floor(i / columns) * (tileHeight + 1)). */
  tiles: number;
  columns: number;
  tileWidth: number;
  tileHeight: number;
}

export interface ExplainOptions extends MethodOptions {
  /** The class whose pre-softmax logit is explained; default: the top class. */
  class?: number;
  /** Methods that take a layer (Grad-CAM): default the model's camLayer (ModelInfo). */
  layer?: string;
  /**
   * Methods that split (smoothgrad, ig, occlusion): make only part `part` (default 0) of `parts`
   * (default 1, at most 64) of the passes, for module instances in several workers to split the
   * work. The result's `raw.data` is then that part's data for `combine` (its `map` is empty).
   */
  part?: number;
  parts?: number;
  onProgress?: (fraction: number, time: { elapsedMs: number; remainingMs: number }) => boolean | void;
  onPartial?: (soFar: Explanation) => boolean | void;
}

/** A metric's curve (or pair of probabilities) and score, for one map. */
export interface MetricCurve {
  /**
   * The class probability after each step (deletion, insertion, road-morf, road-lerf: at `x`), or
   * before and after the change (confidence).
   */
  probabilities: Float32Array;
  /** The metric's number (the catalog's `score` says what it is). */
  score: number;
}

/** Model.measure's options besides the metric's own. */
export interface MeasureOptions extends MetricOptions {
  class?: number;
  /**
   * The same method's map on the sanity check's randomized model (sanityCheck with
   * randomizedOnly), measured beside: a map no better than it does not show what the model
   * learned.
   */
  randomizedModelMap?: Float32Array;
  onProgress?: ExplainOptions['onProgress'];
}

/** Model.measure's result. */
export interface Measurement {
  metric: Metric;
  classIndex: number;
  /** The fraction of pixels moved (or removed) at each point of a curve; empty for confidence. */
  x: Float32Array;
  /** The map's measure, and a random map's beside it. */
  map: MetricCurve;
  random: MetricCurve;
  /** The measure of `randomizedModelMap` when given, else null. */
  randomizedModel: MetricCurve | null;
}

export interface Explanation {
  method: string;
  classIndex: number;
  label: string;
  /** The layer the method looked at ('input_1' for gradient maps of the input). */
  layer: string;
  /** The precision of the run explained. */
  precision: Precision;
  /** The weights the map came from: 'int8' for an int8 file or an int8 run. */
  weights: Precision;
  /**
   * The activations of the passes the map came from: 'f32' for every gradient method (an int8
   * model's gradients run on an f32 pass over its dequantized weights), the run's otherwise.
   */
  activations: Precision;
  /** For captions: 'f32', 'int8', or 'int8 weights, f32 pass'. */
  arithmetic: string;
  /**
   * How the method computed the map where it has more than one way, for reports; '' otherwise.
   * Occlusion: which layers ran incrementally, which whole, and from which layer on the occluded
   * copies ran in batches (e.g. 'incremental through block5_pool; then flatten on, 16 copies at a
   * time').
   */
  computation: string;
  /** The map at the model's input size, normalized to [0, 1]: width x height values. */
  width: number;
  height: number;
  map: Float32Array;
  /**
   * What 0 and 1 of `map` stand for, in the units of `value`: [0, largest] for a map of scale
   * 'zero', [-m, m] (zero at 0.5) for a 'signed' one (the catalog's method `scale`).
   */
  valueRange: [number, number];
  /** What the map's values are, for legends (e.g. "drop in the class probability ..."). */
  value: string;
  /**
   * The unnormalized result: the input gradient (H x W x 3), the CAM before upsampling (h x w) or
   * the probability drop per occlusion position (rows x columns).
   */
  raw: { shape: number[]; data: Float32Array };
}

/** A model file from model_convert, loaded into wasm memory (weights are used in place). */
export declare class Model {
  /** Validates the whole file first. Throws ConvscopeError saying what is wrong. */
  static load(bytes: Uint8Array | ArrayBuffer): Model;
  static tryLoad(bytes: Uint8Array | ArrayBuffer): Model | null;
  info(): ModelInfo;
  summary(): ModelSummary;
  /** Keras' get_config() of the layer, plus its className. */
  layerConfig(name: string): Record<string, unknown> & { className: string; name: string };
  /** The layer's weights ({} for layers without), Keras' get_weights() in stored layout. */
  /**
   * The layer's weights by their Keras names (kernel, bias; BatchNormalization's gamma, beta,
   * moving_mean, moving_variance; ...), {} for layers without: Keras' get_weights() in stored layout.
   */
  weights(name: string): Record<string, WeightTensor>;
  /** Runs the image through every layer; all activations are kept until the next run. */
  run(image: ImageInput, options?: RunOptions): RunResult;
  /**
   * The last image as the model sees it: at the input size, as the run resized it, its
   * preprocessing undone (a grayscale model's gray in all three channels), RGBA. Throws a
   * ConvscopeError before the first run.
   */
  inputPicture(): { width: number; height: number; data: Uint8ClampedArray };
  /** The layer's output for the last image (layer 0 is the preprocessed input). */
  activation(name: string): HeapTensor<Float32Array> & { layer: string };
  /**
   * A convolution's filters as tiles (a layer with hasFilters: Conv2D, SeparableConv2D's depthwise
   * ones, DepthwiseConv2D's, one per channel): in colour for kernels on RGB (channel omitted), else
   * one input channel.
   */
  filterGrid(name: string, options?: { channel?: number; scale?: number; colormap?: Colormap }): Grid;
  /** Every channel of a H x W x C activation as a tile. */
  featureMapGrid(
    name: string,
    options?: { normalize?: Normalization; colormap?: Colormap; scale?: number; maxMaps?: number },
  ): Grid;
  /**
   * Explains the last image (run one first) with a method: 'saliency' (|gradient|, max over
   * channels), 'smoothgrad', 'guided' (guided backpropagation), 'gradcam', 'guided-gradcam',
   * the other class-activation maps ('gradcam-plus-plus', 'hirescam', 'xgradcam', 'layercam',
   * 'scorecam', 'ablationcam', 'eigencam'), 'ig' (integrated gradients), 'input-x-gradient' ((input - baseline) x gradient), 'occlusion' (drop in the class probability with a `patch` x
   * `patch` square set to `fill` at every `stride`; coarse positions first, the map so far passed to
   * `onPartial`, which may return false to stop). The score is the pre-softmax logit of `class` (default: the top
   * class); Grad-CAM and its kin look at `layer` (default: the model's camLayer). SmoothGrad and IG make
   * `samples` passes (defaults 25 and 50), Score-CAM and Ablation-CAM one per channel; they report each through `onProgress(fraction)` and stop when
   * it returns false (ConvscopeError 'cancelled'); the image's activations are kept either way.
   */
  explain(method: Method, options?: ExplainOptions): Explanation;
  /**
   * The explanation from every part's `raw.data` (in part order; `parts.length` parts), made by
   * explain with the same options on the same image: the same bits as one undivided explain.
   */
  combine(
    method: SplitMethod,
    options: Omit<ExplainOptions, 'part' | 'parts' | 'onProgress' | 'onPartial'>,
    parts: Float32Array[],
  ): Explanation;
  /**
   * Activation maximization: the input that excites `filter` of a layer with feature maps (its
   * mean response, before its activation), or with the class layer a `class`, most — by gradient ascent from grey noise
   * (`seed`, default 1). `preset`: 'smooth' (default: blurred after every step; a class's log
   * probability ascended; shown as the model saw it), 'keras-vis' or 'lucid' (those tools'
   * settings, shown contrast-stretched); `steps` (default the preset's, 200 or 256, at most
   * 10000). The last image's activations are restored afterwards.
   */
  maximize(
    options: {
      layer: string;
      filter?: number;
      class?: number;
      onProgress?: (fraction: number, time: { elapsedMs: number; remainingMs: number }) => boolean | void;
    } & MaximizeOptions,
  ): {
    width: number;
    height: number;
    /** The synthesized input as RGBA for display. */
    data: Uint8ClampedArray;
    layer: string;
    filter?: number;
    class?: number;
    /** Per step: the unit's mean output (a class's logit). */
    objective: Float32Array;
    /** The unit's mean output (after its ReLU; a class's logit) on the seed and on the result. */
    startActivation: number;
    endActivation: number;
    /** What the ascent started from: the training pictures' mean picture (where the model file has their statistics) or noise, each with a little noise. */
    seedPicture: "the training pictures' mean" | 'noise';
  };
  /**
   * How faithful `map` (an explanation's map: one value per input pixel, larger more important) is
   * to the model on the last image: `metric`'s probabilities and score for the map and, beside
   * them, for a random map (seeded by `seed`) and, given `randomizedModelMap`, for that map
   * (`randomizedModel`). Runs copies of the image through the last run's
   * engine in batches, reporting through `onProgress(fraction)` (false cancels); the image's
   * activations are kept either way.
   */
  measure(metric: Metric, map: Float32Array, options?: MeasureOptions): Measurement;
  /**
   * Part `part` of `parts` of measure's passes (equal shares of all the maps' copies, in order),
   * for workers that share them out: the class probability of each of its copies.
   */
  measurePart(
    metric: Metric,
    map: Float32Array,
    options: MeasureOptions & { part: number; parts: number },
  ): Float32Array;
  /**
   * measure's result from every part's probabilities (measurePart's, in part order; the same
   * metric, map and options): the same bits as one undivided measure.
   */
  combineMeasurement(
    metric: Metric,
    map: Float32Array,
    options: Omit<MeasureOptions, 'onProgress'>,
    parts: Float32Array[],
  ): Measurement;
  /**
   * Adebayo et al.'s model-parameter randomization test: the map of `method` (with the options
   * of explain), then the same map on a copy of the model whose top `topLayers` weighted layers
   * (default 1) have random kernels (seeded by `randomSeed`), and the Spearman rank correlation
   * of the two. A map that explains the model changes (low correlation).
   */
  sanityCheck(
    method: Method,
    options?: ExplainOptions & {
      topLayers?: number;
      randomSeed?: number;
      /**
       * Only the randomized copy's map, when another worker makes the original (explain with
       * the same options): `original` and `spearman` are then null; `spearmanCorrelation` of
       * the two maps gives the same number.
       */
      randomizedOnly?: boolean;
    },
  ): { original: Explanation | null; randomized: Explanation; randomizedLayers: string[]; spearman: number | null };
  /** Frees the model's wasm memory. Use it exactly once; same as delete(). */
  release(): void;
  delete(): void;
  isDeleted(): boolean;
}

export interface BuildInfo {
  variant: Variant;
  /** The threads models loaded from now on run on. */
  threads: number;
  /** The most setThreads accepts: the pool workers the module started with, plus the caller. */
  maxThreads: number;
  /** Which relaxed int8 dot products / fused multiply-add XNNPACK's own check turned on. */
  relaxedKernels: { sdot: boolean; usdot: boolean; fma: boolean };
}

export interface ConvscopeModule {
  Model: typeof Model;
  buildInfo(): BuildInfo;
  /** The methods, their options and the enums, as the core describes them (a fresh copy). */
  catalog(): Catalog;
  /**
   * Runs the models loaded from now on on `threads` threads (the caller's included). Throws past
   * maxThreads. In Node the workers never keep the process alive.
   */
  setThreads(threads: number): void;
  /** Stops the thread pool and Emscripten's workers; the module then runs on one thread. */
  exitThreads(): void;
  /** Bytes currently allocated in the wasm heap (malloc's count), for leak checks. */
  heapInUse(): number;
  /**
   * Draws a map (an Explanation, or any {map, width, height} over the model's input) on the
   * original picture at its own size, through the region `resize` took the input from: a heatmap
   * (colormap, default 'jet', with opacity `alpha`, default 0.5), or with `mask` the picture where
   * the map is at least `threshold` (default 0.5) and black elsewhere (the classic occlusion view).
   */
  overlay(
    image: ImageInput,
    map: { map: Float32Array; width: number; height: number },
    options?: { resize?: ResizeMode; colormap?: Colormap; alpha?: number; mask?: boolean; threshold?: number },
  ): { width: number; height: number; data: Uint8ClampedArray };
  /** The picture as RGBA pixels (decoded with the same checks as Model.run). */
  decodeImage(image: ImageInput): { width: number; height: number; data: Uint8ClampedArray };
  /** The sanity check's Spearman rank correlation of two maps of the same size. */
  spearmanCorrelation(a: Float32Array, b: Float32Array): number;
  /** A dark `width`-wide strip with the text in a built-in pixel font (14 * scale rows). */
  caption(text: string, width: number, scale?: number): { width: number; height: number; data: Uint8ClampedArray };
  /**
   * model_convert's conversion of a Keras file — a .keras archive, a .h5 from model.save, or
   * VGG16's weights-only .h5 — into a model file's bytes, reading the file through `hdf5` (set it
   * first: web/src/hdf5_reader.js over h5wasm, where `path` is a path in h5wasm's file system).
   * preprocessing: default inferred from the model (`preprocessingInferred` false: a default the
   * user should confirm, rescale); inputSize: [height, width] for an input of free size;
   * onProgress(fraction, {elapsedMs, remainingMs}) may return false to cancel. Errors name the
   * file, layer and weight, or what convscope cannot run and why.
   */
  convertKeras(
    path: string,
    options?: {
      precision?: Precision;
      preprocessing?: Exclude<PreprocessingMode, 'custom'>;
      inputSize?: [number, number];
      notop?: boolean;
      onProgress?: (fraction: number, time: { elapsedMs: number; remainingMs: number }) => boolean | void;
    },
  ): {
    bytes: Uint8Array;
    name: string;
    precision: string;
    params: number;
    layout: string;
    architecture: string;
    preprocessing: PreprocessingMode;
    /** How the preprocessing was chosen. */
    preprocessingNote: string;
    preprocessingInferred: boolean;
    /** [height, width] the model runs at: its own, or for a free one `inputSize` (default 224). */
    inputSize: [number, number];
    /** Which of height and width the model leaves free (Keras' None). */
    freeInputSize: [boolean, boolean];
  };
  /** A copy of a model file whose preprocessing is `mode` (the weights unchanged). */
  withPreprocessing(bytes: Uint8Array | ArrayBuffer, mode: Exclude<PreprocessingMode, 'custom'>): Uint8Array;
  /**
   * A copy of a model file with the class names in `text` (one per line, a JSON list, or Keras'
   * class index), one per class of the model; `what` (e.g. the file's name) names it in messages.
   */
  withLabels(bytes: Uint8Array | ArrayBuffer, text: string, what?: string): Uint8Array;
  /** The HDF5 reader convertKeras uses (an Hdf5Reader of web/src/hdf5_reader.js). */
  hdf5?: object;
  Conv2d: typeof Conv2d;
  ConvscopeError: typeof ConvscopeError;
  /** The message of the last failed tryX call. */
  lastError(): string;
  HEAPU8: Uint8Array;
}

export interface ConvscopeModuleOptions {
  /** The .wasm bytes, when the host loads them itself (e.g. Node without fetch). */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** Maps 'convscope-web.wasm' (threaded builds: also '<name>.worker.js') to the URL it is served from. */
  locateFile?: (path: string, prefix: string) => string;
  /**
   * Instantiates the wasm in place of the module (Emscripten's hook, as web/src/worker.js does
   * from a Blob or a URL): call `done` with the instance and its module, return {}.
   */
  instantiateWasm?: (
    imports: WebAssembly.Imports,
    done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
  ) => object;
  /** Threaded builds loaded from elsewhere than their own URL: the module's URL, for its thread workers. */
  mainScriptUrlOrBlob?: string | Blob;
  /** Threaded builds: the workers started with the module (setThreads accepts up to this + 1). */
  convscopePoolSize?: number;
}

export default function createConvscopeModule(options?: ConvscopeModuleOptions): Promise<ConvscopeModule>;
