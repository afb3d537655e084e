// Random arguments to every call of the module's JS surface (the Embind-facing validation: wrong
// types, missing or hostile options, NaN, negative and huge numbers, odd names, random bytes),
// seeded. Each call must return or throw an Error with a message (a ConvscopeError naming the
// argument, or Embind's own type error before wasm is entered); afterwards no memory is held, and
// the model still gives the same predictions. CONVSCOPE_FUZZ_CALLS sets the number of calls
// (default 3000, CI) and CONVSCOPE_FUZZ_SEED the sequence; longer runs: docs/robustness.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { loadConvscope } from '../support/load_module.mjs';
import { root, smallModel } from '../support/models.mjs';

const CALLS = Number(process.env.CONVSCOPE_FUZZ_CALLS ?? 3000);
const SEED = Number(process.env.CONVSCOPE_FUZZ_SEED ?? 2026);
const photo = readFileSync(path.join(root, 'web/samples/chelsea.jpg'));

// xorshift32: the same sequence of calls every run.
function random(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

test(`${CALLS} calls with random arguments: errors with messages, no memory held, model intact`, () => {
  return loadConvscope().then((m) => {
    const rnd = random(SEED);
    const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
    const int = (n) => Math.floor(rnd() * n);
    const bytes = (n) => Uint8Array.from({ length: n }, () => int(256));
    const model = m.Model.load(smallModel().bytes);
    const layers = model.summary().rows.map((r) => r.name);
    // What the model keeps for reuse exists before the baseline: both precisions' engines (a run in
    // the other precision builds one) and the backward pass (built by the first explanation).
    const settle = () => {
      model.run(photo, { precision: 'f32' });
      model.explain('saliency');
      return model.run(photo, { precision: 'int8' }).predictions;
    };
    const expected = settle();
    // The catalog's descriptions (methods', metrics') are built once, on first use: before the
    // baseline too.
    const catalog = m.catalog();
    const baseline = m.heapInUse();

    const numbers = [0, 1, -1, 2, 7, 0.5, NaN, Infinity, -Infinity, 2 ** 31, 2 ** 53, -(2 ** 40), 1e300];
    const scalars = () =>
      pick([
        undefined,
        null,
        true,
        false,
        '',
        'x',
        'int8',
        'f32',
        'keras',
        'crop',
        ...numbers,
        {},
        [],
        Symbol.iterator.description,
      ]);
    const value = () =>
      pick([
        scalars,
        () => pick(layers),
        () => bytes(int(64)),
        () => new Float32Array(int(16)),
        () => ({ width: pick(numbers), height: pick(numbers), data: bytes(int(64)) }),
        () => photo.subarray(0, int(photo.length)),
      ])();
    // A progress callback that goes on, cancels, throws, or is not a function.
    const progressCallback = () =>
      pick([
        () => false,
        () => true,
        () => {
          throw new Error('boom');
        },
        5,
      ]);
    const optionNames = [...new Set(catalog.methods.flatMap((x) => x.options.map((o) => o.name)))];
    // explain and sanityCheck: their own keys (a key no method takes is refused before anything
    // runs), a bogus one now and then.
    const explainOptions = () => {
      if (rnd() < 0.1) return value();
      const o = {};
      for (const k of [
        'layer',
        'class',
        'part',
        'parts',
        'topLayers',
        'randomSeed',
        'randomizedOnly',
        ...optionNames,
      ]) {
        if (rnd() < 0.2) o[k] = value();
      }
      if (rnd() < 0.05) o[pick(['steps', 'patc', 'precision'])] = value();
      if (rnd() < 0.2) o.onProgress = progressCallback();
      return o;
    };
    const options = () => {
      if (rnd() < 0.15) return value();
      const o = {};
      for (const k of [
        'precision',
        'resize',
        'topK',
        'layer',
        'class',
        'channel',
        'scale',
        'colormap',
        'steps',
        'filter',
        'preset',
        'alpha',
        'mask',
        'threshold',
        ...optionNames,
      ]) {
        if (rnd() < 0.2) o[k] = value();
      }
      if (rnd() < 0.2) o.onProgress = progressCallback();
      return o;
    };
    // Every method of the catalog, so that a new one is fuzzed without a change here.
    const methods = [...catalog.methods.map((x) => x.name), 'nope', ''];
    // The metrics likewise, with their keys and the maps they take (few points: each is a pass).
    const metrics = [...catalog.metrics.map((x) => x.name), 'rise'];
    const metricOptions = () => {
      if (rnd() < 0.1) return value();
      const o = { points: pick([3, 4, ...numbers]), percentStep: pick([50, 40, ...numbers]) };
      for (const k of ['class', 'baseline', 'seed', 'imputationNoise', 'randomizedModelMap', 'part', 'parts', 'bogus'])
        if (rnd() < 0.2) o[k] = pick([value, () => new Float32Array(32 * 32).fill(pick(numbers))])();
      if (rnd() < 0.2) o.onProgress = progressCallback();
      return o;
    };
    const aMap = () => pick([value, () => new Float32Array(32 * 32).map(() => rnd())])();
    const calls = [
      () =>
        m.Model.load(
          pick([bytes(int(200)), value(), smallModel().bytes.subarray(0, int(smallModel().bytes.length))]),
        ).release(),
      () => model.run(value(), options()),
      () => model.layerConfig(value()),
      () => model.weights(value()),
      () => model.activation(value()),
      () => model.filterGrid(value(), options()),
      () => model.featureMapGrid(value(), options()),
      () => model.explain(pick([...methods, value()]), { ...explainOptions(), samples: 2, patch: 16, stride: 16 }),
      () => model.maximize({ ...options(), steps: int(3) }),
      () => model.sanityCheck(pick(methods), { ...explainOptions(), samples: 2 }),
      () => m.decodeImage(value()),
      () =>
        m.overlay(value(), { map: new Float32Array(int(64)), width: pick(numbers), height: pick(numbers) }, options()),
      () => m.caption(value(), pick(numbers), pick(numbers)),
      () => m.convertKeras(value(), options()),
      () => model.measure(pick(metrics), aMap(), metricOptions()),
      () => model.measurePart(pick(metrics), aMap(), metricOptions()),
      () => model.combineMeasurement(pick(metrics), aMap(), metricOptions(), pick([value(), [value(), value()]])),
      () => m.withPreprocessing(pick([value(), smallModel().bytes]), pick([value(), 'tf', 'custom'])),
      () => m.withLabels(pick([value(), smallModel().bytes]), pick([value(), 'a\nb', '["a"]', '{"0": 1}']), value()),
    ];
    const failures = new Map();
    for (let i = 0; i < CALLS; ++i) {
      const k = int(calls.length);
      try {
        calls[k]();
      } catch (e) {
        assert.ok(
          e instanceof Error && typeof e.message === 'string' && e.message.length > 0,
          `call ${k}: threw ${String(e)}`,
        );
        failures.set(e.name, (failures.get(e.name) ?? 0) + 1);
      }
    }
    assert.deepEqual(settle(), expected);
    // Only the last error message is kept (for lastError()): a few hundred bytes at most, where a
    // leak of even 16 bytes per call would show as tens of kilobytes.
    const held = m.heapInUse() - baseline;
    assert.ok(held >= 0 && held < 1024, `${held} bytes held after the calls`);
    assert.ok((failures.get('ConvscopeError') ?? 0) > CALLS / 10, JSON.stringify([...failures]));
    model.release();
  });
});
