// Which of a model's layers each view, widget attribute and CLI option can use, chosen by what the
// layers are — the summary rows' `spatial`, `hasFilters` and `category`, from the core's layer-kind
// table (the catalog's layerKinds), and the model's own `camLayer` and `head` — never by Keras
// class name: a user's model has BatchNormalization, Activation, SeparableConv2D, ... where VGG16
// had only Conv2D. Shared by the page, the widget and the CLI (no DOM here).

/** @typedef {import('../../wasm/convscope').SummaryRow} SummaryRow */
/** @typedef {import('../../wasm/convscope').ModelInfo} ModelInfo */

// The layers with feature maps (a height x width x channels output): feature maps, Grad-CAM and
// its kin, filter maximization. The input layer is the picture itself, not a map.
/** @param {SummaryRow[]} rows */
export const spatialLayers = (rows) => rows.filter((r) => r.spatial && r.category !== 'Data').map((r) => r.name);

// The layers whose kernel draws as filters (Conv2D, SeparableConv2D's depthwise kernel).
/** @param {SummaryRow[]} rows */
export const filterLayers = (rows) => rows.filter((r) => r.hasFilters).map((r) => r.name);

// The layers activation maximization takes: any with feature maps (a filter), and the class layer
// (a class).
/** @param {SummaryRow[]} rows @param {ModelInfo} info */
export function maximizeLayers(rows, info) {
  const layers = spatialLayers(rows);
  const head = info.head?.kind !== 'none' ? info.head?.layer : null;
  return head && !layers.includes(head) ? [...layers, head] : layers;
}

// The layer the Layer, Filters and Features views start on: the first with filters (the first
// convolution), else the first with feature maps, else the first.
/** @param {SummaryRow[]} rows */
export const firstLayer = (rows) => filterLayers(rows)[0] ?? spatialLayers(rows)[0] ?? rows[0]?.name;

// The layer Maximize starts on: a convolution a quarter of the way down (VGG16's block2_conv2),
// whose filters look for patterns a student can name (stripes and edges at an angle, curves); the
// first convolutions answer to brightness, and their pictures are flat. So are those of 1 x 1
// convolutions (a ResNet's shortcuts and bottlenecks, MobileNet's expansions), which only mix
// channels: the count goes over the others where a model has any (ResNet50's
// conv3_block1_2_conv).
/** @param {SummaryRow[]} rows */
export function maximizeDefaultLayer(rows) {
  const wide = rows.filter((r) => r.hasFilters && (!r.kernel || r.kernel[0] * r.kernel[1] > 1)).map((r) => r.name);
  const layers = wide.length > 0 ? wide : filterLayers(rows);
  return layers[Math.floor((layers.length - 1) / 4)] ?? firstLayer(rows);
}

// The layer Grad-CAM and its kin look at unless told: the model's own choice (the last layer with
// feature maps before the flatten or global pooling), else the last layer with feature maps.
/** @param {SummaryRow[]} rows @param {ModelInfo} info */
export const defaultCamLayer = (rows, info) => info.camLayer ?? spatialLayers(rows).at(-1);

// How many classes the model tells apart (a binary sigmoid head: two, from its one unit).
/** @param {ModelInfo} info */
export const classCount = (info) => info.head?.classes ?? info.outputShape.at(-1);

// The name of class `i`: the model's label, or "class i" for a model without labels.
/** @param {ModelInfo} info @param {number} i */
export const classLabel = (info, i) => info.labels[i] ?? `class ${i}`;

// Whether the model sees pictures in gray (an H x W x 1 input).
/** @param {ModelInfo} info */
export const isGrayscale = (info) => info.inputShape.at(-1) === 1;
