// The page's side of the worker protocol (protocol.js): requests as promises, progress and
// partial results as callbacks, and cancel = terminate the worker, start a fresh one and replay
// what it had loaded (models, images), so the page stays usable after any cancel. A request can
// also be given up when it stops reporting progress (a library looping on a damaged file), the
// same way. One client can serve many widgets.
import { READY } from './protocol.js';

// What a fresh worker must redo to be where the cancelled one was: every model and image load
// (runs are redone on demand by the worker).
const replayKey = (op, args) =>
  op === 'loadModel' ? `model:${args.model}` : op === 'setImage' ? `image:${args.image}` : null;

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

export class WorkerClient {
  // createWorker(): a new Worker; wasm: {baseline, relaxed} (Blobs or URLs) handed to the
  // worker's init, which picks one. `build` is then what the worker runs (its buildInfo()).
  constructor(createWorker, wasm) {
    this.createWorker = createWorker;
    this.wasm = wasm;
    this.nextId = 1;
    this.pending = new Map();
    this.replay = new Map(); // replayKey -> [op, args], in load order
    this.ready = this.start();
  }

  start() {
    this.worker = this.createWorker();
    this.worker.onmessage = ({ data }) => this.receive(data);
    this.worker.onerror = (e) => {
      e.preventDefault?.();
      for (const p of this.pending.values()) p.reject(new Error(`the worker failed: ${e.message ?? 'unknown error'}`));
      this.pending.clear();
    };
    const booted = new Promise((resolve, reject) => {
      this.pending.set(0, { resolve, reject });
    });
    const ready = booted
      .then(() => this.send('init', { wasm: this.wasm }))
      .then(async (build) => {
        this.build = build;
        for (const [op, args] of this.replay.values()) await this.send(op, args);
      });
    ready.catch(() => {}); // a cancelled boot is not an unhandled rejection; awaiters still see it
    return ready;
  }

  receive({ id, result, error, progress, remainingMs, partial }) {
    const p = this.pending.get(id);
    if (!p) return;
    p.heardAt = Date.now();
    if (progress !== undefined) return p.onProgress?.(progress, remainingMs);
    if (partial !== undefined) return p.onPartial?.(partial);
    this.pending.delete(id);
    if (error !== undefined) p.reject(new Error(error));
    else p.resolve(id === 0 ? READY : result);
  }

  // stall: {ms, message}: if the request, once it has reported progress, goes silent (no
  // progress, no partial result) for `ms`, the worker is restarted and the request fails with
  // Error(message). Before its first report a request may take any time (e.g. a download).
  /**
   * @param {string} op
   * @param {object} args
   * @param {import('./protocol.js').RequestCallbacks & { stall?: import('./protocol.js').Stall }} [callbacks]
   * @returns {Promise<any>}
   */
  send(op, args, { onProgress, onPartial, stall } = {}) {
    const id = this.nextId++;
    const promise = new Promise((resolve, reject) => this.pending.set(id, { resolve, reject, onProgress, onPartial }));
    this.worker.postMessage({ id, op, args });
    if (stall) this.watch(id, stall);
    return promise;
  }

  // Polls the time of the last report instead of re-arming a timer on each one.
  watch(id, { ms, message }) {
    const entry = this.pending.get(id);
    const watchdog = setInterval(
      () => {
        if (this.pending.get(id) !== entry) clearInterval(watchdog);
        else if (Date.now() - (entry.heardAt ?? Infinity) > ms) {
          clearInterval(watchdog);
          this.restart(id, new Error(message));
        }
      },
      Math.min(ms / 4, 1000),
    );
  }

  // A request after the worker is ready. Loads (model, image, run) are remembered for replay.
  async request(op, args, callbacks) {
    await this.ready;
    const result = await this.send(op, args, callbacks);
    const key = replayKey(op, args);
    if (key) this.replay.set(key, [op, args]);
    if (op === 'forget') {
      if (args.model !== undefined) this.replay.delete(`model:${args.model}`);
      if (args.image !== undefined) this.replay.delete(`image:${args.image}`);
    }
    return result;
  }

  // Stops whatever the worker is doing: every pending request fails with CancelledError.
  cancel() {
    return this.restart();
  }

  // Stops the worker for good: every pending request fails with CancelledError.
  dispose() {
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(new CancelledError());
    this.pending.clear();
    this.ready = Promise.reject(new CancelledError());
    this.ready.catch(() => {});
  }

  // A fresh worker in place of the current one; request `failedId` fails with `error`, any other
  // pending one (a boot too: what awaited it fails) with CancelledError.
  restart(failedId, error) {
    this.worker.terminate();
    for (const [id, p] of this.pending) p.reject(id === failedId ? error : new CancelledError());
    this.pending.clear();
    this.ready = this.start();
    return this.ready;
  }
}
