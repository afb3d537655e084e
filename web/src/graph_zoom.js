// Zoom and pan for a drawing in a scrolling box: a wheel or a trackpad scrolls it, the keyboard's
// focus scrolls what it reaches into view, a mouse or one finger drags the drawing, Ctrl + wheel (a
// trackpad's pinch) and two fingers' pinch zoom about the pointer, and zoom(factor) serves the
// buttons and keys. The box takes touches itself (CSS touch-action: none), or the browser would
// cancel a finger's pointer as soon as it started to pan the page, and no pinch would follow. The zoom and the scroll position live in `state`, so that a redraw (a new
// selection) keeps them.

const ZOOM_MIN = 0.25,
  ZOOM_MAX = 3;

/**
 * @param {HTMLElement} scroller the scrolling box
 * @param {SVGSVGElement} drawing sized here: its viewBox's size times the zoom
 * @param {{ zoom: number, left: number, top: number }} state
 */
export function panZoom(scroller, drawing, state) {
  const box = drawing.viewBox.baseVal;
  const size = () => {
    drawing.setAttribute('width', String(Math.round(box.width * state.zoom)));
    drawing.setAttribute('height', String(Math.round(box.height * state.zoom)));
  };
  // Where the last drawing was scrolled to, once this one is in the page; until then its scrolls
  // (focus brought into view from 0) are not the reader's.
  let restored = false;
  // Zooms by `factor` keeping the drawing's point under (x, y) (the box's own pixels) in place.
  const zoom = (factor, x = scroller.clientWidth / 2, y = scroller.clientHeight / 2) => {
    const to = Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, state.zoom * factor));
    if (to === state.zoom) return;
    const px = (scroller.scrollLeft + x) / state.zoom,
      py = (scroller.scrollTop + y) / state.zoom;
    state.zoom = to;
    size();
    scroller.scrollLeft = px * to - x;
    scroller.scrollTop = py * to - y;
    remember();
  };
  // The scroll position, kept at once where this code scrolls: the scroll event comes a frame
  // later, after a redraw that replaced the box would have lost it. Not once this drawing is
  // replaced: the box's scroll then falls back while the next one is put in.
  const remember = () => {
    if (!restored || !drawing.isConnected) return;
    state.left = scroller.scrollLeft;
    state.top = scroller.scrollTop;
  };
  size();
  // The view is put in the page when it is drawn, which may take frames on a busy machine; a
  // drawing that never gets there (a newer one replaced it) stops asking after some.
  const restore = (frames) => {
    if (!scroller.isConnected) {
      if (frames > 0) requestAnimationFrame(() => restore(frames - 1));
      return;
    }
    scroller.scrollLeft = state.left;
    scroller.scrollTop = state.top;
    restored = true;
    const focused = /** @type {Document | ShadowRoot} */ (scroller.getRootNode()).activeElement;
    if (focused && scroller.contains(focused)) focused.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  };
  requestAnimationFrame(() => restore(600));
  scroller.addEventListener('scroll', remember);
  const at = (e) => {
    const r = scroller.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };
  scroller.addEventListener(
    'wheel',
    (e) => {
      if (!e.ctrlKey) return;
      e.preventDefault();
      // Firefox counts a mouse wheel's steps in lines (deltaMode 1), Chromium in pixels.
      const pixels = e.deltaY * [1, 16, 400][e.deltaMode];
      zoom(Math.exp(-pixels / 300), ...at(e));
    },
    { passive: false },
  );
  // Pointers down: one drags the drawing, two pinch. A drag of a few pixels is still a click.
  const pointers = new Map();
  let moved = 0;
  scroller.addEventListener('pointerdown', (e) => {
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    moved = 0;
  });
  scroller.addEventListener('pointermove', (e) => {
    const last = pointers.get(e.pointerId);
    if (!last) return;
    if (pointers.size === 2) {
      const [a, b] = [...pointers.values()];
      const other = a === last ? b : a;
      const before = Math.hypot(last.x - other.x, last.y - other.y);
      const after = Math.hypot(e.clientX - other.x, e.clientY - other.y);
      if (before > 0)
        zoom(after / before, ...at({ clientX: (e.clientX + other.x) / 2, clientY: (e.clientY + other.y) / 2 }));
    } else if (pointers.size === 1 && e.buttons === 1) {
      scroller.scrollLeft -= e.clientX - last.x;
      scroller.scrollTop -= e.clientY - last.y;
      remember();
      moved += Math.abs(e.clientX - last.x) + Math.abs(e.clientY - last.y);
    }
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
  });
  const up = (e) => pointers.delete(e.pointerId);
  scroller.addEventListener('pointerup', up);
  scroller.addEventListener('pointercancel', up);
  // A drag is not a click on the box it started on.
  scroller.addEventListener(
    'click',
    (e) => {
      if (moved > 4) e.stopPropagation();
      moved = 0;
    },
    true,
  );
  return { zoom };
}
