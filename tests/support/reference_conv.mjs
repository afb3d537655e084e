// Ground truth for the JS-side tests (Node and Chromium): a naive convolution with the same
// conventions as convscope's Conv2d (NHWC input, OHWI weights, stride 1, symmetric zero padding).

export function referenceConv2d(o, input) {
  const { height: h, width: w, inChannels: c, outChannels: k } = o;
  const kh = o.kernelHeight ?? 3;
  const kw = o.kernelWidth ?? 3;
  const pad = o.padding ?? 1;
  const relu = o.relu ?? true;
  const oh = h + 2 * pad - kh + 1;
  const ow = w + 2 * pad - kw + 1;
  const out = new Float32Array(oh * ow * k);
  for (let oy = 0; oy < oh; oy++) {
    for (let ox = 0; ox < ow; ox++) {
      for (let f = 0; f < k; f++) {
        let acc = o.bias[f];
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy + ky - pad;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox + kx - pad;
            if (ix < 0 || ix >= w) continue;
            const ib = (iy * w + ix) * c;
            const wb = ((f * kh + ky) * kw + kx) * c;
            for (let ch = 0; ch < c; ch++) acc += input[ib + ch] * o.weights[wb + ch];
          }
        }
        out[(oy * ow + ox) * k + f] = relu ? Math.max(acc, 0) : acc;
      }
    }
  }
  return out;
}

// mulberry32: a tiny seeded PRNG, so a failing case can be reproduced from its printed seed.
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomArray(random, n, lo, hi) {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * random();
  return a;
}

// A random convolution problem: options for Conv2d.create plus an input.
export function randomConvCase(random) {
  const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
  const kernelHeight = int(1, 3);
  const kernelWidth = int(1, 3);
  const padding = int(0, Math.min(kernelHeight, kernelWidth) - 1);
  const height = int(kernelHeight, 12);
  const width = int(kernelWidth, 12);
  const inChannels = int(1, 24);
  const outChannels = int(1, 24);
  const scale = 1 / Math.sqrt(kernelHeight * kernelWidth * inChannels);
  const options = {
    height,
    width,
    inChannels,
    outChannels,
    kernelHeight,
    kernelWidth,
    padding,
    relu: random() < 0.5,
    weights: randomArray(random, outChannels * kernelHeight * kernelWidth * inChannels, -scale, scale),
    bias: randomArray(random, outChannels, -0.1, 0.1),
  };
  return { options, input: randomArray(random, height * width * inChannels, -1, 1) };
}

export function maxAbs(a) {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

export function maxAbsDiff(a, b) {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
