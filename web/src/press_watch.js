// A redraw must not replace the control under a pressed pointer: the press's click would land on
// a detached element and be lost. It happens with every edit-then-click: pressing Run takes focus
// from the edited field, whose change event redraws the view before the button is released.

// How long after the release a click may come (a tap's comes in a later task than its pointerup),
// and the longest a press is waited for (a release the page never sees: a window left mid-press).
const CLICK_MS = 300;
const LONGEST_MS = 10000;

// Watches presses of the primary button that start in `container` (not on a <select>, whose
// popup takes the release). Returns afterPress(): resolves to false at once when no such press is
// down, else to true once it ended and its click, if any, has been dispatched.
/** @param {HTMLElement} container @returns {() => Promise<boolean>} */
export function pressWatch(container) {
  /** @type {Promise<void> | null} */
  let released = null;
  container.addEventListener(
    'pointerdown',
    (e) => {
      const target = /** @type {Element} */ (e.target);
      if (released || !e.isPrimary || e.button !== 0 || target.closest?.('select')) return;
      released = new Promise((resolve) => {
        const ends = ['pointercancel', 'contextmenu', 'dragstart', 'blur', 'click'];
        let timer;
        const done = () => {
          clearTimeout(timer);
          for (const type of ['pointerup', ...ends]) window.removeEventListener(type, on, true);
          // A task later: the click's own handlers have run.
          setTimeout(() => {
            released = null;
            resolve();
          }, 0);
        };
        const on = (/** @type {Event} */ event) => {
          // (The pressed control takes focus from the edited field: an element's blur is not an end.)
          if (event.type === 'blur' && event.target !== window) return undefined;
          if (event.type !== 'pointerup') return done();
          clearTimeout(timer);
          timer = setTimeout(done, CLICK_MS);
        };
        for (const type of ['pointerup', ...ends]) window.addEventListener(type, on, true);
        timer = setTimeout(done, LONGEST_MS);
      });
    },
    true,
  );
  return async () => {
    if (!released) return false;
    await released;
    return true;
  };
}
