// A control for one method option, built from its catalog description (web/src/catalog.js): a
// number field with the option's range, a checkbox or a menu; its help as the tooltip and its
// accessible description. A value out of range is refused on the spot and the last good one kept.
import { expectedOf, parseOption } from './catalog.js';
import { el } from './ui.js';

let described = 0; // ids for aria-describedby

// `max` (optional) narrows the catalog's upper bound (patch and stride: the model's input side).
// A number field whose `value` is undefined is left empty and shows `placeholder` (what the core
// does without it).
export function optionControl(spec, value, onChange, max = spec.max, placeholder = undefined) {
  const id = `option-help-${++described}`;
  const help = el('span', { id, className: 'sr-only' }, spec.help);
  const label = spec.unit && spec.unit !== spec.name ? `${spec.name} (${spec.unit}) ` : `${spec.name} `;
  const common = { 'aria-label': spec.name, 'aria-describedby': id, title: spec.help };
  let input;
  if (spec.type === 'boolean') {
    input = el('input', {
      ...common,
      type: 'checkbox',
      checked: Boolean(value),
      onchange: () => onChange(input.checked),
    });
  } else if (spec.type === 'choice') {
    input = el(
      'select',
      { ...common, onchange: () => onChange(input.value) },
      ...spec.choices.map((c) => el('option', { value: c, selected: c === value }, c)),
    );
  } else {
    const bounded = { ...spec, max: Math.min(spec.max, max) };
    input = el('input', {
      ...common,
      min: bounded.min,
      max: bounded.max,
      type: 'number',
      step: spec.type === 'integer' ? 1 : 'any',
      value: value === undefined ? '' : String(value),
      ...(placeholder === undefined ? {} : { placeholder }),
      onchange: () => {
        // Emptied where a placeholder says what the core does without a value: unset again.
        if (placeholder !== undefined && input.value.trim() === '') {
          input.setCustomValidity('');
          onChange(undefined);
          return;
        }
        const v = parseOption(bounded, input.value);
        input.setCustomValidity(v === undefined ? `${spec.name} must be ${expectedOf(bounded)}` : '');
        if (v === undefined) input.reportValidity();
        else onChange(v);
      },
    });
  }
  return el('label', {}, label, input, help);
}
