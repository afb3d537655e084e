// Occlusion sensitivity: incremental inference equals recomputing every occluded image (small and
// full-size VGG16, f32 and int8 files), the f32 drops equal PyTorch's (float64) within 1e-3 of the
// largest, the map is delivered coarse to fine, and bad settings are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { loadConvscope } from '../support/load_module.mjs';
import { assertScaled } from '../support/map_scale.mjs';
import { readImage, smallModel, torchExplain, vgg16 } from '../support/models.mjs';

const m = await loadConvscope();

function assertSame(got, want, tolerance, what) {
  assert.equal(got.length, want.length, `${what}: length`);
  const scale = Math.max(...Array.from(want, Math.abs));
  assert.ok(scale > 0, `${what}: no position changes the probability`);
  got.forEach((v, i) =>
    assert.ok(
      Math.abs(v - want[i]) <= tolerance * scale,
      `${what}: position ${i}: ${v} vs ${want[i]} (scale ${scale})`,
    ),
  );
}

test('small VGG16: incremental equals naive (f32 and int8 files); f32 equals PyTorch', () => {
  for (const args of [['--precision', 'f32'], []]) {
    const { bytes, h5 } = smallModel(args);
    const model = m.Model.load(bytes);
    try {
      for (const photo of ['chelsea.png', 'rocket.jpg']) {
        const run = model.run(readImage(photo));
        const cls = run.predictions[1].index;
        const fast = model.explain('occlusion', { class: cls, patch: 6, stride: 2 });
        const naive = model.explain('occlusion', { class: cls, patch: 6, stride: 2, naive: true });
        assert.deepEqual(fast.raw.shape, [14, 14]);
        assertSame(fast.raw.data, naive.raw.data, 1e-6, `${photo} ${args} incremental vs naive`);
        // The Dense head scores the occluded copies in batches, as the naive way scores each alone.
        assert.equal(fast.computation, 'incremental through block5_pool; then flatten on, 16 copies at a time');
        assert.equal(naive.computation, 'every copy recomputed whole, one at a time (naive)');
        assert.deepEqual([fast.width, fast.height, fast.map.length], [32, 32, 32 * 32]);
        assertScaled(fast, 'signed');
        if (args.length) {
          const input = Float32Array.from(model.activation('input_1').data);
          const ref = torchExplain(h5, input, 32, 32, cls, [], { occlusion: { patch: 8, stride: 4 } });
          const x = model.explain('occlusion', { class: cls, patch: 8, stride: 4 });
          assertSame(x.raw.data, ref.occlusion, 1e-3, `${photo} vs PyTorch`);
        }
      }
    } finally {
      model.release();
    }
  }
});

test('the map comes coarse to fine; progress and cancelling; the image is kept', () => {
  const model = m.Model.load(smallModel().bytes);
  try {
    model.run(readImage('astronaut.png'));
    const before = Array.from(model.activation('block5_conv3').data);
    const partials = [],
      progress = [];
    const final = model.explain('occlusion', {
      patch: 4,
      stride: 1, // 29 x 29 positions: levels every 8th, 4th, 2nd, then all
      onPartial: (x) => {
        partials.push(x);
      },
      onProgress: (f, time) => {
        progress.push([f, time]);
      },
    });
    assert.equal(partials.length, 3);
    for (const [k, factor] of [
      [0, 8],
      [1, 4],
      [2, 2],
    ]) {
      const { data, shape } = partials[k].raw;
      assert.deepEqual(shape, [29, 29]);
      // Known so far: positions on multiples of `factor`; the rest copy their coarse neighbour,
      // which already holds its final value.
      for (let r = 0; r < 29; r++) {
        for (let c = 0; c < 29; c++) {
          const known = Math.floor(r / factor) * factor * 29 + Math.floor(c / factor) * factor;
          assert.equal(data[r * 29 + c], final.raw.data[known], `level ${k} at ${r},${c}`);
        }
      }
    }
    assert.equal(progress.at(-1)[0], 1);
    assert.ok(
      progress.every(([f], i) => i === 0 || f > progress[i - 1][0]),
      'progress increases',
    );
    assert.ok(progress.every(([, t]) => t.elapsedMs >= 0 && t.remainingMs >= 0));
    assert.throws(() => model.explain('occlusion', { patch: 4, stride: 1, onPartial: () => false }), /cancelled/);
    assert.throws(() => model.explain('occlusion', { patch: 4, stride: 1, onProgress: (f) => f < 0.3 }), /cancelled/);
    assert.deepEqual(Array.from(model.activation('block5_conv3').data), before, 'activations restored');
    assert.deepEqual(
      Array.from(model.explain('occlusion', { patch: 4, stride: 1 }).raw.data),
      Array.from(final.raw.data),
    );
  } finally {
    model.release();
  }
});

test('occlusion: bad settings are refused with clear messages', () => {
  const model = m.Model.load(smallModel().bytes);
  try {
    model.run(readImage('chelsea.png'));
    assert.throws(
      () => model.explain('occlusion', { patch: 0 }),
      /patch must be an integer from 1 to 32768, got number 0/,
    );
    assert.throws(
      () => model.explain('occlusion', { patch: 33 }),
      /the occlusion patch must be 1 to 32 pixels, got 33/,
    );
    assert.throws(
      () => model.explain('occlusion', { stride: 0 }),
      /stride must be an integer from 1 to 32768, got number 0/,
    );
    assert.throws(() => model.explain('occlusion', { patch: -1 }), /patch must be/);
    assert.throws(
      () => model.explain('occlusion', { score: 'rank' }),
      /score must be 'probability' or 'logit', got 'rank'/,
    );
    assert.throws(
      () => model.explain('occlusion', { fill: NaN }),
      /fill must be a number from -1000000 to 1000000, got number NaN/,
    );
    assert.equal(model.explain('occlusion', { patch: 32, stride: 32 }).raw.data.length, 1);
  } finally {
    model.release();
  }
});

// The VGG16 geometry (5 pools, 224 pixels): positions at the corners, edges and middle, every 104
// pixels; the naive side recomputes each of the 9 occluded images whole. The synthetic weights
// saturate the softmax (probability 1 for every photo), so the drops are in the logit.
test('full-size VGG16 (int8 file): incremental equals naive at the default patch', () => {
  const model = m.Model.load(vgg16().bytes);
  try {
    model.run(readImage('coffee.png'));
    const fast = model.explain('occlusion', { stride: 104, score: 'logit' });
    const naive = model.explain('occlusion', { stride: 104, score: 'logit', naive: true });
    assert.deepEqual(fast.raw.shape, [3, 3]);
    assertSame(fast.raw.data, naive.raw.data, 1e-5, 'VGG16 incremental vs naive');
  } finally {
    model.release();
  }
});
