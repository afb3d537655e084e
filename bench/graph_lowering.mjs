// A convscope graph model (ResNet50, MobileNetV2, EfficientNetB0, DenseNet121, ...) as the plain
// list of operations the peers are built from (bench/tfjs_graph.mjs, bench/make_onnx_graph.py),
// with the model's own weights: rows from model.summary() (topological order, `inputs` the
// inbound layers), configs from model.layerConfig, weights from model.weights in stored layout.
//
// A BatchNormalization right after a convolution (its only reader) is folded into the
// convolution's weights and bias, and a following ReLU, ReLU6, sigmoid or swish into its output, as
// tfjs-converter and onnxruntime's optimizer do with such a model: the peers run as fast as their
// tools make them. An int8 kernel keeps its int8 values (negated where the BatchNormalization's
// factor is negative, exact at +-127) and only its per-channel scales change, so the int8 peer
// still multiplies convscope's own int8 weights.
//
// Operations (`shape`: the output's Keras shape without the batch, NHWC):
//   input | pad {pads: [[top, bottom], [left, right]]}
//   conv {kernel: {data, shape: OHWI, scales?}, bias, strides, dilations, padding: 'same'|'valid',
//         depthwise, multiplier, activation, preActivation (the layer whose output the activation reads)}
//   affine {scale, shift} (per channel) | act {activation} | pool {kind: 'max'|'avg', size,
//   strides, padding} | gap | reshape {target} | flatten | dense {kernel: {data, shape: OI,
//   scales?}, bias, activation} | add | mul | concat
// Activations: linear, relu, relu6, sigmoid, swish, softmax. Each operation is named after the
// last layer it covers (so activation ranges recorded per layer apply to its output).
const ACTIVATIONS = { linear: 'linear', relu: 'relu', sigmoid: 'sigmoid', silu: 'swish', swish: 'swish' };
const FUSIBLE = new Set(['relu', 'relu6', 'sigmoid', 'swish']);

function activationOf(cfg) {
  if (cfg.className === 'ReLU') {
    if (cfg.negative_slope || cfg.threshold) throw new Error(`${cfg.name}: leaky or thresholded ReLU`);
    if (cfg.max_value == null) return 'relu';
    if (cfg.max_value === 6) return 'relu6';
    throw new Error(`${cfg.name}: ReLU max_value ${cfg.max_value}`);
  }
  const a = cfg.activation ?? 'linear';
  if (a === 'softmax') return 'softmax';
  if (!ACTIVATIONS[a]) throw new Error(`${cfg.name}: activation ${a} not lowered`);
  return ACTIVATIONS[a];
}

const pair = (v) => (Array.isArray(v) ? v : [v, v]);
const f32 = (t) => (t ? Float32Array.from(t.data) : null);
const kernelOf = (t) => ({
  data: t.dtype === 'int8' ? Int8Array.from(t.data) : Float32Array.from(t.data),
  shape: t.shape,
  scales: t.scales ? Float32Array.from(t.scales.data) : undefined,
});

// Per-channel scale and shift of a BatchNormalization, as convscope computes them.
function batchNormAffine(w, cfg, channels) {
  const scale = new Float32Array(channels);
  const shift = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const inv = 1 / Math.fround(Math.sqrt(w.moving_variance.data[c] + cfg.epsilon));
    scale[c] = (w.gamma?.data[c] ?? 1) * inv;
    shift[c] = (w.beta?.data[c] ?? 0) - w.moving_mean.data[c] * scale[c];
  }
  return { scale, shift };
}

// y = conv(x) * scale + shift, per output channel, into the convolution itself.
function foldAffine(conv, { scale, shift }) {
  const { data, scales } = conv.kernel;
  const per = data.length / scale.length;
  for (let o = 0; o < scale.length; o++) {
    if (scales) {
      scales[o] *= Math.abs(scale[o]);
      if (scale[o] < 0) for (let i = o * per; i < (o + 1) * per; i++) data[i] = -data[i];
    } else {
      for (let i = o * per; i < (o + 1) * per; i++) data[i] *= scale[o];
    }
  }
  const bias = new Float32Array(scale.length);
  for (let o = 0; o < scale.length; o++) bias[o] = (conv.bias?.[o] ?? 0) * scale[o] + shift[o];
  conv.bias = bias;
}

export function lowerGraph(model) {
  const rows = model.summary().rows;
  const readers = new Map();
  for (const r of rows) for (const i of r.inputs) readers.set(i, (readers.get(i) ?? 0) + 1);
  const alias = new Map(); // layer name -> the operation that now produces its output
  const nodes = new Map();
  const sole = (name) => readers.get(name) === 1 && nodes.get(alias.get(name));

  for (const row of rows) {
    const cfg = model.layerConfig(row.name);
    const w = model.weights(row.name);
    const inputs = row.inputs.map((i) => alias.get(i));
    const channels = row.outputShape[row.outputShape.length - 1];
    const prev = row.inputs.length === 1 ? sole(row.inputs[0]) : null;
    let node = { name: row.name, inputs, shape: row.outputShape };
    switch (row.type) {
      case 'InputLayer':
        node.op = 'input';
        break;
      case 'Dropout':
        alias.set(row.name, inputs[0]); // an identity at inference
        continue;
      case 'ZeroPadding2D':
        Object.assign(node, { op: 'pad', pads: cfg.padding.map(pair) });
        break;
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        if ((cfg.groups ?? 1) !== 1) throw new Error(`${row.name}: grouped convolution`);
        const depthwise = row.type === 'DepthwiseConv2D';
        Object.assign(node, {
          op: 'conv',
          kernel: kernelOf(depthwise ? w.depthwise_kernel : w.kernel),
          bias: f32(w.bias),
          strides: pair(cfg.strides),
          dilations: pair(cfg.dilation_rate),
          padding: cfg.padding,
          depthwise,
          multiplier: depthwise ? (cfg.depth_multiplier ?? 1) : 1,
          activation: activationOf(cfg),
          preActivation: null,
        });
        break;
      }
      case 'BatchNormalization': {
        if (![-1, row.outputShape.length].includes(cfg.axis)) throw new Error(`${row.name}: axis ${cfg.axis}`);
        const affine = batchNormAffine(w, cfg, channels);
        if (prev?.op === 'conv' && prev.activation === 'linear') {
          foldAffine(prev, affine);
          node = prev;
          break;
        }
        Object.assign(node, { op: 'affine', ...affine });
        break;
      }
      case 'Rescaling':
        Object.assign(node, {
          op: 'affine',
          scale: new Float32Array(channels).fill(cfg.scale),
          shift: new Float32Array(channels).fill(cfg.offset ?? 0),
        });
        break;
      case 'Normalization': {
        const scale = new Float32Array(channels);
        const shift = new Float32Array(channels);
        for (let c = 0; c < channels; c++) {
          const d = Math.max(Math.sqrt(w.variance.data[c]), 1e-7);
          ((scale[c] = 1 / d), (shift[c] = -w.mean.data[c] / d));
        }
        Object.assign(node, { op: 'affine', scale, shift });
        break;
      }
      case 'Activation':
      case 'ReLU': {
        const activation = activationOf(cfg);
        if (prev?.op === 'conv' && prev.activation === 'linear' && FUSIBLE.has(activation)) {
          Object.assign(prev, { activation, preActivation: prev.name });
          node = prev;
          break;
        }
        Object.assign(node, { op: 'act', activation });
        break;
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D':
        Object.assign(node, {
          op: 'pool',
          kind: row.type === 'MaxPooling2D' ? 'max' : 'avg',
          size: pair(cfg.pool_size),
          strides: pair(cfg.strides ?? cfg.pool_size),
          padding: cfg.padding,
        });
        break;
      case 'GlobalAveragePooling2D':
        if (cfg.keepdims) throw new Error(`${row.name}: keepdims`);
        node.op = 'gap';
        break;
      case 'Reshape':
        Object.assign(node, { op: 'reshape', target: cfg.target_shape });
        break;
      case 'Flatten':
        node.op = 'flatten';
        break;
      case 'Dense':
        Object.assign(node, {
          op: 'dense',
          kernel: kernelOf(w.kernel),
          bias: f32(w.bias),
          activation: activationOf(cfg),
        });
        break;
      case 'Add':
      case 'Multiply':
        node.op = row.type === 'Add' ? 'add' : 'mul';
        break;
      case 'Concatenate':
        if (cfg.axis !== -1 && cfg.axis !== row.outputShape.length) throw new Error(`${row.name}: concat axis`);
        node.op = 'concat';
        break;
      default:
        throw new Error(`${row.name}: layer type ${row.type} not lowered`);
    }
    // A folded layer renames the operation it joined: later layers read it under the new name.
    nodes.delete(node.name);
    Object.assign(node, { name: row.name, shape: row.outputShape });
    nodes.set(row.name, node);
    alias.set(row.name, row.name);
  }
  return [...nodes.values()];
}

// The operations as JSON plus one binary file of their arrays (what make_onnx_graph.py reads):
// each array becomes {dtype, offset, length} into the binary file.
export function serializeGraph(nodes) {
  const chunks = [];
  let offset = 0;
  const put = (a) => {
    if (!ArrayBuffer.isView(a)) return a;
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    chunks.push(bytes);
    const ref = { dtype: a instanceof Int8Array ? 'int8' : 'float32', offset, length: a.length };
    offset += bytes.length + ((4 - (bytes.length % 4)) % 4);
    if (bytes.length % 4) chunks.push(new Uint8Array((4 - (bytes.length % 4)) % 4));
    return ref;
  };
  const json = nodes.map((n) => {
    const out = {};
    for (const [k, v] of Object.entries(n)) {
      out[k] =
        v && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v)
          ? Object.fromEntries(Object.entries(v).map(([k2, v2]) => [k2, put(v2)]))
          : put(v);
    }
    return out;
  });
  return { json: JSON.stringify(json), bin: Buffer.concat(chunks) };
}

// serializeGraph's output back to operations (the browser page reads the files the benchmark
// wrote: the page's modules may predate the summary's `inputs`). `bin` an ArrayBuffer.
export function deserializeGraph(json, bin) {
  const value = (v) => {
    if (v && typeof v === 'object' && 'dtype' in v && 'offset' in v) {
      return new (v.dtype === 'int8' ? Int8Array : Float32Array)(bin, v.offset, v.length);
    }
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, value(x)]));
    }
    return v;
  };
  return JSON.parse(json).map(value);
}
