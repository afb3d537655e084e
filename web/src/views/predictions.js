import { exportButton, figure } from '../figure.js';
import { classCount, isGrayscale } from '../model_layers.js';
import { el, hiDpiCanvas, imageCanvas } from '../ui.js';

// What a classifier can say, for the text beside its predictions and maps: a model names every
// picture one of its own classes, even a picture of something it never saw; and what it sees
// (a grayscale model sees colour photos in gray).
export function modelKnows(info) {
  const labels = info.labels.length ? info.labels : [];
  const classes = classCount(info);
  const some = labels.slice(0, 4).join(', ');
  const [height, width] = info.inputShape;
  const sees = isGrayscale(info)
    ? `sees ${height}×${width} grayscale pictures (a colour picture is turned to gray: 0.2989 R + 0.5870 G + 0.1140 B)`
    : `sees ${height}×${width} pixels`;
  return (
    `This model knows ${classes.toLocaleString('en-US')} classes${some ? ` (${some}${classes > 4 ? ', …' : ''})` : ''} ` +
    `and ${sees}: it gives every picture one of these names, even a picture of something else.`
  );
}

const SEEN_SIDE = 240;

export default {
  id: 'predictions',
  title: 'Predictions',
  about: 'The five most probable classes for your image (probabilities), with their names.',
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
    const info = app.state.model.info;
    // A grayscale model's view of the picture, beside what it made of it: the gray it was given
    // (at most SEEN_SIDE pixels: the predictions are the figure here).
    let seen = null;
    if (isGrayscale(info) && app.picture) {
      const picture = imageCanvas(app.picture, {
        pixelated: false,
        label: 'the picture in gray, as the model sees it',
      });
      picture.style.width = `${(SEEN_SIDE * app.picture.width) / Math.max(app.picture.width, app.picture.height)}px`;
      seen = figure(
        picture,
        `What this grayscale model sees: the picture in gray, read at ${info.inputShape[0]}×${info.inputShape[1]} pixels`,
        'model-input',
      );
      seen.classList.add('seen');
    }
    return el(
      'div',
      {},
      app.saysWhatModelKnows ? null : el('p', { className: 'knows' }, modelKnows(info)),
      el('div', { className: 'row' }, seen, canvas),
      el(
        'p',
        {},
        `${app.state.run.precision} · ${app.state.run.totalMs.toFixed(0)} ms `,
        exportButton(canvas, 'predictions'),
      ),
    );
  },
};
