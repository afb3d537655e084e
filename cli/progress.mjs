// A one-line progress bar with ETA on stderr; silent when stderr is not a terminal or with --quiet.
export function progressBar(total, { quiet = false, stream = process.stderr } = {}) {
  const active = !quiet && stream.isTTY;
  const start = Date.now();
  return {
    update(done, what = '') {
      if (!active) return;
      const f = total ? done / total : 1,
        width = 24,
        filled = Math.round(f * width);
      const elapsed = (Date.now() - start) / 1000;
      const eta = f > 0 && f < 1 ? ` ETA ${Math.ceil((elapsed * (1 - f)) / f)}s` : '';
      stream.write(
        `\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done.toFixed(1)}/${total}${eta} ${what}`
          .slice(0, 100)
          .padEnd(100),
      );
    },
    done() {
      if (active) stream.write('\r'.padEnd(101) + '\r');
    },
  };
}
