// The catalog's part of convscope's JavaScript surface (wasm/catalog.h: the methods, their
// options and the enums, as `catalog()` returns them). wasm/convscope.d.ts imports it; the
// declarations the build writes beside each module include it (scripts/write_declarations.mjs).

/** coolwarm: diverging (blue, grey, red), for signed maps. */
export type Colormap = 'gray' | 'viridis' | 'jet' | 'coolwarm';
/** How a method's map reaches [0, 1] (the catalog's method `scale`). */
export type MapScale = 'zero' | 'signed';
/** How a feature-map grid scales its tiles: each map from its own range, or all from the layer's. */
export type Normalization = 'map' | 'layer';
export type Precision = 'f32' | 'int8';
export type ResizeMode = 'keras' | 'crop';
/** How pixels become the model's input (model_convert --preprocessing; the file stores it). */
export type PreprocessingMode = 'caffe' | 'tf' | 'torch' | 'rescale' | 'raw' | 'custom';
/** What a model's output means (wasm/model/head.h): where scores and probabilities come from. */
export type HeadKind = 'none' | 'softmax' | 'linear' | 'binary' | 'sigmoid';
/** Netron's layer categories, by which views colour and group layers. */
export type LayerCategory = 'Data' | 'Layer' | 'Activation' | 'Pool' | 'Normalization' | 'Dropout' | 'Shape' | 'Tensor';
/** The Keras activation functions convscope runs (the catalog's `activations`). */
export type ActivationName =
  | 'linear'
  | 'relu'
  | 'relu6'
  | 'leaky_relu'
  | 'sigmoid'
  | 'hard_sigmoid'
  | 'tanh'
  | 'softmax'
  | 'swish'
  | 'silu'
  | 'hard_swish'
  | 'hard_silu'
  | 'gelu'
  | 'elu'
  | 'selu'
  | 'softplus'
  | 'softsign'
  | 'exponential';

/** How the views colour and name a category (the catalog's `layerCategories`, wasm/layers/layer_category.h). */
export interface LayerCategoryInfo {
  name: LayerCategory;
  /** A CSS colour. */
  color: string;
  /** What the category holds, for a legend. */
  legend: string;
}

/** A kind of layer convscope runs (the catalog's `layerKinds`, wasm/layers/layer_kind.h). */
export interface LayerKind {
  /** Its own Keras class. */
  name: string;
  /** Every Keras class it reads ('Activation', 'ReLU', 'LeakyReLU', ...). */
  kerasClasses: string[];
  category: LayerCategory;
  description: string;
  /** Its kernel draws as filters (filterGrid). */
  hasFilters: boolean;
  /** An activation follows its computation (Conv2D, Dense, SeparableConv2D). */
  hasActivation: boolean;
  hasWeights: boolean;
}

/** The explanation methods (the core's catalog: `catalog().methods`; a test keeps these equal). */
export type Method =
  | 'saliency'
  | 'smoothgrad'
  | 'guided'
  | 'gradcam'
  | 'guided-gradcam'
  | 'gradcam-plus-plus'
  | 'hirescam'
  | 'xgradcam'
  | 'layercam'
  | 'scorecam'
  | 'ablationcam'
  | 'eigencam'
  | 'ig'
  | 'input-x-gradient'
  | 'occlusion';
/** The methods whose passes can be split over workers (the catalog's `splits`). */
export type SplitMethod = 'smoothgrad' | 'scorecam' | 'ablationcam' | 'ig' | 'occlusion';

/**
 * The methods' own options, each with its catalog default and range (`catalog()`); a method
 * ignores the others' options, so one object can serve several methods. A value of the wrong type
 * or out of range is a ConvscopeError naming the option, what it takes and the value given.
 */
export interface MethodOptions {
  /**
   * saliency, guided, guided-gradcam: clip the input-gradient map at its 99th percentile before
   * scaling; default false.
   */
  clip99?: boolean;
  /** smoothgrad: noisy copies (default 25); ig: steps (default 50); 1 to 1000. */
  samples?: number;
  /** smoothgrad: sigma as a fraction of the input's range, 0 to 10; default 0.15. */
  noise?: number;
  /** smoothgrad: the noise seed, 0 to 4294967295; default 1. */
  seed?: number;
  /** ig: default 'black'. */
  baseline?: 'black' | 'blur';
  /** occlusion: patch side and step in input pixels (defaults 15 and 8). */
  patch?: number;
  stride?: number;
  /** occlusion: the patch's value after preprocessing, ±1e6; default 0 (the mean pixel). */
  fill?: number;
  /** occlusion: the drop in the class probability (default) or in its logit. */
  score?: 'probability' | 'logit';
  /** occlusion: recompute each occluded image whole instead of incrementally (to compare). */
  naive?: boolean;
}

/** The faithfulness metrics (the catalog's `metrics`; Model.measure). */
export type Metric = 'deletion' | 'insertion' | 'road-morf' | 'road-lerf' | 'confidence';

/** The metrics' own options, each with its catalog default and range. */
export interface MetricOptions {
  /** deletion, insertion: points on the curve (equal steps from none to all pixels), 3 to 1001; default 21. */
  points?: number;
  /** deletion: what deleted pixels become; insertion: what the picture starts as. Default 'black'. */
  baseline?: 'black' | 'blur';
  /** road-morf, road-lerf: percent of the pixels between the curve's points (10: 10%, 20%, ... 90%), 1 to 50; default 10. */
  percentStep?: number;
  /** road-morf, road-lerf: standard deviation of the noise on imputed pixels, in pixel levels (0-255), 0 to 64; default 0.6. */
  imputationNoise?: number;
  /** The random map's seed (road-morf, road-lerf: and the noise's), 0 to 4294967295; default 1. */
  seed?: number;
}

/** An option of a method, as the catalog describes it. */
export interface OptionDescription {
  name: keyof MethodOptions | keyof MaximizeOptions | keyof MetricOptions;
  type: 'integer' | 'number' | 'boolean' | 'choice';
  help: string;
  /** '' when the value has none. */
  unit: string;
  default: number | boolean | string;
  /** integer and number options (inclusive). */
  min?: number;
  max?: number;
  /** choice options. */
  choices?: string[];
}

/** Activation maximization's options (the catalog's `maximize.options`; a test keeps these equal). */
export interface MaximizeOptions {
  /** 'smooth' (default), 'keras-vis' or 'lucid'. */
  preset?: 'smooth' | 'keras-vis' | 'lucid';
  /** Steps of gradient ascent, 0 to 10000; 0 (default): the preset's, 200 or 256. */
  steps?: number;
  /** The starting noise's and the jitter's seed, 0 to 4294967295; default 1. */
  seed?: number;
}

/** What the core offers, described once: the page, the widget and the CLI are built from it. */
export interface Catalog {
  methods: {
    name: Method;
    label: string;
    help: string;
    /** What the map's values are, for legends. */
    value: string;
    /**
     * How the map reaches [0, 1]: 'zero' (values >= 0; 0 is zero, 1 the largest) or 'signed' (0.5
     * is zero, 0 and 1 the largest magnitude below and above it: draw with a diverging colormap).
     */
    scale: MapScale;
    needsLayer: boolean;
    /** Many passes: front ends run these on request. */
    rerunsForward: boolean;
    usesGradients: boolean;
    /** Its passes can be split into parts (explain's part/parts). */
    splits: boolean;
    options: (OptionDescription & { name: keyof MethodOptions })[];
  }[];
  metrics: {
    name: Metric;
    label: string;
    help: string;
    /** What the score is, for legends and reports. */
    score: string;
    /** Whether a more faithful map scores lower (deletion, road-morf, confidence) or higher (insertion, road-lerf). */
    lowerIsBetter: boolean;
    /** What a curve's probabilities are plotted against; '' when the metric is no curve. */
    x: string;
    options: (OptionDescription & { name: keyof MetricOptions })[];
  }[];
  /** Activation maximization's options (Model.maximize). */
  maximize: { options: (OptionDescription & { name: keyof MaximizeOptions })[] };
  /** The layer kinds, in the core's order. */
  layerKinds: LayerKind[];
  layerCategories: LayerCategoryInfo[];
  activations: ActivationName[];
  enums: {
    precision: Precision[];
    resize: ResizeMode[];
    colormap: Colormap[];
    mapScale: MapScale[];
    normalize: Normalization[];
    preprocessing: PreprocessingMode[];
    channelOrder: string[];
    head: HeadKind[];
  };
}
