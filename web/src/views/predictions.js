import { el, exportButton, hiDpiCanvas } from '../ui.js';

export default {
  id: 'predictions',
  title: 'Predictions',
  about: 'The five most probable classes for your image (softmax probabilities), with their names.',
  needsImage: true,
  async render(app) {
    const p = app.state.run.predictions;
    const [canvas, ctx] = hiDpiCanvas(560, 40 + 34 * p.length, 'top-5 predictions');
    const fg = getComputedStyle(document.body).color;
    ctx.font = '13px system-ui, sans-serif';
    p.forEach((q, i) => {
      const y = 20 + i * 34;
      ctx.fillStyle = '#4e79a7';
      ctx.fillRect(200, y, Math.max(1, 280 * q.probability), 22);
      ctx.fillStyle = fg;
      ctx.fillText(q.label.slice(0, 26), 8, y + 16);
      ctx.fillText(`${(100 * q.probability).toFixed(1)}%`, 206 + 280 * q.probability, y + 16);
    });
    return el('div', {}, canvas, el('p', {}, `${app.state.run.precision} · ${app.state.run.totalMs.toFixed(0)} ms `, exportButton(canvas, 'predictions')));
  },
};
