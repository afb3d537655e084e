// What a view (views/*.js) is given to draw itself, the ViewContext: the selection, the image on
// show, the worker requests, and how to change the selection; and what views and both front ends
// share about it (the selection's defaults, scaleFor; which layers a view can use: model_layers.js). The page (main.js) makes one for
// its whole visit, its state set by its controls and its link; the widget (widget.js) one per
// drawing, its state read from its attributes. Views draw from it and change the selection only
// through set(), so the same view works in both.

/** @typedef {import('../../wasm/convscope').ModelInfo} ModelInfo */
/** @typedef {import('../../wasm/convscope').ModelSummary} ModelSummary */

/**
 * The selection a view draws. The methods' and activation maximization's options (the catalog's,
 * by name: samples, patch, preset, steps, ...) are set only where the reader chose them; the core's
 * defaults apply otherwise.
 * @typedef {import('../../wasm/convscope').MethodOptions & import('../../wasm/convscope').MaximizeOptions
 *   & ViewSelection} ViewState
 */
/**
 * @typedef {object} ViewSelection
 * @property {{ info: ModelInfo, summary: ModelSummary }} [model] the loaded model (views are drawn
 *   only once there is one)
 * @property {{ predictions: { index: number, label: string, probability: number }[],
 *   precision: import('../../wasm/convscope').Precision, totalMs: number,
 *   unlike: import('../../wasm/convscope').RunResult['unlike'],
 *   input?: { width: number, height: number, data: Uint8ClampedArray } }} [run] the current image's
 *   run through the model (views that need an image are drawn only once there is one); `input`: a
 *   grayscale model's input, as it saw the picture (Model.inputPicture)
 * @property {number | string} [imageIndex] which image is on show: part of every cached result's key
 * @property {import('../../wasm/convscope').ResizeMode} resize how the image is brought to the input size
 * @property {import('../../wasm/convscope').Precision} [precision] the widget's precision attribute
 *   (the page runs the model file's)
 * @property {number} opacity the heatmaps' opacity over the picture, 0 to 1
 * @property {number} threshold occlusion's masked view: the picture where the map is at least this,
 *   on the map's normalized scale (0 to 1; the view says it in the map's units)
 * @property {string} [method] the Explain view's method (the catalog's names)
 * @property {number} [classIndex] the class explained; undefined: the top-1
 * @property {string} [layer] the layer the Layer, Filters, Features and Architecture views show
 * @property {string} [camLayer] the layer of methods that take one (Grad-CAM); undefined: the core's
 *   default, the model's camLayer
 * @property {string} [maxLayer] the Maximize view's layer
 * @property {string} [units] the Maximize view's filters or classes, as typed ("0,1,2,3")
 * @property {number} [channel] the Filters view's input channel (layers not on RGB)
 * @property {import('../../wasm/convscope').Normalization} [normalize] the Features view's scaling: each
 *   map or the whole layer
 * @property {import('../../wasm/convscope').Colormap} [colormap] the Features view's colormap
 * @property {string} [left] the Compare view's left method
 * @property {string} [right] the Compare view's right method
 * @property {string} [rankBy] the metric Compare ranks the methods by
 */

/**
 * A request to the worker that owns the wasm module (protocol.js; the ops are worker.js's), on the
 * context's model and image unless `args` names others. Resolves to the worker's answer.
 * @callback ViewRequest
 * @param {string} op
 * @param {Record<string, any>} args
 * @param {import('./protocol.js').RequestCallbacks & {
 *   label?: string, stall?: import('./protocol.js').Stall, worker?: number }} [options] label: what the
 *   page's progress bar says (default: the op); stall: see WorkerClient.send; worker: which of the
 *   page's workers runs it (0: its own; 1, ...: its extra ones, where it has that many; the widget has
 *   one), so that requests made together run side by side
 * @returns {Promise<any>}
 */

/**
 * @typedef {object} ViewContext
 * @property {ViewState} state the selection
 * @property {{ width: number, height: number, data: Uint8ClampedArray } | null} picture the
 *   current image as the worker decoded it (its display copy), RGBA; what maps are drawn over (in
 *   gray for a grayscale model)
 * @property {{ width: number, height: number, data: Uint8ClampedArray } | null} [original] the same
 *   in colour, where `picture` is gray
 * @property {Map<string, any>} cache results for the current model and image by key (explain.js),
 *   emptied when either changes
 * @property {import('./jobs.js').Jobs} jobs long runs in flight, joined by a view drawn again
 * @property {ViewRequest} request
 * @property {(patch: Partial<ViewState>) => void} set changes the selection and draws again (the
 *   page also saves it in its link; an interactive widget in its attributes)
 * @property {() => void} saveHash saves a change made without drawing again (a slider) in the page's
 *   link; nothing in the widget
 * @property {(e: any) => void} showError shows what went wrong (a cancel is not an error)
 * @property {boolean} [autoRun] run the methods of many passes at once, without a Run press
 *   (the widget: its view is what its author asked for)
 * @property {import('./worker_team.js').WorkerTeam} [team] the page's extra workers, if any
 * @property {boolean} [saysWhatModelKnows] the context says what the model knows once, where it
 *   is always in sight (the page's header); views then do not repeat it
 * @property {string} [f32Advice] how the reader gets a gradient map from f32 weights here (said
 *   under an int8 model's gradient maps)
 * @property {{ changePreprocessing: () => void, changeClassNames: () => void }} [modelActions] how
 *   the context changes the model's preprocessing and class names (the page's header buttons)
 * @property {string} [progressLine] where the context shows every request's progress with Cancel
 *   (the page: "progress and Cancel at the bottom of the window"); views then need not repeat it
 */

// The selection's defaults, the page's and the widget's. The masked view's threshold is on the
// map's normalized scale: on occlusion's signed one, 0.75 is half the largest drop (0.5 is zero).
/** @type {Pick<ViewState, 'resize' | 'opacity' | 'threshold'>} */
export const DEFAULT_STATE = { resize: 'keras', opacity: 0.5, threshold: 0.75 };

// The zoom, 1 to 4, that shows the maps of layer `name` at about 64 pixels.
/** @param {ViewState} state @param {string} name */
export function scaleFor(state, name) {
  const side = state.model.summary.rows.find((r) => r.name === name).outputShape[0];
  return Math.max(1, Math.min(4, Math.floor(64 / side)));
}
