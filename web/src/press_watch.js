// A redraw must not replace the control under a pressed pointer: the press's click would land on
// a detached element and be lost. It happens with every edit-then-click: pressing Run takes focus
// from the edited field, whose change event redraws the view before the button is released.

// Watches presses that start in `container`. Returns afterPress(): resolves to false at once when
// no such press is down, else to true once the pointer is released and its click has been
// dispatched (a task after pointerup: pointerup, mouseup and click come in one task).
/** @param {HTMLElement} container @returns {() => Promise<boolean>} */
export function pressWatch(container) {
  /** @type {Promise<void> | null} */
  let released = null;
  container.addEventListener(
    'pointerdown',
    () => {
      released ??= new Promise((resolve) => {
        const up = () => {
          window.removeEventListener('pointerup', up, true);
          window.removeEventListener('pointercancel', up, true);
          setTimeout(() => {
            released = null;
            resolve();
          }, 0);
        };
        window.addEventListener('pointerup', up, true);
        window.addEventListener('pointercancel', up, true);
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
