import { exportButton } from '../figure.js';
import { el, hiDpiCanvas } from '../ui.js';

const COLORS = {
  Conv2D: '#4e79a7',
  MaxPooling2D: '#f28e2b',
  Dense: '#59a14f',
  Flatten: '#9c755f',
  InputLayer: '#888',
  GlobalAveragePooling2D: '#e15759',
};

// One box per layer, left to right: height grows with the spatial size, width with the channels.
export default {
  id: 'architecture',
  title: 'Architecture',
  about:
    'The network as blocks: blue convolutions, orange max pooling, green dense layers. Taller boxes see larger maps, wider ones have more channels. Click a layer to select it in every view.',
  /** @param {import('../view_context.js').ViewContext} app */
  async render(app) {
    const rows = app.state.model.summary.rows;
    const labels = rows.map((r) => `${r.name} ${r.outputShape.join('×')}`);
    // Labels slant down at 60 degrees from under each box: the canvas ends where the longest does.
    const font = '11px system-ui, sans-serif';
    const measure = hiDpiCanvas(1, 1)[1];
    measure.font = font;
    const lengths = labels.map((l) => measure.measureText(l).width);
    const step = 44,
      W = Math.ceil(Math.max(...lengths.map((l, i) => 20 + (i + 0.5) * step + l * Math.cos(Math.PI / 3))));
    const H = Math.ceil(210 + Math.max(...lengths) * Math.sin(Math.PI / 3));
    const [canvas, ctx] = hiDpiCanvas(W, H, 'architecture diagram');
    canvas.id = 'architecture-diagram'; // keeps focus across the redraw a selection makes
    const boxes = [];
    const maxSide = Math.max(...rows.map((r) => (r.outputShape.length === 3 ? r.outputShape[0] : 1)));
    ctx.font = font;
    rows.forEach((r, i) => {
      const s = r.outputShape;
      const side = s.length === 3 ? s[0] : 1,
        channels = s.at(-1);
      const h = 30 + (150 * Math.log2(1 + side)) / Math.log2(1 + maxSide);
      const w = Math.min(step - 6, 6 + 4 * Math.log2(1 + channels));
      const x = 10 + i * step + (step - w) / 2,
        y = 110 - h / 2;
      ctx.fillStyle = COLORS[r.type] ?? '#999';
      ctx.globalAlpha = r.name === app.state.layer ? 1 : 0.75;
      ctx.fillRect(x, y, w, h);
      ctx.globalAlpha = 1;
      if (r.name === app.state.layer) {
        ctx.strokeStyle = getComputedStyle(document.body).color;
        ctx.lineWidth = 2;
        ctx.strokeRect(x - 2, y - 2, w + 4, h + 4);
      }
      boxes.push({ x: 10 + i * step, w: step, name: r.name });
      ctx.save();
      ctx.translate(x + w / 2 - 3, 200);
      ctx.rotate(Math.PI / 3);
      ctx.fillStyle = getComputedStyle(document.body).color;
      ctx.fillText(labels[i], 0, 0);
      ctx.restore();
    });
    canvas.tabIndex = 0;
    canvas.addEventListener('click', (e) => {
      const rect = canvas.getBoundingClientRect();
      const x = (e.clientX - rect.left) * (W / rect.width);
      const hit = boxes.find((b) => x >= b.x && x < b.x + b.w);
      if (hit) app.set({ layer: hit.name });
    });
    canvas.setAttribute(
      'aria-label',
      `architecture diagram, ${app.state.layer} selected: the arrow keys, Home and End choose a layer`,
    );
    canvas.addEventListener('keydown', (e) => {
      const i = rows.findIndex((r) => r.name === app.state.layer);
      const to = {
        ArrowRight: Math.min(i + 1, rows.length - 1),
        ArrowLeft: Math.max(i - 1, 0),
        Home: 0,
        End: rows.length - 1,
      }[e.key];
      if (to === undefined) return;
      e.preventDefault();
      if (to !== i) app.set({ layer: rows[to].name });
    });
    // Scrolls sideways on a narrow screen rather than shrinking the labels to a few pixels.
    return el(
      'div',
      {},
      el('div', { className: 'scroll-x' }, canvas),
      el('p', {}, `Selected: ${app.state.layer} `, exportButton(canvas, 'architecture')),
    );
  },
};
