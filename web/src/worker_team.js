// More cores for pages that cannot run the threaded build (the single file from file://, any page
// that is not cross-origin isolated): extra workers, each with its own module instance and its
// own copy of the model. The methods that make many independent passes (SmoothGrad samples,
// integrated-gradients steps, occlusion positions) and the faithfulness metrics' perturbed copies
// are split: every worker makes its part (explain or measurePart {part, parts}) and the page's own
// worker combines them, bit for bit the undivided result (tests/js/parts.test.mjs); part 0, on the
// page's worker, passes on occlusion's first coarse map as early as one worker would. The sanity check's two maps, Compare's two panes and
// the Maximize view's units are made side by side.
//
// How many workers (teamSize): as many as the cores, while each one's memory fits in half of what
// the browser says the device has (navigator.deviceMemory, which browsers round down and cap at
// 8 GB; 4 GB where they do not say). A worker's peak is estimated from the model file: about 4.5x
// its size for the gradient methods' f32 pass (measured 590 MiB for int8 VGG16's 132 MB,
// docs/engine.md), plus the module and an image. At most MAX_WORKERS: browsers report at most 8 GB,
// and past 8 copies of the model the memory costs more than the cores win.
import { SPLIT_METHODS } from './catalog.js';
import { CancelledError } from './client.js';

export const MAX_WORKERS = 8;
const WORKER_BASE_BYTES = 48e6;

export function workerBytes(modelFileBytes) {
  return 4.5 * modelFileBytes + WORKER_BASE_BYTES;
}

// {modelFileBytes, cores, deviceMemoryGB} -> how many workers share a split method (at least 1).
export function teamSize({ modelFileBytes, cores, deviceMemoryGB }) {
  const budget = ((deviceMemoryGB ?? 4) * 1e9) / 2;
  const fit = Math.floor(budget / workerBytes(modelFileBytes));
  return Math.max(1, Math.min(Math.floor(cores ?? 1), MAX_WORKERS, fit));
}

export class WorkerTeam {
  // main: the page's WorkerClient; makeClient(): a new one (same worker script and wasm).
  // size(info): the number of workers for a model (its info()), e.g. by teamSize.
  constructor(main, makeClient, size) {
    this.main = main;
    this.makeClient = makeClient;
    this.size = size;
    this.helpers = []; // {client, loaded: Map(replay key -> {args, done: the load's promise})}
  }

  // How many workers the model with `info` may use (1 where the page's module has threads).
  available(info) {
    return this.main.build?.threads > 1 ? 1 : this.size(info);
  }

  // How many workers would run `method` on the model with `info` (1: not split).
  workersFor(method, info) {
    return SPLIT_METHODS.has(method) ? this.available(info) : 1;
  }

  // How many workers the page's request `op` with `args` runs on, for the model with `info`: split
  // methods and metrics on all, the sanity check's two maps side by side.
  workersForRequest(op, args, info) {
    if (op === 'explain') return this.workersFor(args.method, info);
    if (op === 'measure') return this.available(info);
    if (op === 'sanityCheck' && !args.options?.randomizedOnly) return Math.min(2, this.available(info));
    return 1;
  }

  // The page's worker and up to `workers` - 1 extra ones, each with the model and image of `args`
  // loaded. An extra worker that cannot load them (e.g. out of memory) leaves the team and the
  // work goes to fewer workers.
  async clientsFor(args, workers) {
    while (this.helpers.length < workers - 1) this.helpers.push({ client: this.makeClient(), loaded: new Map() });
    const helpers = this.helpers.slice(0, workers - 1);
    const loads = await Promise.allSettled(helpers.map((h) => this.bringUp(h, args)));
    for (const l of loads) if (l.status === 'rejected' && l.reason instanceof CancelledError) throw l.reason;
    const failed = helpers.filter((h, i) => loads[i].status === 'rejected');
    for (const h of failed) h.client.dispose();
    this.helpers = this.helpers.filter((h) => !failed.includes(h));
    return [this.main, ...helpers.filter((h) => !failed.includes(h)).map((h) => h.client)];
  }

  // The explain request `args` ({model, image, method, options, overlay}) on up to `workers`
  // workers: resolves to what the page's worker's explain would.
  /**
   * @param {any} args
   * @param {number} workers
   * @param {import('./protocol.js').RequestCallbacks} [callbacks]
   */
  async explain(args, workers, { onProgress, onPartial } = {}) {
    const clients = await this.clientsFor(args, workers);
    const parts = await inParts(clients, 'explainPart', args, { onProgress, onPartial });
    const combined = await this.main.request('combine', { ...args, parts: parts.map((p) => p.raw) });
    // Every part ran the same way; the combining made no run of its own to describe.
    const { computation } = parts[0];
    return computation ? { ...combined, computation } : combined;
  }

  // The measure request `args` ({model, image, metric, map, options}) on up to `workers` workers,
  // each making a share of the perturbed copies' passes: resolves to what the page's worker's
  // measure would, bit for bit.
  /**
   * @param {any} args
   * @param {number} workers
   * @param {import('./protocol.js').RequestCallbacks} [callbacks]
   */
  async measure(args, workers, { onProgress } = {}) {
    const clients = await this.clientsFor(args, workers);
    const parts = await inParts(clients, 'measurePart', args, { onProgress });
    return this.main.request('combineMeasurement', { ...args, parts });
  }

  // The sanity check request `args` on two workers: the original map on the page's worker while
  // an extra one makes the randomized copy's; the same result as the page's worker alone.
  /**
   * @param {any} args
   * @param {import('./protocol.js').RequestCallbacks} [callbacks]
   */
  async sanityCheck(args, { onProgress } = {}) {
    const [main, helper] = await this.clientsFor(args, 2);
    if (!helper) return main.request('sanityCheck', args, { onProgress });
    const progress = teamProgress(2, onProgress);
    const [original, r] = await Promise.all([
      main.request('explain', args, { onProgress: progress(0) }).then((o) => {
        progress(0)(1);
        return o;
      }),
      helper.request(
        'sanityCheck',
        { ...args, options: { ...args.options, randomizedOnly: true } },
        { onProgress: progress(1) },
      ),
    ]);
    const spearman = await main.request('spearman', { a: original.map, b: r.randomized.map });
    return { ...r, original, spearman };
  }

  // Any request on extra worker `index` (1, 2, ...), so that independent requests (Compare's two
  // panes) run side by side; on the page's worker when that extra one could not be brought up.
  async elsewhere(index, op, args, callbacks) {
    const clients = await this.clientsFor(args, index + 1);
    return (clients[index] ?? this.main).request(op, args, callbacks);
  }

  // Loads into a helper the model and image (if any: maximization needs none) the page's worker
  // has for `args`, unless it has them or is loading them.
  async bringUp(helper, { model, image }) {
    for (const key of [`model:${model}`, `image:${image}`]) {
      const entry = this.main.replay.get(key);
      if (!entry && key.startsWith('image:')) continue;
      if (!entry) throw new Error(`the page's worker has no ${key.replace(':', ' ')}`);
      let load = helper.loaded.get(key);
      if (load?.args !== entry[1]) {
        load = { args: entry[1], done: helper.client.request(...entry) };
        helper.loaded.set(key, load);
        load.done.catch(() => {
          if (helper.loaded.get(key) === load) helper.loaded.delete(key);
        });
      }
      await load.done;
    }
  }

  // The image `image` (a key) is gone: the extra workers drop their copies of it.
  forget(image) {
    for (const h of this.helpers) {
      if (!h.loaded.delete(`image:${image}`)) continue;
      h.client.request('forget', { image }).catch(() => {});
    }
  }

  // Stops and drops every extra worker (cancel, a new model): each pending part fails with
  // CancelledError.
  dismiss() {
    for (const { client } of this.helpers) client.dispose();
    this.helpers = [];
  }

  // Extra workers alive (tests check that none is left).
  get workerCount() {
    return this.helpers.length;
  }
}

// `op` on every one of `clients` with its part of the work of `args` (options.part and parts), in
// part order; part 0 passes on partial results.
/**
 * @param {any[]} clients
 * @param {string} op
 * @param {any} args
 * @param {import('./protocol.js').RequestCallbacks} callbacks
 */
function inParts(clients, op, args, { onProgress, onPartial }) {
  const progress = teamProgress(clients.length, onProgress);
  return Promise.all(
    clients.map((client, part) =>
      client
        .request(
          op,
          { ...args, options: { ...args.options, part, parts: clients.length } },
          { onProgress: progress(part), onPartial: part === 0 ? onPartial : undefined },
        )
        .then((result) => {
          progress(part)(1);
          return result;
        }),
    ),
  );
}

// Progress of work split over `workers`: part i reports its own fraction, onProgress gets their
// mean and the time left at the whole team's pace so far.
function teamProgress(workers, onProgress) {
  const fractions = new Array(workers).fill(0),
    start = Date.now();
  return (part) => (fraction) => {
    fractions[part] = fraction;
    const done = fractions.reduce((a, b) => a + b) / workers;
    onProgress?.(done, done > 0 ? ((Date.now() - start) * (1 - done)) / done : NaN);
  };
}
