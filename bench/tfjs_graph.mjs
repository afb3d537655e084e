// The tfjs peer of the graph benchmark (bench/graph_bench.mjs): a lowered convscope graph
// (bench/graph_lowering.mjs) in tfjs ops, NHWC like Keras, with the model's own weights.

// OHWI -> HWIO. A depthwise kernel stored (C*M, kh, kw, 1) comes out in the order of tfjs'
// depthwise filter [kh, kw, C, M], given the depth `multiplier` M. int8 kernels are dequantized
// (tfjs runs f32 only).
function hwio(tf, { data, shape, scales }, multiplier = 0) {
  const [o, kh, kw, i] = shape;
  const per = kh * kw * i;
  const out = new Float32Array(data.length);
  for (let f = 0; f < o; f++) {
    const s = scales ? scales[f] : 1;
    for (let t = 0; t < per; t++) out[t * o + f] = data[f * per + t] * s;
  }
  return tf.tensor4d(out, multiplier ? [kh, kw, o / multiplier, multiplier] : [kh, kw, i, o]);
}

// OI -> IO, dequantized.
function io(tf, { data, shape: [o, i], scales }) {
  const out = new Float32Array(data.length);
  for (let f = 0; f < o; f++) for (let k = 0; k < i; k++) out[k * o + f] = data[f * i + k] * (scales ? scales[f] : 1);
  return tf.tensor2d(out, [i, o]);
}

// Activations tfjs' fused kernels apply themselves; swish is not one of them.
const FUSED = new Set(['linear', 'relu', 'relu6', 'sigmoid']);

function activate(tf, x, activation) {
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'relu6':
      return tf.relu6(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'swish':
      return tf.mul(x, tf.sigmoid(x));
    case 'softmax':
      return tf.softmax(x);
    default:
      throw new Error(`activation ${activation}`);
  }
}

export function tfjsGraph(tf, nodes) {
  const ops = nodes.map((n) => {
    const op = { ...n };
    if (n.op === 'conv') {
      op.filter = hwio(tf, n.kernel, n.depthwise ? n.multiplier : 0);
      op.bias = n.bias ? tf.tensor1d(n.bias) : undefined;
    } else if (n.op === 'dense') {
      op.kernel = io(tf, n.kernel);
      op.bias = n.bias ? tf.tensor1d(n.bias) : undefined;
    } else if (n.op === 'affine') {
      // One batchNorm kernel computes x * scale + shift (mean 0, variance 1, no epsilon).
      const c = n.scale.length;
      Object.assign(op, {
        scale: tf.tensor1d(n.scale),
        shift: tf.tensor1d(n.shift),
        zeros: tf.zeros([c]),
        ones: tf.ones([c]),
      });
    }
    return op;
  });

  function step(op, x, xs) {
    switch (op.op) {
      case 'pad':
        return tf.pad(x, [[0, 0], ...op.pads, [0, 0]]);
      case 'conv': {
        const fused = FUSED.has(op.activation);
        const args = {
          x,
          filter: op.filter,
          bias: op.bias,
          strides: op.strides,
          pad: op.padding,
          dilations: op.dilations,
          activation: fused ? op.activation : 'linear',
        };
        const y = op.depthwise ? tf.fused.depthwiseConv2d(args) : tf.fused.conv2d(args);
        return fused ? y : activate(tf, y, op.activation);
      }
      case 'affine':
        return tf.batchNorm(x, op.zeros, op.ones, op.shift, op.scale, 0);
      case 'act':
        return activate(tf, x, op.activation);
      case 'pool':
        return (op.kind === 'max' ? tf.maxPool : tf.avgPool)(x, op.size, op.strides, op.padding);
      case 'gap':
        return tf.mean(x, [1, 2]);
      case 'reshape':
        return tf.reshape(x, [1, ...op.target]);
      case 'flatten':
        return tf.reshape(x, [1, -1]);
      case 'dense': {
        const softmax = op.activation === 'softmax';
        const y = tf.fused.matMul({
          a: x,
          b: op.kernel,
          bias: op.bias,
          activation: softmax ? 'linear' : op.activation,
        });
        return softmax ? tf.softmax(y) : y;
      }
      case 'add':
        return tf.add(xs[0], xs[1]);
      case 'mul':
        return tf.mul(xs[0], xs[1]);
      case 'concat':
        return tf.concat(xs, -1);
      default:
        throw new Error(`operation ${op.op}`);
    }
  }

  return {
    // x: the preprocessed NHWC input tensor; returns the class scores.
    predict(x) {
      const y = tf.tidy(() => {
        const out = new Map();
        let last;
        for (const op of ops) {
          const xs = op.inputs.map((i) => out.get(i));
          last = op.op === 'input' ? x : step(op, xs[0], xs);
          out.set(op.name, last);
        }
        return last;
      });
      const data = y.dataSync();
      y.dispose();
      return data;
    },
  };
}
