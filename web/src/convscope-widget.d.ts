// The <conv-scope> element of dist/convscope-widget.js (classic script: window.ConvScope) and
// dist/convscope-widget.mjs (ES module). See docs/embedding.md.

export interface ConvScopePrediction {
  index: number;
  label: string;
  probability: number;
  logit: number;
}

export declare class ConvScopeElement extends HTMLElement {
  /** The model's info ({name, precision, params, inputShape, labels, ...}) once loaded, else null. */
  readonly model: Record<string, unknown> | null;
  /** Loads what the attributes name (if not yet) and draws the view; resolves when drawn. */
  run(): Promise<void>;
  /** The view's main figure as PNG. */
  exportPNG(): Promise<Blob>;
  /** How many model files all widgets of the page have loaded (each URL once). */
  static readonly stats: { modelLoads: number };
}

declare global {
  interface HTMLElementTagNameMap {
    'conv-scope': ConvScopeElement;
  }
  interface HTMLElementEventMap {
    'convscope-ready': CustomEvent<void>;
    'convscope-result': CustomEvent<{ view: string; predictions: ConvScopePrediction[] }>;
    'convscope-error': CustomEvent<{ message: string }>;
  }
}
