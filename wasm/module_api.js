// Appended to the Emscripten module (--post-js): the JS side of the bindings' conventions.
//
// 1. Errors. The C++ side never throws (an exception crossing wasm frames leaks Emscripten's
//    stack); a fallible binding `tryX` returns null and records a message. Each gets a throwing
//    twin `x` here that raises a ConvscopeError with that message.
// 2. Views into wasm memory. Bindings describe heap memory as {byteOffset, length, dtype, shape};
//    here each becomes an object whose `data` getter builds a fresh typed array on every access,
//    so a view detached by memory growth is never handed out.
// Keep in sync with convscope.d.ts.

class ConvscopeError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ConvscopeError';
  }
}
Module['ConvscopeError'] = ConvscopeError;

function check(result) {
  if (result === null) throw new ConvscopeError(Module['lastError']());
  return result;
}

const HEAP_TYPES = { 'float32': Float32Array, 'int8': Int8Array };

// {byteOffset, length, dtype, shape, ...} -> the same with a `data` getter; `owner` is the Embind
// object the memory belongs to (reading after owner.delete() is an error, not garbage).
function heapView(ref, owner) {
  // (No destructuring: Emscripten 3.1.6's JS optimizer drops it.)
  const byteOffset = ref['byteOffset'];
  const length = ref['length'];
  const Type = HEAP_TYPES[ref['dtype']];
  delete ref['byteOffset'];
  delete ref['length'];
  return Object.defineProperty(ref, 'data', {
    enumerable: true,
    get() {
      if (owner.isDeleted()) throw new ConvscopeError('the model was released: load it again');
      return new Type(HEAPU8.buffer, byteOffset >>> 0, length);
    },
  });
}

// options.onProgress and options.onPartial are called from wasm: they must not throw (that would
// leak the wasm stack) and cancel the work by returning false. A throwing callback cancels too.
// onProgress also gets the time spent and an estimate of the time left, in milliseconds.
function safeCallbacks(options) {
  if (!options) return options;
  const onProgress = options['onProgress'],
    onPartial = options['onPartial'];
  const guard =
    (fn) =>
    (...args) => {
      try {
        return fn(...args) !== false;
      } catch {
        return false;
      }
    };
  const wrapped = Object.assign({}, options);
  if (typeof onProgress === 'function') {
    const start = Date.now();
    wrapped['onProgress'] = guard((fraction) => {
      const elapsedMs = Date.now() - start;
      const remainingMs = fraction > 0 ? (elapsedMs * (1 - fraction)) / fraction : NaN;
      return onProgress(fraction, { 'elapsedMs': elapsedMs, 'remainingMs': remainingMs });
    });
  }
  if (typeof onPartial === 'function') wrapped['onPartial'] = guard(onPartial);
  return wrapped;
}

// Embind registers classes while the runtime starts, after this file has run.
addOnPostRun(() => {
  const Conv2d = Module['Conv2d'];
  Conv2d['create'] = (options) => check(Conv2d['tryCreate'](options));
  Conv2d.prototype['run'] = function (input) {
    return check(this['tryRun'](input));
  };

  // Threads (threaded modules; elsewhere only 1 is accepted). setThreads(n) applies to models
  // loaded afterwards. exitThreads() stops the pool and Emscripten's workers; the module then
  // runs on one thread.
  Module['setThreads'] = (n) => {
    check(Module['trySetThreads'](n));
    // Node: the workers only ever run inside a call from this thread, so they must not keep the
    // process alive once it has nothing else to do.
    if (typeof PThread !== 'undefined' && ENVIRONMENT_IS_NODE) {
      for (const worker of PThread.unusedWorkers.concat(PThread.runningWorkers)) worker.unref();
    }
  };
  Module['exitThreads'] = () => {
    Module['trySetThreads'](1);
    if (typeof PThread !== 'undefined') PThread.terminateAllThreads();
    Module['convscopePoolSize'] = 0;
  };

  Module['overlay'] = (image, map, options) => check(Module['tryOverlay'](image, map, options));
  Module['spearmanCorrelation'] = (a, b) => check(Module['trySpearmanCorrelation'](a, b));
  Module['decodeImage'] = (image) => check(Module['tryDecodeImage'](image));
  Module['caption'] = (text, width, scale) => check(Module['tryCaption'](text, width, scale));
  // Needs module.hdf5 set to a reader of the file (web/src/hdf5_reader.js).
  Module['convertKeras'] = (path, options) => check(Module['tryConvertKeras'](path, safeCallbacks(options)));
  Module['withPreprocessing'] = (bytes, mode) => check(Module['tryWithPreprocessing'](bytes, mode));
  Module['withLabels'] = (bytes, text, what) => check(Module['tryWithLabels'](bytes, text, what));

  const Model = Module['Model'];
  const model = Model.prototype;
  Model['load'] = (bytes) => check(Model['tryLoad'](bytes));
  model['layerConfig'] = function (name) {
    return check(this['tryLayerConfig'](name));
  };
  model['run'] = function (image, options) {
    return check(this['tryRun'](image, options));
  };
  model['inputPicture'] = function () {
    return check(this['tryInputPicture']());
  };
  model['activation'] = function (name) {
    return heapView(check(this['tryActivation'](name)), this);
  };
  model['weights'] = function (name) {
    const weights = check(this['tryWeights'](name));
    for (const tensor of Object.values(weights)) {
      heapView(tensor, this);
      if (tensor['scales']) heapView(tensor['scales'], this);
    }
    return weights;
  };
  model['filterGrid'] = function (name, options) {
    return check(this['tryFilterGrid'](name, options));
  };
  model['featureMapGrid'] = function (name, options) {
    return check(this['tryFeatureMapGrid'](name, options));
  };
  model['explain'] = function (method, options) {
    return check(this['tryExplain'](method, safeCallbacks(options)));
  };
  model['combine'] = function (method, options, parts) {
    return check(this['tryCombine'](method, options, parts));
  };
  model['sanityCheck'] = function (method, options) {
    return check(this['trySanityCheck'](method, safeCallbacks(options)));
  };
  model['measure'] = function (metric, map, options) {
    return check(this['tryMeasure'](metric, map, safeCallbacks(options)));
  };
  model['measurePart'] = function (metric, map, options) {
    return check(this['tryMeasurePart'](metric, map, safeCallbacks(options)));
  };
  model['combineMeasurement'] = function (metric, map, options, parts) {
    return check(this['tryCombineMeasurement'](metric, map, options, parts));
  };
  model['maximize'] = function (options) {
    return check(this['tryMaximize'](safeCallbacks(options)));
  };
  model['release'] = function () {
    this.delete();
  };
});
