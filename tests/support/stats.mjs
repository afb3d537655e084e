// Statistics the tests compare maps and logits with.

// Pearson correlation of two equally long arrays.
export function pearson(a, b) {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n,
    mb = b.reduce((s, v) => s + v, 0) / n;
  let ab = 0,
    aa = 0,
    bb = 0;
  for (let i = 0; i < n; i++) ((ab += (a[i] - ma) * (b[i] - mb)), (aa += (a[i] - ma) ** 2), (bb += (b[i] - mb) ** 2));
  return ab / Math.sqrt(aa * bb);
}

// How closely map `a` follows map `b`: their Pearson correlation, or 1 when both are all zero
// (a CAM's ReLU can leave nothing at a small layer, where correlation is undefined).
export function mapAgreement(a, b) {
  const zero = (x) => x.every((v) => v === 0);
  return zero(a) && zero(b) ? 1 : pearson(a, b);
}
