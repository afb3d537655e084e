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

// "This picture is unlike the pictures this model was trained on …", where the model file has their
// statistics and the picture scores above them (the core's sentence), else null.
/** @param {import('../view_context.js').ViewContext} app */
export function unlikeNote(app) {
  const sentence = app.state.run?.unlike?.sentence;
  return sentence ? el('p', { className: 'unlike', role: 'note' }, sentence) : null;
}

const SEEN_SIDE = 240;

// A picture drawn with its longer side SEEN_SIDE pixels, in a figure of its own.
function seenFigure(picture, options, caption, exportName) {
  const canvas = imageCanvas(picture, options);
  canvas.style.width = `${(SEEN_SIDE * picture.width) / Math.max(picture.width, picture.height)}px`;
  const f = figure(canvas, caption, exportName);
  f.classList.add('seen');
  named(f.querySelector('figcaption button'), caption);
  return f;
}

// An Export button's name says which of the view's figures it saves (its text stays in it).
function named(button, what) {
  button?.setAttribute('aria-label', `${button.textContent}: ${what}`);
  return button;
}

export default {
  id: 'predictions',
  title: 'Predictions',
  about: 'The five most probable classes for your image (probabilities), with their names.',
  needsImage: true,
  /** @param {import('../view_context.js').ViewContext} app */
  async render(app) {
    const p = app.state.run.predictions;
    // Drawn at the width there is (a phone's), never shrunk by CSS: its text stays 13 px. Where a
    // label and its bar do not fit side by side, the label goes above the bar.
    const width = Math.max(280, Math.min(560, (globalThis.innerWidth || 560) - 40));
    const narrow = width < 480,
      rowHeight = narrow ? 44 : 34,
      barLeft = narrow ? 8 : 200,
      barWidth = width - barLeft - 80;
    const [canvas, ctx] = hiDpiCanvas(width, 40 + rowHeight * p.length, 'top-5 predictions');
    canvas.dataset.main = ''; // what the widget's exportPNG() saves
    const fg = getComputedStyle(document.body).color;
    ctx.font = '13px system-ui, sans-serif';
    p.forEach((q, i) => {
      const y = 20 + i * rowHeight,
        bar = narrow ? y + 20 : y;
      ctx.fillStyle = '#4e79a7';
      ctx.fillRect(barLeft, bar, Math.max(1, barWidth * q.probability), narrow ? 18 : 22);
      ctx.fillStyle = fg;
      ctx.fillText(q.label.slice(0, narrow ? 40 : 26), 8, y + (narrow ? 13 : 16));
      ctx.fillText(
        `${(100 * q.probability).toFixed(1)}%`,
        barLeft + 6 + barWidth * q.probability,
        bar + (narrow ? 14 : 16),
      );
    });
    // A grayscale model's view of the picture beside the picture: the gray it was given, at its
    // input size (at most SEEN_SIDE pixels each: the predictions are the figure here).
    const info = app.state.model.info;
    const input = app.state.run.input;
    const seen =
      input && app.original
        ? [
            seenFigure(app.original, { pixelated: false, label: 'your picture' }, 'Your picture', null),
            seenFigure(
              input,
              { pixelated: true, label: `the picture as the model sees it: ${input.width}×${input.height} in gray` },
              `What the model sees: ${input.width}×${input.height} pixels in gray`,
              'model-input',
            ),
          ]
        : null;
    return el(
      'div',
      {},
      app.saysWhatModelKnows ? null : el('p', { className: 'knows' }, modelKnows(info)),
      unlikeNote(app),
      el('div', { className: 'row' }, ...(seen ?? []), canvas),
      el(
        'p',
        {},
        `${app.state.run.precision} · ${app.state.run.totalMs.toFixed(0)} ms `,
        named(exportButton(canvas, 'predictions'), 'the predictions'),
      ),
    );
  },
};
