// Timing helpers shared by the benchmarks in Node and in the browser page.

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export const argmax = (a) => a.reduce((best, v, i) => (v > a[best] ? i : best), 0);

// engines: [{ run }] (run may return a promise) -> [{ median, min }] in ms. The engines take turns
// run by run, so the load of a shared machine weighs on all of them alike and their ratios hold
// even when absolute times drift.
export async function timeInterleaved(engines, { runs, warmup }) {
  for (const e of engines) for (let i = 0; i < warmup; i++) await e.run();
  const times = engines.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [j, e] of engines.entries()) {
      const t0 = performance.now();
      await e.run();
      times[j].push(performance.now() - t0);
    }
  }
  return times.map((t) => ({ median: median(t), min: Math.min(...t) }));
}
