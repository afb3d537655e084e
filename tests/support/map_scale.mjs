// How a method's map must be normalized (the catalog's scale, wasm/methods/explanation.h): from
// zero, [0, largest] -> [0, 1] with 0 still 0; signed, [-m, m] -> [0, 1] with zero at 0.5.
import assert from 'node:assert/strict';

export function assertScaled(x, scale, what = x.method) {
  const [low, high] = x.valueRange;
  if (scale === 'signed') {
    assert.equal(low, -high, `${what}: a signed range is symmetric`);
    assert.equal(Math.max(...x.map.map((v) => Math.abs(2 * v - 1))), 1, `${what}: the largest |value| at 0 or 1`);
  } else {
    assert.equal(low, 0, `${what}: the range starts at zero`);
    assert.equal(Math.max(...x.map), 1, `${what}: the largest value at 1`);
    assert.ok(Math.min(...x.map) >= 0, `${what}: nothing below zero`);
  }
}
