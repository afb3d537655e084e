import { el } from '../ui.js';

export default {
  id: 'summary',
  title: 'Summary',
  about: "Keras' model.summary(): every layer, its output shape (None is the batch) and how many weights it learns.",
  /** @param {import('../view_context.js').ViewContext} app */
  async render(app) {
    return el('pre', { className: 'summary' }, app.state.model.summary.text);
  },
};
