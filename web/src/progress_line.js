// The page's one progress line (the bar at the bottom, with Cancel): shown while any request has
// taken over 200 ms. Requests made together (Maximize's units on several workers) share it: their
// mean fraction, never going back, and the longest time left. It remembers the control that
// started the run, for Cancel to give focus back to.
import { progressText } from './ui.js';

/** @param {HTMLElement} bar the #progress element: a <progress> and a text span */
export function progressLine(bar, text = bar.querySelector('span')) {
  const meter = bar.querySelector('progress');
  let active = 0,
    batch = { what: '', parts: [], shown: 0, starter: null };
  const show = () => {
    const { parts } = batch;
    batch.shown = Math.max(batch.shown, parts.reduce((sum, p) => sum + p.fraction, 0) / parts.length);
    const left = parts.map((p) => p.remainingMs).filter(Number.isFinite);
    meter.value = batch.shown;
    text.textContent = progressText(batch.what, batch.shown, left.length ? Math.max(...left) : undefined);
  };
  return {
    get active() {
      return active;
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
      if (++active === 1) {
        batch = { what, parts: [], shown: 0, starter: document.activeElement };
        text.textContent = `${what}…`;
        meter.removeAttribute('value');
      }
      const part = { fraction: 0, remainingMs: undefined };
      batch.parts.push(part);
      return {
        /** @param {number} fraction @param {number} [remainingMs] */
        update(fraction, remainingMs) {
          Object.assign(part, { fraction, remainingMs });
          show();
        },
        end() {
          clearTimeout(timer);
          part.fraction = 1;
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
