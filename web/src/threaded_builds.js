// The threaded builds' files, for a served page that is cross-origin isolated (the only kind of
// page a browser gives SharedArrayBuffer, hence threads). Only the site build has them: main.js
// imports this module behind import.meta.env.CONVSCOPE_THREADS, so the single file and the widget
// carry none of it. Each build is three files Emscripten wrote: the ES module (which the worker and
// every pthread worker import), the pthread workers' script, and the wasm.
import baselineGlue from '../../build/wasm/convscope-web-mt.mjs?url';
import baselineWasm from '../../build/wasm/convscope-web-mt.wasm?url';
import baselineWorker from '../../build/wasm/convscope-web-mt.worker.js?url';
import relaxedGlue from '../../build/wasm/convscope-web-relaxed-mt.mjs?url';
import relaxedWasm from '../../build/wasm/convscope-web-relaxed-mt.wasm?url';
import relaxedWorker from '../../build/wasm/convscope-web-relaxed-mt.worker.js?url';

const absolute = (url) => new URL(url, location.href).href;
const files = (glue, wasm, worker) => ({ glue: absolute(glue), wasm: absolute(wasm), worker: absolute(worker) });

export const threadedBuilds = {
  baseline: files(baselineGlue, baselineWasm, baselineWorker),
  relaxed: files(relaxedGlue, relaxedWasm, relaxedWorker),
};
