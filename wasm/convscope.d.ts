// The JavaScript surface of convscope-web.mjs and convscope-node.cjs (wasm/bindings.cc plus
// wasm/module_api.js). Keep in sync with both.

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
  precision?: 'f32' | 'int8';
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
  readonly precision: 'f32' | 'int8';
  /** Input NHWC [height][width][inChannels]; returns a new NHWC array. Throws ConvscopeError. */
  run(input: Float32Array): Float32Array;
  /** Like run, but returns null on failure (message in lastError()). */
  tryRun(input: Float32Array): Float32Array | null;
  /** Frees the wasm memory held by this convolution. Use it exactly once. */
  delete(): void;
}

export interface ConvscopeModule {
  Conv2d: typeof Conv2d;
  ConvscopeError: typeof ConvscopeError;
  /** The message of the last failed tryX call. */
  lastError(): string;
  HEAPU8: Uint8Array;
}

export interface ConvscopeModuleOptions {
  /** The .wasm bytes, when the host loads them itself (e.g. Node without fetch). */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** Maps 'convscope-web.wasm' to the URL it is served from. */
  locateFile?: (path: string, prefix: string) => string;
}

export default function createConvscopeModule(
  options?: ConvscopeModuleOptions,
): Promise<ConvscopeModule>;
