// Appended to the Emscripten module (--post-js). The C++ side never throws (an exception crossing
// wasm frames leaks Emscripten's stack); a fallible binding `tryX` returns null and records a
// message instead. Here every `tryX` gets a throwing twin `x` that raises a ConvscopeError with
// that message, so callers use ordinary try/catch. Keep in sync with convscope.d.ts.

class ConvscopeError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ConvscopeError';
  }
}
Module['ConvscopeError'] = ConvscopeError;

function throwingTwin(fallible) {
  return function (...args) {
    const result = fallible.apply(this, args);
    if (result === null) throw new ConvscopeError(Module['lastError']());
    return result;
  };
}

// Embind registers classes while the runtime starts, after this file has run.
addOnPostRun(() => {
  const conv2d = Module['Conv2d'];
  conv2d['create'] = throwingTwin(conv2d['tryCreate']);
  conv2d.prototype['run'] = throwingTwin(conv2d.prototype['tryRun']);
});
