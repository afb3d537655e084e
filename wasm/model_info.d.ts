// What a loaded model says about itself (Model.info(), Model.summary()): part of convscope's
// JavaScript surface, imported by wasm/convscope.d.ts and inlined into each module's declaration
// (scripts/write_declarations.mjs).
import type { HeadKind, LayerCategory, Precision, PreprocessingMode } from './catalog';

/**
 * The module builds (cmake/WasmModules.cmake): baseline wasm SIMD or relaxed SIMD, on one thread or
 * on a pool of threads (-mt).
 */
export type Variant = 'baseline' | 'relaxed' | 'baseline-mt' | 'relaxed-mt';

/** A layer as the summary lists it, with what its kind is (the catalog's layerKinds). */
export interface SummaryRow {
  name: string;
  /** Its Keras class, as the file names it ('ReLU', 'Dropout'). */
  type: string;
  /** Its kind: the first of the kind's kerasClasses ('Activation' for a ReLU). */
  kind: string;
  category: LayerCategory;
  /** A height x width x channels output: feature maps, Grad-CAM, filter maximization. */
  spatial: boolean;
  /** Its kernel draws as filters. */
  hasFilters: boolean;
  /** Its kernel's height and width, where it has filters. */
  kernel?: [number, number];
  /** The activation that follows it (Conv2D, Dense, ...) or that it is (Activation, ReLU, ...). */
  activation?: string;
  outputShape: number[];
  /** The layers it reads, by name (the layer before it in a chain; none for the input). */
  inputs: string[];
  params: number;
  trainableParams: number;
}

export interface ModelSummary {
  name: string;
  rows: SummaryRow[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  text: string;
}

export interface ModelInfo {
  name: string;
  precision: Precision;
  fileSize: number;
  params: number;
  inputShape: number[];
  outputShape: number[];
  labels: string[];
  preprocessing: {
    mode: PreprocessingMode;
    channelOrder: 'RGB' | 'BGR';
    scale: number;
    mean: number[];
    std: number[];
  };
  /** Where the model came from (file, layout, keras_version, preprocessing: how it was chosen, ...). */
  source: Record<string, string | boolean>;
  /**
   * What the output means: scores and probabilities of `classes` classes (a binary head: two,
   * from its one unit), from layer `layer` (null when the output is not a vector of classes).
   */
  head: { kind: HeadKind; classes: number; layer: string | null };
  /** The layer Grad-CAM and its kin default to (null when no layer has feature maps). */
  camLayer: string | null;
  converter: { name: string; version: string };
  /** The module build that runs this model (see BuildInfo). */
  variant: Variant;
  /** The threads XNNPACK runs this model's layers on (1: the calling thread only). */
  threads: number;
}
