// The widget's big files — the wasm build this browser runs and the default model — live beside
// its script rather than inside it, so that a tutorial's reader downloads one build, not both
// (docs/embedding.md). Served over http(s) they are fetched as they are (and compressed by the
// server); from file://, where a page cannot fetch the files beside it, each has a classic-script
// twin (NAME.js, written by the widget build) that carries it as base64.
import { blobOf } from './fetch_blob.js';
import { relaxedSimdWorks } from './relaxed_simd.js';

// Where this script was loaded from: set by the widget build's output intro (vite.config.js); the
// page's address when it cannot tell (the script inlined into the page), with an error that says
// where the files must be if they are not there.
/* global CONVSCOPE_SCRIPT_URL */
export const SCRIPT_URL = CONVSCOPE_SCRIPT_URL || document.baseURI;

// The files, by what they are (the widget build writes them under these names).
export const ASSETS = {
  baseline: 'convscope-web.wasm',
  relaxed: 'convscope-web-relaxed.wasm',
  model: 'convscope-default-model.bin',
};

const carried = new Map(); // name -> Promise<Blob>

// The asset `name` as a Blob; `what` names it in errors, with the address it was looked for at.
export function assetBlob(name, what) {
  const url = new URL(name, SCRIPT_URL).href;
  if (!url.startsWith('file:')) return blobOf(url, `${what} (${url}: it belongs beside convscope-widget.js)`);
  if (!carried.has(name)) {
    const loaded = new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = `${url}.js`;
      script.onload = () => {
        script.remove();
        const base64 = globalThis.ConvscopeAssets?.[name];
        if (base64 === undefined) reject(new Error(`${script.src} does not carry ${what}`));
        else resolve(blobOf(`data:application/octet-stream;base64,${base64}`, what));
        delete globalThis.ConvscopeAssets?.[name]; // the Blob holds the bytes now
      };
      script.onerror = () => {
        script.remove();
        reject(new Error(`could not load ${what}: ${script.src} is missing (copy it beside ${SCRIPT_URL})`));
      };
      document.head.append(script);
    });
    carried.set(name, loaded);
    loaded.catch(() => carried.delete(name)); // a later widget may retry
  }
  return carried.get(name);
}

// The single-threaded wasm build this browser runs, as {baseline} or {relaxed} for the worker: the
// relaxed-SIMD one where the engine passes the self-test (the worker makes the same test).
export async function wasmBuild() {
  const kind = relaxedSimdWorks() ? 'relaxed' : 'baseline';
  return { [kind]: await assetBlob(ASSETS[kind], `the ${kind} wasm build`) };
}
