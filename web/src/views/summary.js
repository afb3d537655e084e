import { modelCard } from '../model_card.js';
import { el } from '../ui.js';

export default {
  id: 'summary',
  title: 'Summary',
  about:
    "The model's card, then Keras' model.summary(): every layer, its output shape (None is the batch) and how many weights it learns.",
  /** @param {import('../view_context.js').ViewContext} app */
  async render(app) {
    const { info, summary } = app.state.model;
    return el('div', {}, modelCard(info, summary, app.modelActions), el('pre', { className: 'summary' }, summary.text));
  },
};
