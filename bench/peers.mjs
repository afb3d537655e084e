// The peers' side of the forward-pass benchmarks (VGG16, graph models), shared by Node and the
// browser page: VGG16 in tfjs from convscope's own f32 weights, layout helpers, the scores check.

// NHWC -> NCHW (onnxruntime's layout).
export function toNchw(nhwc, h, w, c) {
  const out = new Float32Array(nhwc.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let k = 0; k < c; k++) out[(k * h + y) * w + x] = nhwc[(y * w + x) * c + k];
    }
  }
  return out;
}

// A preprocessed NHWC input back to RGBA pixels (so convscope can be fed pixels at the input size
// and skip decoding, like the peers, which get the tensor): the inverse of wasm/images/preprocess.h,
// `p` a model.info().preprocessing (default: VGG16's caffe).
const CAFFE = { channelOrder: 'BGR', mean: [103.939, 116.779, 123.68], scale: 1, std: [1, 1, 1] };
export function toRgba(nhwc, p = CAFFE) {
  const n = nhwc.length / 3;
  const rgba = new Uint8ClampedArray(n * 4);
  const source = (c) => (p.channelOrder === 'BGR' ? 2 - c : c);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++)
      rgba[4 * i + source(c)] = Math.round((nhwc[3 * i + c] * p.std[c] + p.mean[c]) / p.scale);
    rgba[4 * i + 3] = 255;
  }
  return rgba;
}

// The largest difference of two score vectors relative to the largest of the reference `b` (as
// the PyTorch comparisons measure): element by element, softmax tails that underflow to 0 in one
// engine and not the other would read as a 100% difference.
export function maxRelDiff(a, b) {
  let diff = 0,
    top = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    top = Math.max(top, Math.abs(b[i]));
  }
  return diff / top;
}

// VGG16 in tfjs ops with the weights of a convscope f32 Model (OHWI -> HWIO, OI -> IO).
export function tfjsVgg16(tf, model) {
  const layers = model
    .summary()
    .rows.slice(1)
    .map((row) => {
      const w = model.weights(row.name);
      if (w.kernel && w.kernel.dtype !== 'float32') throw new Error('tfjsVgg16 needs an f32 model');
      if (row.type === 'Conv2D') {
        const [o, kh, kw, i] = w.kernel.shape;
        const ohwi = w.kernel.data;
        const hwio = new Float32Array(ohwi.length);
        for (let f = 0; f < o; f++) {
          for (let t = 0; t < kh * kw * i; t++) hwio[t * o + f] = ohwi[f * kh * kw * i + t];
        }
        return {
          type: 'conv',
          filter: tf.tensor4d(hwio, [kh, kw, i, o]),
          bias: tf.tensor1d(Float32Array.from(w.bias.data)),
        };
      }
      if (row.type === 'Dense') {
        const [o, i] = w.kernel.shape;
        const oi = w.kernel.data;
        const io = new Float32Array(oi.length);
        for (let f = 0; f < o; f++) for (let k = 0; k < i; k++) io[k * o + f] = oi[f * i + k];
        return {
          type: 'dense',
          kernel: tf.tensor2d(io, [i, o]),
          bias: tf.tensor1d(Float32Array.from(w.bias.data)),
          softmax: row.name === 'predictions',
        };
      }
      return { type: row.type };
    });
  return {
    predict(x) {
      const y = tf.tidy(() => {
        let h = x;
        for (const l of layers) {
          if (l.type === 'conv') {
            h = tf.fused.conv2d({ x: h, filter: l.filter, bias: l.bias, strides: 1, pad: 'same', activation: 'relu' });
          } else if (l.type === 'MaxPooling2D') {
            h = tf.maxPool(h, 2, 2, 'valid');
          } else if (l.type === 'Flatten') {
            h = tf.reshape(h, [1, -1]);
          } else if (l.type === 'dense') {
            h = tf.fused.matMul({ a: h, b: l.kernel, bias: l.bias, activation: l.softmax ? 'linear' : 'relu' });
            if (l.softmax) h = tf.softmax(h);
          }
        }
        return h;
      });
      const data = y.dataSync();
      y.dispose();
      return data;
    },
  };
}
