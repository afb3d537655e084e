import { exportButton } from '../figure.js';
import { el, hiDpiCanvas } from '../ui.js';

// What a classifier can say, for the text beside its predictions and maps: a model names every
// picture one of its own classes, even a picture of something it never saw.
export function modelKnows(info) {
  const labels = info.labels.length ? info.labels : [];
  const classes = info.outputShape.at(-1);
  const some = labels.slice(0, 4).join(', ');
  return (
    `This model knows ${classes.toLocaleString('en-US')} classes${some ? ` (${some}${classes > 4 ? ', …' : ''})` : ''} ` +
    `and sees ${info.inputShape[0]}×${info.inputShape[1]} pixels: it gives every picture one of these names, even a picture of something else.`
  );
}

export default {
  id: 'predictions',
  title: 'Predictions',
  about: 'The five most probable classes for your image (softmax probabilities), with their names.',
  needsImage: true,
  /** @param {import('../view_context.js').ViewContext} app */
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
    return el(
      'div',
      {},
      el('p', { className: 'knows' }, modelKnows(app.state.model.info)),
      canvas,
      el(
        'p',
        {},
        `${app.state.run.precision} · ${app.state.run.totalMs.toFixed(0)} ms `,
        exportButton(canvas, 'predictions'),
      ),
    );
  },
};
