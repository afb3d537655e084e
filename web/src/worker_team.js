// More cores for pages that cannot run the threaded build (the single file from file://, any page
// that is not cross-origin isolated): extra workers, each with its own module instance and its
// own copy of the model. The methods that make many independent passes (SmoothGrad samples,
// integrated-gradients steps, occlusion positions) are split: every worker makes its part
// (explain {part, parts}) and the page's own worker combines them, bit for bit the undivided
// result (tests/js/parts.test.mjs); part 0, on the page's worker, passes on occlusion's first
// coarse map as early as one worker would. The sanity check's two maps, Compare's two panes and
// the Maximize view's units are made side by side.
//
// How many workers (teamSize): as many as the cores, while each one's memory fits in half of what
// the browser says the device has (navigator.deviceMemory, which browsers round down and cap at
// 8 GB; 4 GB where they do not say). A worker's peak is estimated from the model file: about 4.5x
// its size for the gradient methods' f32 pass (measured 590 MiB for int8 VGG16's 132 MB,
// docs/engine.md), plus the module and an image.
export const SPLIT_METHODS = new Set(['smoothgrad', 'ig', 'occlusion']);
const WORKER_BASE_BYTES = 48e6;

export function workerBytes(modelFileBytes) {
  return 4.5 * modelFileBytes + WORKER_BASE_BYTES;
}

// {modelFileBytes, cores, deviceMemoryGB} -> how many workers share a split method (at least 1).
export function teamSize({ modelFileBytes, cores, deviceMemoryGB }) {
  const budget = ((deviceMemoryGB ?? 4) * 1e9) / 2;
  return Math.max(1, Math.min(cores ?? 1, Math.floor(budget / workerBytes(modelFileBytes))));
}

export class WorkerTeam {
  // main: the page's WorkerClient; makeClient(): a new one (same worker script and wasm).
  // size(info): the number of workers for a model (its info()), e.g. by teamSize.
  constructor(main, makeClient, size) {
    this.main = main;
    this.makeClient = makeClient;
    this.size = size;
    this.helpers = [];  // {client, loaded: Map(replay key -> the args it was given)}
  }

  // How many workers the model with `info` may use (1 where the page's module has threads).
  available(info) {
    return this.main.build?.threads > 1 ? 1 : this.size(info);
  }

  // How many workers would run `method` on the model with `info` (1: not split).
  workersFor(method, info) {
    return SPLIT_METHODS.has(method) ? this.available(info) : 1;
  }

  // The page's worker and the first `workers` - 1 extra ones, each with the model and image of
  // `args` loaded.
  async clientsFor(args, workers) {
    while (this.helpers.length < workers - 1) this.helpers.push({ client: this.makeClient(), loaded: new Map() });
    const helpers = this.helpers.slice(0, workers - 1);
    await Promise.all(helpers.map((h) => this.bringUp(h, args)));
    return [this.main, ...helpers.map((h) => h.client)];
  }

  // The explain request `args` ({model, image, method, options, overlay}) on `workers` workers:
  // resolves to what the page's worker's explain would.
  async explain(args, workers, { onProgress, onPartial } = {}) {
    const clients = await this.clientsFor(args, workers);
    // Progress: the mean of the parts'; the time left from the whole team's pace so far.
    const fractions = new Array(workers).fill(0), start = Date.now();
    const progress = (part) => (fraction) => {
      fractions[part] = fraction;
      const done = fractions.reduce((a, b) => a + b) / workers;
      onProgress?.(done, done > 0 ? ((Date.now() - start) * (1 - done)) / done : NaN);
    };
    const parts = await Promise.all(clients.map((client, part) => client.request('explainPart',
      { ...args, options: { ...args.options, part, parts: workers } },
      { onProgress: progress(part), onPartial: part === 0 ? onPartial : undefined })));
    return this.main.request('combine', { ...args, parts: parts.map((p) => p.raw) });
  }

  // The sanity check request `args` on two workers: the original map on the page's worker while
  // an extra one makes the randomized copy's; the same result as the page's worker alone.
  async sanityCheck(args, callbacks) {
    const [main, helper] = await this.clientsFor(args, 2);
    const [original, r] = await Promise.all([main.request('explain', args),
      helper.request('sanityCheck', { ...args, options: { ...args.options, randomizedOnly: true } }, callbacks)]);
    const spearman = await main.request('spearman', { a: original.map, b: r.randomized.map });
    return { ...r, original, spearman };
  }

  // Any request on extra worker `index` (1, 2, ...), so that independent requests (Compare's two
  // panes) run side by side.
  async elsewhere(index, op, args, callbacks) {
    const clients = await this.clientsFor(args, index + 1);
    return clients[index].request(op, args, callbacks);
  }

  // Loads into a helper the model and image (if any: maximization needs none) the page's worker
  // has for `args`, unless it has them.
  async bringUp(helper, { model, image }) {
    for (const key of [`model:${model}`, `image:${image}`]) {
      const entry = this.main.replay.get(key);
      if (!entry && key.startsWith('image:')) continue;
      if (!entry) throw new Error(`the page's worker has no ${key.replace(':', ' ')}`);
      if (helper.loaded.get(key) === entry[1]) continue;
      await helper.client.request(...entry);
      helper.loaded.set(key, entry[1]);
    }
  }

  // Stops and drops every extra worker (cancel, a new model, the page's worker restarting): each
  // pending part fails with CancelledError.
  dismiss() {
    for (const { client } of this.helpers) client.dispose();
    this.helpers = [];
  }

  // Extra workers alive (tests check that none is left).
  get workerCount() {
    return this.helpers.length;
  }
}
