// The memory a browser uses, from outside it: the resident set of every process of the browser,
// as the benchmarks that drive headless Chromium or Firefox ESR sample it.
import { readdirSync, readFileSync } from 'node:fs';

// Every process of a browser runs its executable (Firefox's content processes too: firefox-esr
// -contentproc), so the executable names them. Chromium rewrites its processes' command lines
// into one string with spaces, hence the split on both.
const EXECUTABLES = { chromium: /\/(chromium|chrome)$/, firefox: /\/firefox-esr$/ };

// Resident bytes of every running process of `browser` (this benchmark's is the only one).
export function browserRss(browser = 'chromium') {
  const sizes = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const executable = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/)[0];
      if (!EXECUTABLES[browser].test(executable)) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (rss) sizes.push(Number(rss[1]) * 1024);
    } catch {
      /* the process ended meanwhile */
    }
  }
  return { total: sizes.reduce((a, b) => a + b, 0), largest: Math.max(0, ...sizes) };
}

// The peaks of browserRss, sampled every 50 ms until stop().
export function sampler(browser = 'chromium') {
  const peak = { total: 0, largest: 0 };
  const timer = setInterval(() => {
    const now = browserRss(browser);
    peak.total = Math.max(peak.total, now.total);
    peak.largest = Math.max(peak.largest, now.largest);
  }, 50);
  return { peak, stop: () => clearInterval(timer) };
}
