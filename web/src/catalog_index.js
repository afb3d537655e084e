// The core's catalog (wasm/catalog.h) indexed for the front ends: the methods, their labels and
// help, which run on request, which split over workers, and every option with its type, default and
// range. Given the catalog itself: the page and the widget bundle their build's (catalog.js), the
// CLI reads the one of the build it runs (cli/catalog.mjs). Nothing here lists a method or an
// option by name: a method added to the core appears in the menus, the controls, the link checks,
// the widget's attributes and the CLI's flags by itself.

/** @typedef {import('../../wasm/convscope').Catalog} Catalog */
/** @typedef {Catalog['methods'][number]} MethodDescription */

/** @param {Catalog} catalog */
export function indexCatalog(catalog) {
  // By name. The maps and sets here take any text (a link's, an attribute's), not only a Method.
  /** @type {Map<string, MethodDescription>} */
  const METHOD_INFO = new Map(catalog.methods.map((m) => [m.name, m]));
  // [name, label] pairs, for menus.
  const METHODS = catalog.methods.map((m) => [m.name, m.label]);
  // The methods of many passes: run on request (Run), not whenever a view is drawn.
  /** @type {Set<string>} */
  const LONG_METHODS = new Set(catalog.methods.filter((m) => m.rerunsForward).map((m) => m.name));
  // The methods whose passes workers can split (explain {part, parts}).
  /** @type {Set<string>} */
  const SPLIT_METHODS = new Set(catalog.methods.filter((m) => m.splits).map((m) => m.name));

  // Every option of any method by name (options of the same name mean the same thing: SmoothGrad's
  // samples and integrated gradients' steps are both `samples`).
  const OPTIONS = optionsByName(catalog.methods);
  // The faithfulness metrics (Model.measure) by name, and their options by name.
  /** @type {Map<string, Catalog['metrics'][number]>} */
  const METRIC_INFO = new Map(catalog.metrics.map((m) => [m.name, m]));
  const METRIC_OPTIONS = optionsByName(catalog.metrics);
  // Activation maximization's options (preset, steps, seed) by name.
  const MAXIMIZE_OPTIONS = new Map(catalog.maximize.options.map((o) => [o.name, o]));
  // Every setting a link or a widget attribute may carry: the methods' options and maximization's
  // (a seed is a seed for SmoothGrad and for maximization alike).
  const EVERY_OPTION = optionsByName([...catalog.methods, { name: 'maximize', options: catalog.maximize.options }]);

  // The options `method` takes from `state` (values set by the reader; the core fills in the rest).
  function methodOptions(method, state) {
    const o = {};
    for (const spec of METHOD_INFO.get(method)?.options ?? [])
      if (state[spec.name] !== undefined) o[spec.name] = state[spec.name];
    return o;
  }

  // The maximization options set in `state` (the core fills in the rest).
  function maximizeOptions(state) {
    return Object.fromEntries(
      [...MAXIMIZE_OPTIONS.keys()].filter((k) => state[k] !== undefined).map((k) => [k, state[k]]),
    );
  }

  return {
    catalog,
    METHOD_INFO,
    METHODS,
    LONG_METHODS,
    SPLIT_METHODS,
    OPTIONS,
    METRIC_INFO,
    METRIC_OPTIONS,
    MAXIMIZE_OPTIONS,
    EVERY_OPTION,
    methodOptions,
    maximizeOptions,
  };
}

// The options of `owners` ({name, options}: methods, maximization) by name, with the widest range
// among those of one name and, where several share it, each one's help ("smoothgrad: ...; ig: ...").
function optionsByName(owners) {
  const options = new Map();
  // Per option, its help texts and who says each (owners with the same text share it).
  const texts = new Map();
  for (const m of owners) {
    for (const o of m.options) {
      const seen = options.get(o.name);
      const said = texts.get(o.name) ?? new Map();
      said.set(o.help, [...(said.get(o.help) ?? []), m.name]);
      texts.set(o.name, said);
      const help = [...said].map(([text, names]) => `${names.join(', ')}: ${text}`).join(' ');
      options.set(
        o.name,
        seen
          ? {
              ...seen,
              min: Math.min(seen.min, o.min),
              max: Math.max(seen.max, o.max),
              help,
              methods: [...seen.methods, m.name],
            }
          : { ...o, help, methods: [m.name] },
      );
    }
  }
  return options;
}

// The colormap of a method's maps by their scale (the catalog's): a diverging one for signed maps,
// whose middle is zero. The page, the widget and the CLI draw them so.
/** @param {import('../../wasm/catalog').MapScale} scale */
export const colormapOf = (scale) => (scale === 'signed' ? 'coolwarm' : 'jet');

// `text` as the value of option `spec` (a link, an attribute), or undefined when it is not one.
export function parseOption(spec, text) {
  if (spec.type === 'boolean') return text === 'true' ? true : text === 'false' ? false : undefined;
  if (spec.type === 'choice') return spec.choices.includes(text) ? text : undefined;
  const value = Number(text);
  const ok =
    text.trim() !== '' &&
    Number.isFinite(value) &&
    value >= spec.min &&
    value <= spec.max &&
    (spec.type !== 'integer' || Number.isInteger(value));
  return ok ? value : undefined;
}

// What a valid value of `spec` is, for messages: "a whole number from 1 to 1000", "true or false".
export function expectedOf(spec) {
  if (spec.type === 'boolean') return 'true or false';
  if (spec.type === 'choice') return spec.choices.map((c) => `'${c}'`).join(' or ');
  return `${spec.type === 'integer' ? 'a whole number' : 'a number'} from ${spec.min} to ${spec.max}`;
}
