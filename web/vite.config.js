// Two builds of the page from the same ES-module sources (web/src):
//   vite build --mode single  dist/convscope.html: one file with the JS, the wasm, the default model
//                             and the samples inlined; works from file:// (classic scripts, the
//                             worker from a Blob URL, assets as data: URLs).
//   vite build --mode site    dist/site/: the same page with the worker, the wasm, the model and the
//                             samples as separate files (the wasm compiles while it downloads), for
//                             hosting; the Keras reader (h5wasm, 4 MB) is a chunk the worker loads
//                             only when a .h5 is opened.
//   vite build --mode widget  dist/convscope-widget.js (classic script) and .mjs (ES module): the
//                             <conv-scope> element; beside it the wasm builds and the default
//                             model (each also as a .js for file://), of which a browser loads
//                             the build it runs; and dist/convscope-keras.js, the Keras reader the
//                             widget's worker loads only when a widget names a Keras file.
import { copyFileSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { build, defineConfig } from 'vite';
import { viteSingleFile } from 'vite-plugin-singlefile';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(here, '../dist');

// Emscripten's modules locate their .wasm with `new URL('<name>.wasm', import.meta.url)`, which
// Vite would bundle a second time (and which is invalid inside a Blob worker). The worker hands
// each module its wasm itself (instantiateWasm), so that lookup is cut out. (The relaxed-SIMD
// module's glue is emcc's unminified -O0 output, hence the optional space.)
const wasmLookup = {
  name: 'convscope-wasm-lookup',
  transform(code, id) {
    const name = /\/(convscope-web(?:-relaxed)?)\.mjs$/.exec(id)?.[1];
    if (!name) return null;
    const lookup = new RegExp(`new URL\\("${name}\\.wasm", ?import\\.meta\\.url\\)\\.toString\\(\\)`);
    if (!lookup.test(code)) this.error(`${id}: the wasm lookup to remove was not found`);
    return { code: code.replace(lookup, '""'), map: null };
  },
};

// The page imports its worker inlined (a Blob URL), which the single file needs; inlining makes it
// one classic script that carries h5wasm too. The hosted site loads the worker as an ES module file
// instead, so the Keras reader stays a chunk of its own.
const workerAsFile = {
  name: 'convscope-worker-as-file',
  enforce: 'pre',
  transform(code, id) {
    if (!id.endsWith('/web/src/main.js')) return null;
    const inline = "'./worker.js?worker&inline'";
    if (!code.includes(inline)) this.error(`${id}: the inlined worker import was not found`);
    return { code: code.replace(inline, "'./worker.js?worker'"), map: null };
  },
};

// The widget's Keras reader (web/src/keras_reader.js) as one classic script for importScripts in
// the widget's worker (a worker from a blob: URL under the widget's CSP cannot import a module
// chunk the way the site's worker does), built after the widget.
const widgetKerasReader = {
  name: 'convscope-widget-keras-reader',
  async closeBundle() {
    await build({
      configFile: false,
      root: here,
      logLevel: 'warn',
      // h5wasm's Emscripten glue reads import.meta.url only to find files it does not need (its
      // wasm is inlined); a classic script has no import.meta, as the single file's worker.
      define: { 'import.meta.url': 'undefined' },
      build: {
        outDir: dist,
        emptyOutDir: false,
        reportCompressedSize: false,
        chunkSizeWarningLimit: 8192,
        lib: { entry: path.join(here, 'src/keras_reader.js'), formats: ['iife'], name: 'ConvscopeKeras' },
        rolldownOptions: { output: { entryFileNames: 'convscope-keras.js' } },
      },
    });
  },
};

// The widget's big files beside its script (web/src/widget_assets.js): both single-threaded wasm
// builds and the default model, each also as a classic script carrying it in base64 for pages
// opened from file://. A reader's browser fetches one build.
const widgetAssets = {
  name: 'convscope-widget-assets',
  closeBundle() {
    const assets = {
      'convscope-web.wasm': '../build/wasm/convscope-web.wasm',
      'convscope-web-relaxed.wasm': '../build/wasm/convscope-web-relaxed.wasm',
      'convscope-default-model.bin': 'models/default.bin',
    };
    for (const [name, source] of Object.entries(assets)) {
      const from = path.join(here, source),
        to = path.join(dist, name);
      copyFileSync(from, to);
      const base64 = readFileSync(from).toString('base64');
      writeFileSync(`${to}.js`, `(globalThis.ConvscopeAssets ??= {})[${JSON.stringify(name)}] = "${base64}";\n`);
    }
  },
};

export default defineConfig(({ mode }) => {
  const single = mode === 'single';
  if (mode === 'widget') {
    return {
      root: here,
      logLevel: 'warn',
      // The Keras reader (h5wasm, 4 MB) stays out of the widget: its worker loads convscope-keras.js
      // from beside the script when a widget names a Keras file.
      define: { 'import.meta.env.CONVSCOPE_KERAS': 'false', 'import.meta.env.CONVSCOPE_THREADS': 'false' },
      worker: { format: 'iife', plugins: () => [wasmLookup] },
      plugins: [widgetKerasReader, widgetAssets],
      build: {
        outDir: dist,
        emptyOutDir: false,
        reportCompressedSize: false,
        lib: { entry: path.join(here, 'src/widget.js') },
        // A classic script and an ES module, each knowing its own URL (the widget looks for its
        // optional threaded builds beside it): import.meta.url is not valid in a classic script,
        // where document.currentScript, read while the script runs, says the same.
        rolldownOptions: {
          output: [
            {
              format: 'iife',
              name: 'ConvScope',
              entryFileNames: 'convscope-widget.js',
              intro: 'var CONVSCOPE_SCRIPT_URL = document.currentScript && document.currentScript.src;',
            },
            {
              format: 'es',
              entryFileNames: 'convscope-widget.mjs',
              intro: 'var CONVSCOPE_SCRIPT_URL = import.meta.url;',
            },
          ],
        },
      },
    };
  }
  return {
    root: here,
    base: './',
    logLevel: 'warn',
    server: { fs: { allow: [path.resolve(here, '..')] } },
    // The threaded builds need a served, cross-origin isolated page: the single file never is.
    define: { 'import.meta.env.CONVSCOPE_KERAS': 'true', 'import.meta.env.CONVSCOPE_THREADS': String(!single) },
    worker: { format: single ? 'iife' : 'es', plugins: () => [wasmLookup] },
    build: {
      outDir: single ? path.join(dist, 'single') : path.join(dist, 'site'),
      emptyOutDir: true,
      assetsInlineLimit: single ? Number.MAX_SAFE_INTEGER : 0,
      chunkSizeWarningLimit: 8192,
      reportCompressedSize: false,
    },
    plugins: single
      ? [
          viteSingleFile({ removeViteModuleLoader: true }),
          {
            name: 'convscope-single-file-name',
            closeBundle() {
              renameSync(path.join(dist, 'single', 'index.html'), path.join(dist, 'convscope.html'));
              rmSync(path.join(dist, 'single'), { recursive: true });
            },
          },
        ]
      : [workerAsFile],
  };
});
