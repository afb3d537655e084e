// Whether this JavaScript engine computes relaxed SIMD right, checked by running it: validation
// alone is not enough (Node 20 with --experimental-wasm-relaxed-simd compiles these instructions
// and returns twice the right dot product). The relaxed module is chosen only when every result
// below is the one any conforming engine must give; otherwise the baseline module runs. XNNPACK
// makes its own, stricter checks inside the relaxed module and keeps its baseline kernels where
// they fail (Firefox ESR 153 here).

const i8x16 = (lanes) => lanes.map((x) => x & 0xff);
const f32x4 = (lanes) => [...new Uint8Array(new Float32Array(lanes).buffer)];
const v128Const = (bytes) => [0xfd, 0x0c, ...bytes];
const v128Store = (offset) => [0xfd, 0x0b, 0x04, offset]; // align 2^4, offset < 128

// Deterministic cases: with the second operand in 0..127 the dot product has one right answer,
// and these multiply-adds are exact whether or not the engine fuses them.
const dotA = Array.from({ length: 16 }, (_, i) => i - 8);
const dotB = Array.from({ length: 16 }, (_, i) => i % 7);
const madd = { a: [2, 3, 0.5, -1], b: [3, 4, 8, 5], c: [1, -2, 0.25, 5] };
export const EXPECTED = {
  dot: [0, 1, 2, 3].map((j) => [0, 1, 2, 3].reduce((s, k) => s + dotA[4 * j + k] * dotB[4 * j + k], 0)),
  madd: madd.a.map((a, i) => a * madd.b[i] + madd.c[i]),
};

// (module (memory (export "m") 1)
//   (func (export "f")
//     (v128.store offset=0 (i32.const 0) (i32x4.relaxed_dot_i8x16_i7x16_add_s A B 0))
//     (v128.store offset=16 (i32.const 0) (f32x4.relaxed_madd a b c))))
function selfTestModule() {
  const body = [
    0x00, // no locals
    0x41,
    0x00,
    ...v128Const(i8x16(dotA)),
    ...v128Const(i8x16(dotB)),
    ...v128Const(new Array(16).fill(0)),
    0xfd,
    0x93,
    0x02,
    ...v128Store(0), // i32x4.relaxed_dot_i8x16_i7x16_add_s (0x113)
    0x41,
    0x00,
    ...v128Const(f32x4(madd.a)),
    ...v128Const(f32x4(madd.b)),
    ...v128Const(f32x4(madd.c)),
    0xfd,
    0x85,
    0x02,
    ...v128Store(16), // f32x4.relaxed_madd (0x105)
    0x0b,
  ];
  const leb = (n) => (n < 0x80 ? [n] : [(n & 0x7f) | 0x80, ...leb(n >> 7)]);
  const vector = (bytes) => [...leb(bytes.length), ...bytes];
  const section = (id, bytes) => [id, ...vector(bytes)];
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [0x01, 0x60, 0x00, 0x00]), // type 0: () -> ()
    ...section(3, [0x01, 0x00]), // function 0: type 0
    ...section(5, [0x01, 0x00, 0x01]), // one memory, one page
    ...section(7, [0x02, 0x01, 0x6d, 0x02, 0x00, 0x01, 0x66, 0x00, 0x00]), // "m", "f"
    ...section(10, [0x01, ...vector(body)]),
  ]);
}

// What the self-test computed, or null where the engine cannot compile relaxed SIMD at all.
// `wasm`: the WebAssembly namespace to test (tests hand in a faulty one).
export function runSelfTest(wasm = globalThis.WebAssembly) {
  const bytes = selfTestModule();
  if (!wasm || !wasm.validate(bytes)) return null;
  const instance = new wasm.Instance(new wasm.Module(bytes), {});
  const exports = /** @type {{ f: () => void, m: WebAssembly.Memory }} */ (instance.exports);
  exports.f();
  const buffer = exports.m.buffer;
  return { dot: [...new Int32Array(buffer, 0, 4)], madd: [...new Float32Array(buffer, 16, 4)] };
}

const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

// True only where every self-test result is right.
export function relaxedSimdWorks(wasm = globalThis.WebAssembly) {
  try {
    const r = runSelfTest(wasm);
    return r !== null && same(r.dot, EXPECTED.dot) && same(r.madd, EXPECTED.madd);
  } catch {
    return false; // an engine that fails to run it does not get the relaxed module
  }
}
