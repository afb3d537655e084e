// Requests that outlive the view that started them. A long method (occlusion on VGG16: a minute)
// keeps running when the user switches tabs; the view drawn again joins it, gets the latest
// partial result and progress at once, then every later one, and waits for the same result.
/**
 * @typedef {object} Job
 * @property {Promise<any>} promise
 * @property {any} [partial] the latest partial result
 * @property {[fraction: number, remainingMs?: number]} [progress] the latest progress
 * @property {Set<import('./protocol.js').RequestCallbacks>} listeners
 */
export class Jobs {
  constructor() {
    /** @type {Map<string, Job>} */
    this.running = new Map();
  }

  has(key) {
    return this.running.has(key);
  }

  keys() {
    return [...this.running.keys()];
  }

  // The job `key`, started with start(onPartial, onProgress) -> promise unless it is running;
  // resolves to its result. onPartial(partial), onProgress(fraction, remainingMs): this caller's.
  /**
   * @param {string} key
   * @param {(onPartial: (partial: any) => void, onProgress: (fraction: number, remainingMs?: number) => void) => Promise<any>} start
   * @param {import('./protocol.js').RequestCallbacks} [callbacks]
   */
  join(key, start, { onPartial, onProgress } = {}) {
    let job = this.running.get(key);
    if (!job) {
      job = /** @type {Job} */ ({ listeners: new Set() });
      const tell = (what, args) => {
        for (const l of job.listeners) l[what]?.(...args);
      };
      job.promise = start(
        (partial) => {
          job.partial = partial;
          tell('onPartial', [partial]);
        },
        (...progress) => {
          job.progress = progress;
          tell('onProgress', progress);
        },
      );
      this.running.set(key, job);
      job.promise
        .catch(() => {})
        .finally(() => {
          if (this.running.get(key) === job) this.running.delete(key);
        });
    }
    // A listener whose view was replaced stays until the job ends (drawing into a detached view
    // is harmless; a tab switch adds one).
    const listener = { onPartial, onProgress };
    job.listeners.add(listener);
    if (job.partial !== undefined) onPartial?.(job.partial);
    if (job.progress) onProgress?.(...job.progress);
    return job.promise.finally(() => job.listeners.delete(listener));
  }
}
