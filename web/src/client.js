// The page's side of the worker protocol (protocol.js): requests as promises, progress and
// partial results as callbacks, and cancel = terminate the worker, start a fresh one and replay
// what it had loaded (model, image), so the page stays usable after any cancel.
import { READY } from './protocol.js';

// What a fresh worker must redo, in this order, to be where the cancelled one was.
const REPLAYED = ['loadModel', 'setImage', 'run'];

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

export class WorkerClient {
  // createWorker(): a new Worker; wasm: bytes or URL handed to the worker's init.
  constructor(createWorker, wasm) {
    this.createWorker = createWorker;
    this.wasm = wasm;
    this.nextId = 1;
    this.pending = new Map();
    this.replay = new Map();  // op -> args of the last loadModel / setImage / run
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
    const booted = new Promise((resolve) => { this.pending.set(0, { resolve, reject: resolve }); });
    return booted.then(() => this.send('init', { wasm: this.wasm }))
      .then(async () => {
        for (const op of REPLAYED) if (this.replay.has(op)) await this.send(op, this.replay.get(op));
      });
  }

  receive({ id, result, error, progress, remainingMs, partial }) {
    const p = this.pending.get(id);
    if (!p) return;
    if (progress !== undefined) return p.onProgress?.(progress, remainingMs);
    if (partial !== undefined) return p.onPartial?.(partial);
    this.pending.delete(id);
    if (error !== undefined) p.reject(new Error(error));
    else p.resolve(id === 0 ? READY : result);
  }

  send(op, args, { onProgress, onPartial } = {}) {
    const id = this.nextId++;
    const promise = new Promise((resolve, reject) => this.pending.set(id, { resolve, reject, onProgress, onPartial }));
    this.worker.postMessage({ id, op, args });
    promise.id = id;
    return promise;
  }

  // A request after the worker is ready. Loads (model, image, run) are remembered for replay.
  async request(op, args, callbacks) {
    await this.ready;
    const result = await this.send(op, args, callbacks);
    if (op === 'loadModel') this.replay.delete('run');
    if (REPLAYED.includes(op)) this.replay.set(op, args);
    return result;
  }

  // Stops whatever the worker is doing: every pending request fails with CancelledError.
  cancel() {
    this.worker.terminate();
    for (const [id, p] of this.pending) if (id !== 0) p.reject(new CancelledError());
    this.pending.clear();
    this.ready = this.start();
    return this.ready;
  }
}
