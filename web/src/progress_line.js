// The page's one progress line (the bar at the bottom, with Cancel): shown while any request has
// taken over 200 ms. Requests of the run it names (the first one's label: Maximize's units on
// several workers share one) make its fraction: their mean, never going back, and the longest
// time left; other requests meanwhile (a tab's drawing) do not move it. It remembers the control
// that started the run, for Cancel to give focus back to.
import { progressText } from './ui.js';

/** @param {HTMLElement} bar the #progress element: a <progress> and a text span */
export function progressLine(bar, text = bar.querySelector('span')) {
  const meter = bar.querySelector('progress');
  let active = 0,
    started = 0,
    batch = { what: '', parts: [], shown: 0, starter: null };
  const show = () => {
    const parts = batch.parts.filter((p) => p.what === batch.what);
    batch.shown = Math.max(batch.shown, parts.reduce((sum, p) => sum + p.fraction, 0) / parts.length);
    const left = parts.map((p) => p.remainingMs).filter(Number.isFinite);
    meter.value = batch.shown;
    text.textContent = progressText(batch.what, batch.shown, left.length ? Math.max(...left) : undefined);
  };
  return {
    get active() {
      return active;
    },
    // How many requests were ever started (whether a click started work).
    get started() {
      return started;
    },
    get starter() {
      return batch.starter;
    },
    // A request's part of the line, named `what`: update(fraction, remainingMs), then end().
    /** @param {string} what */
    start(what) {
      const timer = setTimeout(() => {
        bar.hidden = false;
      }, 200);
      started++;
      if (++active === 1) {
        batch = { what, parts: [], shown: 0, starter: document.activeElement };
        text.textContent = `${what}…`;
        meter.removeAttribute('value');
      }
      const part = { what, fraction: 0, remainingMs: undefined };
      batch.parts.push(part);
      return {
        /** @param {number} fraction @param {number} [remainingMs] */
        update(fraction, remainingMs) {
          Object.assign(part, { fraction, remainingMs });
          show();
        },
        end() {
          clearTimeout(timer);
          Object.assign(part, { fraction: 1, remainingMs: undefined });
          if (--active === 0) bar.hidden = true;
          else if (batch.parts.length > 1) show();
        },
      };
    },
    hide() {
      bar.hidden = true;
    },
  };
}
