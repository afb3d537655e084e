// Keyboard patterns of WAI-ARIA (https://www.w3.org/WAI/ARIA/apg/patterns/): one tab stop per
// composite widget (tabs, a listbox) moved by arrow keys, Home and End ("roving tabindex"); and
// focus kept where the user acted when a view is redrawn under it.

// Arrow keys (along `orientation`), Home and End move focus among `container`'s items (children
// matching `selector`); the focused item becomes the widget's one tab stop and `onMove(item)` runs
// (tabs activate on focus, options are selected). `roving.update()` makes the item marked
// aria-selected="true" the tab stop after the items change.
export function roving(container, selector, onMove, { orientation = 'horizontal' } = {}) {
  const items = () => [...container.querySelectorAll(`:scope > ${selector}`)];
  const keys = orientation === 'horizontal' ? ['ArrowLeft', 'ArrowRight'] : ['ArrowUp', 'ArrowDown'];
  const update = () => {
    const all = items();
    const current = all.find((i) => i.getAttribute('aria-selected') === 'true') ?? all[0];
    for (const i of all) i.tabIndex = i === current ? 0 : -1;
  };
  container.addEventListener('keydown', (e) => {
    const all = items(),
      at = all.indexOf(document.activeElement);
    if (at < 0 || e.altKey || e.ctrlKey || e.metaKey) return;
    const to =
      e.key === keys[0]
        ? (at - 1 + all.length) % all.length
        : e.key === keys[1]
          ? (at + 1) % all.length
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? all.length - 1
              : -1;
    if (to < 0) return;
    e.preventDefault();
    for (const i of all) i.tabIndex = i === all[to] ? 0 : -1;
    all[to].focus();
    onMove(all[to]);
  });
  update();
  return { update };
}

// What identifies an element across a redraw: its id, else its role or tag with its label.
function focusKey(e) {
  if (e.id) return `#${e.id}`;
  return `${e.getAttribute('role') ?? e.tagName}|${e.getAttribute('aria-label') ?? e.textContent.trim().slice(0, 60)}`;
}

// Runs `redraw()` (which replaces `container`'s content); if focus was inside it, focuses the
// new element that matches the old one (else the container), so keyboard work goes on.
export function keepFocus(container, redraw) {
  const active =
    container.contains(document.activeElement) && document.activeElement !== container
      ? focusKey(document.activeElement)
      : null;
  redraw();
  if (active === null || container.contains(document.activeElement)) return;
  focusMatch(container, active);
}

function focusMatch(container, key) {
  const match = [...container.querySelectorAll('*')].find((e) => focusKey(e) === key);
  (match ?? container).focus();
}

// Focuses `element` again (the control that started a run, after Cancel), or where a redraw
// replaced it, its match in `container`.
/** @param {Element} element @param {HTMLElement} container */
export function refocus(element, container) {
  if (element instanceof HTMLElement && element.isConnected) element.focus();
  else if (element instanceof HTMLElement) focusMatch(container, focusKey(element));
}
