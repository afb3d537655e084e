// The memory a browser uses, from outside it: the resident set of every Chromium process, as the
// benchmarks that drive headless Chromium sample it.
import { readdirSync, readFileSync } from 'node:fs';

// Resident bytes of every running Chromium process (this benchmark's is the only one).
export function chromiumRss() {
  const sizes = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (!/^(chromium|chrome)/.test(readFileSync(`/proc/${pid}/comm`, 'utf8'))) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (rss) sizes.push(Number(rss[1]) * 1024);
    } catch {
      /* the process ended meanwhile */
    }
  }
  return { total: sizes.reduce((a, b) => a + b, 0), largest: Math.max(0, ...sizes) };
}

// The peaks of chromiumRss, sampled every 50 ms until stop().
export function sampler() {
  const peak = { total: 0, largest: 0 };
  const timer = setInterval(() => {
    const now = chromiumRss();
    peak.total = Math.max(peak.total, now.total);
    peak.largest = Math.max(peak.largest, now.largest);
  }, 50);
  return { peak, stop: () => clearInterval(timer) };
}
