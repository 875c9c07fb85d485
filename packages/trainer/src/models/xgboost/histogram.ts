// The row work of XGBoost training (gradients, row sampling, partitions, histograms, the margins'
// update: nearly all of its cost) and the split search on the calling thread and one helper thread.
//
// Work on at least SPLIT_ROWS rows is always done as two fixed parts (a range's halves), whose
// histograms are summed in a fixed order (first + second) and whose partitions are joined in
// row order, whatever the number of threads; smaller work is one part. With a helper thread the
// second parts are offered to it over shared memory (binned matrix, row index, gradients) while
// the calling thread does the first parts; then the calling thread takes back every part the
// helper has not started and does it itself. So the model is the same bit for bit with one
// thread or two, and a helper that is slow to be scheduled (a busy machine) costs little. A
// node's split search is cut by features instead (split.ts): the best of two parts is the best
// of one search. Keeping the helper busy through every step also keeps it awake (a job posted to
// a sleeping helper costs a wake-up on both threads).
//
// The helper is a worker thread started from this module's own kernels (passed as source text),
// driven through a SharedArrayBuffer with Atomics: the calling thread stays synchronous and never
// waits on its event loop. A helper that has taken a part and does not finish it within
// HELPER_WAIT_MS is stopped and training fails (its rows may be half moved).
//
// Histograms, gradients and samples are computed by WebAssembly kernels generated for the row
// layout (SIMD pairs of float64; fdlibm's exp; the same arithmetic in the same order as the
// JavaScript kernels) where the arrays they read are in a shared WebAssembly memory (RowMemory),
// else by the JavaScript kernels.
import { MessageChannel, Worker } from "node:worker_threads";
import type { MessagePort } from "node:worker_threads";
import { TrainError } from "../../errors.js";
import { scanRows, sortFloats } from "./sketch.js";
import { SPLIT_FOUND_WORDS, leafWeight, searchSplit, splitGain } from "./split.js";
import type { SplitParams } from "./split.js";

/** Work from this many rows up is done as two parts (histograms summed in order). */
export const SPLIT_ROWS = 8192;
/** How long the calling thread waits for a part the helper has taken. */
const HELPER_WAIT_MS = 60_000;

/**
 * Adds the rows `index[begin, end)` to a zeroed histogram: for each row, its gradient and hessian
 * into the slots `2b`, `2b + 1` of each of its `cols` global bins. Self-contained: the helper
 * thread runs this function's source text.
 * @internal
 */
export function addRows(hist: Float64Array, bins: Uint16Array, cols: number, index: Uint32Array, begin: number, end: number, grad: Float32Array, hess: Float32Array): void {
  for (let k = begin; k < end; k++) {
    const r = index[k]!;
    const g = grad[r]!;
    const h = hess[r]!;
    const o = r * cols;
    for (let f = 0; f < cols; f++) {
      const b = bins[o + f]! << 1;
      hist[b] = hist[b]! + g;
      hist[b + 1] = hist[b + 1]! + h;
    }
  }
}

/** A histogram kernel with {@link addRows}' signature and results. @internal */
export type RowKernel = (hist: Float64Array, bins: Uint8Array | Uint16Array, cols: number, index: Uint32Array, begin: number, end: number, grad: Float32Array, hess: Float32Array) => void;

/**
 * How the rows' bins are stored. `offset` null: `cols` global bins per row, `stride` apart
 * (Uint16). `offset` set: each feature's bin counted from its first global bin (`offset[f]`), in
 * bytes (Uint8), rows `stride` apart — half the memory, and rows padded so that none straddles a
 * cache line.
 * @internal
 */
export interface RowLayout {
  cols: number;
  stride: number;
  offset: Int32Array | null;
}

/** Widest rows that get an unrolled kernel; wider ones use {@link addRows}. */
const UNROLL_MAX_COLS = 256;

/**
 * Source text of a function expression doing what {@link addRows} does for rows of the given
 * layout, with the feature loop unrolled: every bin updated in the same order with the same
 * additions, so the histogram is the same bit for bit, at about twice the speed (no loop counter,
 * bounds or index arithmetic per feature). The helper thread compiles the same text.
 * @internal
 */
export function rowKernelSource(layout: RowLayout): string {
  const { cols, stride, offset } = layout;
  let body = "";
  for (let f = 0; f < cols; f++) {
    const bin = offset === null ? `bins[o + ${f}]` : `(bins[o + ${f}] + ${offset[f]!})`;
    body += `    b = ${bin} << 1; hist[b] += g; hist[b + 1] += h;\n`;
  }
  return `(function addRows${cols}(hist, bins, cols, index, begin, end, grad, hess) {
  for (let k = begin; k < end; k++) {
    const r = index[k], g = grad[r], h = hess[r], o = r * ${stride};
    let b;
${body}  }
})`;
}

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** A length-prefixed vector of bytes (a section, a name, a function body). */
function vec(bytes: number[]): number[] {
  return [...uleb(bytes.length), ...bytes];
}

/** Most pages a WebAssembly memory may have (4 GiB). */
const WASM_MAX_PAGES = 65536;
const WASM_PAGE = 65536;

// WebAssembly instructions (the binary format's opcodes) the kernels below are written in.
const I32 = 0x7f;
const F32 = 0x7d;
const F64 = 0x7c;
const V128 = 0x7b;
const op = {
  block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, brIf: 0x0d, return: 0x0f, call: 0x10, select: 0x1b,
  get: 0x20, set: 0x21, tee: 0x22,
  i32Load: 0x28, f32Load: 0x2a, f64Load: 0x2b, i32Load8u: 0x2d, i32Load16u: 0x2f, i32Store: 0x36, f32Store: 0x38, i32Store8: 0x3a, i32Store16: 0x3b,
  i32Const: 0x41, i64Const: 0x42, f64Const: 0x44,
  i32Eqz: 0x45, i32Eq: 0x46, i32LtS: 0x48, i32LtU: 0x49, i32GtU: 0x4b, i32LeS: 0x4c, i32GeS: 0x4e, i32GeU: 0x4f,
  i64Eqz: 0x50, f32Eq: 0x5b, f32Le: 0x5f, f64Eq: 0x61, f64Lt: 0x63, f64Gt: 0x64,
  f32Add: 0x92, i32Add: 0x6a, i32Sub: 0x6b, i32Mul: 0x6c, i32And: 0x71, i32Or: 0x72, i32Xor: 0x73, i32Shl: 0x74, i32ShrS: 0x75, i32ShrU: 0x76,
  i64And: 0x83, i64Shl: 0x86, i64ShrU: 0x88,
  f64Neg: 0x9a, f64Floor: 0x9c, f64Add: 0xa0, f64Sub: 0xa1, f64Mul: 0xa2, f64Div: 0xa3, f64Max: 0xa5,
  i32WrapI64: 0xa7, i32TruncF64S: 0xaa, i64ExtendI32U: 0xad, f32DemoteF64: 0xb6, f64ConvertI32S: 0xb7, f64ConvertI32U: 0xb8, f64PromoteF32: 0xbb,
  i64ReinterpretF64: 0xbd, f64ReinterpretI64: 0xbf,
  simd: 0xfd,
} as const;
const SIMD_V128_LOAD = 0;
const SIMD_V128_STORE = 11;
const SIMD_F64X2_SPLAT = 20;
const SIMD_F64X2_REPLACE_LANE = 34;
const SIMD_F64X2_ADD = 240;
const get = (i: number): number[] => [op.get, i];
const set = (i: number): number[] => [op.set, i];
const i32c = (n: number): number[] => [op.i32Const, ...sleb(n)];
const f64c = (x: number): number[] => [op.f64Const, ...new Uint8Array(Float64Array.of(x).buffer)];
const memarg = (align: number, at: number): number[] => [align, ...uleb(at)];
const simd = (code: number): number[] => [op.simd, ...uleb(code)];

/** One function of a generated module. */
interface WasmFunction {
  name: string;
  params: number[];
  results: number[];
  /** Local declarations: [count, type] pairs. */
  locals: [number, number][];
  /** The body's instructions, without the final `end`. */
  body: number[];
}

/** A module of `functions` (each exported by name) over an imported shared memory `m.memory`. */
function wasmModule(functions: WasmFunction[]): Uint8Array {
  const name = (t: string): number[] => vec(Array.from(t, (c) => c.charCodeAt(0)));
  const section = (id: number, content: number[]): number[] => [id, ...vec(content)];
  const n = functions.length;
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [n, ...functions.flatMap((f) => [0x60, ...vec(f.params), ...vec(f.results)])]),
    ...section(2, [1, ...name("m"), ...name("memory"), 0x02, 0x03, ...uleb(0), ...uleb(WASM_MAX_PAGES)]),
    ...section(3, [n, ...functions.map((_, i) => i)]),
    ...section(7, [n, ...functions.flatMap((f, i) => [...name(f.name), 0x00, i])]),
    ...section(10, [n, ...functions.flatMap((f) => vec([...uleb(f.locals.length), ...f.locals.flat(), ...f.body, op.end]))]),
  ]);
}

/**
 * `k(hist, bins, from, to, grad, hess)` (byte addresses of the histogram, the bins, the row indices
 * `[from, to)`, the gradients and hessians): what {@link addRows} does for rows of a layout, each
 * bin's gradient and hessian added as one pair of float64 lanes (SIMD) — the same additions in the
 * same order, so the same histogram bit for bit, without bounds checks.
 */
function rowsFunction(layout: RowLayout): WasmFunction {
  const { cols, stride, offset } = layout;
  const rowBytes = offset === null ? stride * 2 : stride;
  const [HIST, BINS, P, END, GRAD, HESS, R, O, A, GH] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const body: number[] = [
    op.block, 0x40, op.loop, 0x40,
    ...get(P), ...get(END), op.i32GeU, op.brIf, 1, // p >= end: done
    ...get(P), op.i32Load, ...memarg(2, 0), ...set(R), // r = index[p]
    ...get(GRAD), ...get(R), ...i32c(2), op.i32Shl, op.i32Add, op.f32Load, ...memarg(2, 0), op.f64PromoteF32, ...simd(SIMD_F64X2_SPLAT),
    ...get(HESS), ...get(R), ...i32c(2), op.i32Shl, op.i32Add, op.f32Load, ...memarg(2, 0), op.f64PromoteF32, ...simd(SIMD_F64X2_REPLACE_LANE), 1, ...set(GH), // gh = (grad[r], hess[r])
    ...get(BINS), ...get(R), ...i32c(rowBytes), op.i32Mul, op.i32Add, ...set(O), // o = bins + r × row bytes
  ];
  for (let f = 0; f < cols; f++) {
    // a = hist + 16 × bin; the pair at a (+ 16 × the feature's first bin for byte bins) += gh
    const load = offset === null ? [op.i32Load16u, ...memarg(1, 2 * f)] : [op.i32Load8u, ...memarg(0, f)];
    const at = offset === null ? 0 : 16 * offset[f]!;
    body.push(...get(O), ...load, ...i32c(4), op.i32Shl, ...get(HIST), op.i32Add, op.tee, A, ...get(A), ...simd(SIMD_V128_LOAD), ...memarg(4, at), ...get(GH), ...simd(SIMD_F64X2_ADD), ...simd(SIMD_V128_STORE), ...memarg(4, at));
  }
  body.push(...get(P), ...i32c(4), op.i32Add, ...set(P), op.br, 0, op.end, op.end);
  return { name: "k", params: [I32, I32, I32, I32, I32, I32], results: [], locals: [[3, I32], [1, V128]], body };
}

/**
 * `exp(x)`: fdlibm's `__ieee754_exp`, as V8's `Math.exp` computes it (base/ieee754.cc), operation
 * for operation, so the same double bit for bit (tested against `Math.exp`).
 */
function expFunction(): WasmFunction {
  const [X, HX, XSB, K, HI, LO, T, C, Y, TWOPK] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const LN2_HI = 6.93147180369123816490e-1;
  const LN2_LO = 1.90821492927058770002e-10;
  const [P1, P2, P3, P4, P5] = [1.66666666666666019037e-1, -2.77777777770155933842e-3, 6.61375632143793436117e-5, -1.65339022054652515390e-6, 4.13813679705723846039e-8];
  // 2^(high word's exponent field) as a double: (0x3ff + e) << 52
  const pow2 = (bias: number): number[] => [...i32c(0x3ff + bias), ...get(K), op.i32Add, op.i64ExtendI32U, op.i64Const, ...sleb(52), op.i64Shl, op.f64ReinterpretI64];
  const code: number[] = [
    ...get(X), op.i64ReinterpretF64, op.i64Const, ...sleb(32), op.i64ShrU, op.i32WrapI64, op.tee, HX,
    ...i32c(31), op.i32ShrU, ...set(XSB),
    ...get(HX), ...i32c(0x7fffffff), op.i32And, ...set(HX),
    ...get(HX), ...i32c(0x40862e42), op.i32GeU, op.if, 0x40,
    ...get(HX), ...i32c(0x7ff00000), op.i32GeU, op.if, 0x40,
    // NaN: x + x; +Infinity: x; −Infinity: 0
    ...get(X), op.i64ReinterpretF64, op.i64Const, ...sleb(-1), op.i64Const, ...sleb(12), op.i64ShrU, op.i64And, op.i64Eqz,
    op.if, F64, ...get(XSB), op.if, F64, ...f64c(0), op.else, ...get(X), op.end, op.else, ...get(X), ...get(X), op.f64Add, op.end, op.return,
    op.end,
    ...get(X), ...f64c(7.09782712893383973096e2), op.f64Gt, op.if, 0x40, ...f64c(Infinity), op.return, op.end,
    ...get(X), ...f64c(-7.45133219101941108420e2), op.f64Lt, op.if, 0x40, ...f64c(0), op.return, op.end,
    op.end,
    // argument reduction
    ...get(HX), ...i32c(0x3fd62e42), op.i32GtU, op.if, 0x40,
    ...get(HX), ...i32c(0x3ff0a2b2), op.i32LtU, op.if, 0x40,
    ...get(X), ...f64c(1), op.f64Eq, op.if, 0x40, ...f64c(2.718281828459045), op.return, op.end,
    ...get(X), ...f64c(-LN2_HI), ...f64c(LN2_HI), ...get(XSB), op.select, op.f64Sub, ...set(HI),
    ...f64c(-LN2_LO), ...f64c(LN2_LO), ...get(XSB), op.select, ...set(LO),
    ...i32c(1), ...get(XSB), ...i32c(1), op.i32Shl, op.i32Sub, ...set(K),
    op.else,
    ...f64c(1.44269504088896338700), ...get(X), op.f64Mul, ...f64c(-0.5), ...f64c(0.5), ...get(XSB), op.select, op.f64Add, op.i32TruncF64S, ...set(K),
    ...get(K), op.f64ConvertI32S, ...set(T),
    ...get(X), ...get(T), ...f64c(LN2_HI), op.f64Mul, op.f64Sub, ...set(HI),
    ...get(T), ...f64c(LN2_LO), op.f64Mul, ...set(LO),
    op.end,
    ...get(HI), ...get(LO), op.f64Sub, ...set(X),
    op.else,
    // |x| < 2^-28: 1 + x
    ...get(HX), ...i32c(0x3e300000), op.i32LtU, op.if, 0x40, ...f64c(1), ...get(X), op.f64Add, op.return, op.end,
    op.end,
    // x is now in the primary range
    ...get(X), ...get(X), op.f64Mul, ...set(T),
    ...get(K), ...i32c(-1021), op.i32GeS, op.if, F64, ...pow2(0), op.else, ...pow2(1000), op.end, ...set(TWOPK),
    // c = x − t(P1 + t(P2 + t(P3 + t(P4 + t P5))))
    ...get(X), ...get(T), ...f64c(P1), ...get(T), ...f64c(P2), ...get(T), ...f64c(P3), ...get(T), ...f64c(P4), ...get(T), ...f64c(P5),
    op.f64Mul, op.f64Add, op.f64Mul, op.f64Add, op.f64Mul, op.f64Add, op.f64Mul, op.f64Add, op.f64Mul, op.f64Sub, ...set(C),
    // k = 0: 1 − ((x c)/(c − 2) − x)
    ...get(K), op.i32Eqz, op.if, 0x40,
    ...f64c(1), ...get(X), ...get(C), op.f64Mul, ...get(C), ...f64c(2), op.f64Sub, op.f64Div, ...get(X), op.f64Sub, op.f64Sub, op.return,
    op.end,
    // y = 1 − ((lo − (x c)/(2 − c)) − hi), scaled by 2^k
    ...f64c(1), ...get(LO), ...get(X), ...get(C), op.f64Mul, ...f64c(2), ...get(C), op.f64Sub, op.f64Div, op.f64Sub, ...get(HI), op.f64Sub, op.f64Sub, ...set(Y),
    ...get(K), ...i32c(-1021), op.i32GeS, op.if, F64,
    ...get(K), ...i32c(1024), op.i32Eq, op.if, F64, ...get(Y), ...f64c(2), op.f64Mul, ...f64c(2 ** 1023), op.f64Mul, op.else, ...get(Y), ...get(TWOPK), op.f64Mul, op.end,
    op.else,
    ...get(Y), ...get(TWOPK), op.f64Mul, ...f64c(2 ** -1000), op.f64Mul,
    op.end,
  ];
  return { name: "exp", params: [F64], results: [F64], locals: [[3, I32], [6, F64]], body: code };
}

/**
 * `g(margin, labels, grad, hess, scalePosWeight, from, to)` (`from`, `to`: byte addresses of a
 * list of rows): what {@link logisticGradients} does, with the same double arithmetic (the
 * exponential is {@link expFunction}'s).
 */
function gradientsFunction(exp: number): WasmFunction {
  const [MARGIN, LABELS, GRAD, HESS, SPW, K, END, P, LABEL, W, R] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const body: number[] = [
    op.block, 0x40, op.loop, 0x40,
    ...get(K), ...get(END), op.i32GeU, op.brIf, 1,
    ...get(K), op.i32Load, ...memarg(2, 0), ...set(R),
    // p = 1 / (1 + exp(−margin[r]))
    ...f64c(1), ...f64c(1), ...get(MARGIN), ...get(R), ...i32c(2), op.i32Shl, op.i32Add, op.f32Load, ...memarg(2, 0), op.f64PromoteF32, op.f64Neg, op.call, exp, op.f64Add, op.f64Div, ...set(P),
    ...get(LABELS), ...get(R), op.i32Add, op.i32Load8u, ...memarg(0, 0), op.tee, LABEL,
    ...get(SPW), ...f64c(1), ...get(LABEL), op.select, ...set(W),
    // grad[r] = (p − label) w; hess[r] = max(p (1 − p), 1e-16) w
    ...get(GRAD), ...get(R), ...i32c(2), op.i32Shl, op.i32Add, ...get(P), ...get(LABEL), op.f64ConvertI32U, op.f64Sub, ...get(W), op.f64Mul, op.f32DemoteF64, op.f32Store, ...memarg(2, 0),
    ...get(HESS), ...get(R), ...i32c(2), op.i32Shl, op.i32Add, ...get(P), ...f64c(1), ...get(P), op.f64Sub, op.f64Mul, ...f64c(1e-16), op.f64Max, ...get(W), op.f64Mul, op.f32DemoteF64, op.f32Store, ...memarg(2, 0),
    ...get(K), ...i32c(4), op.i32Add, ...set(K), op.br, 0, op.end, op.end,
  ];
  return { name: "g", params: [I32, I32, I32, I32, F64, I32, I32], results: [], locals: [[1, F64], [1, I32], [1, F64], [1, I32]], body };
}

/**
 * `s(sampled, list, key, threshold, all, begin, end, at)`: what {@link sampleRows} does (the same
 * hash, the same rows), without a branch: every row's index is written at the list's next place
 * and the place advances when the row is taken, so `list[at + n]` (within the room of `end −
 * begin` the list has from `at`) may be overwritten too. Returns the rows taken.
 */
function sampleFunction(): WasmFunction {
  const [SAMPLED, LIST, KEY, THRESHOLD, ALL, R, END, AT, N, X, TAKE] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const mix = (shift: number, mul: number | null): number[] => [...get(X), ...get(X), ...i32c(shift), op.i32ShrU, op.i32Xor, ...(mul === null ? [] : [...i32c(mul | 0), op.i32Mul]), ...set(X)];
  const body: number[] = [
    ...get(AT), ...set(N),
    op.block, 0x40, op.loop, 0x40,
    ...get(R), ...get(END), op.i32GeU, op.brIf, 1,
    ...get(R), ...get(KEY), op.i32Xor, ...i32c(0x9e3779b1 | 0), op.i32Mul, ...set(X),
    ...mix(16, 0x85ebca6b), ...mix(13, 0xc2b2ae35), ...mix(16, null),
    ...get(X), ...get(THRESHOLD), op.i32LtU, ...get(ALL), op.i32Or, ...set(TAKE),
    ...get(SAMPLED), ...get(R), op.i32Add, ...get(TAKE), op.i32Store8, ...memarg(0, 0),
    ...get(LIST), ...get(N), ...i32c(2), op.i32Shl, op.i32Add, ...get(R), op.i32Store, ...memarg(2, 0),
    ...get(N), ...get(TAKE), op.i32Add, ...set(N),
    ...get(R), ...i32c(1), op.i32Add, ...set(R), op.br, 0, op.end, op.end,
    ...get(N), ...get(AT), op.i32Sub,
  ];
  return { name: "s", params: [I32, I32, I32, I32, I32, I32, I32, I32], results: [I32], locals: [[3, I32]], body };
}

/**
 * `p(index, scratch, column, splitBin, missingBin, defaultLeft, begin, end)` (`column`: the byte
 * address of the split feature's column-major bins): what {@link partitionRows} does, without a
 * branch — each row is written at both lists' next places and the place of its side advances — so
 * the same rows in the same order, and `scratch` may be written anywhere in `[begin, end)`.
 * Returns the rows going left.
 */
function partitionFunction(): WasmFunction {
  const [INDEX, SCRATCH, COLUMN, SPLIT, MISSING, DEFAULT_LEFT, BEGIN, END, P, L, R, ROW, BIN, LEFT] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
  const at = (base: number, i: number): number[] => [...get(base), ...get(i), ...i32c(2), op.i32Shl, op.i32Add];
  const body: number[] = [
    ...at(INDEX, BEGIN), op.tee, P, ...set(L),
    ...at(INDEX, END), ...set(END), // (END from here: the end's address)
    ...at(SCRATCH, BEGIN), ...set(R),
    op.block, 0x40, op.loop, 0x40,
    ...get(P), ...get(END), op.i32GeU, op.brIf, 1,
    ...get(P), op.i32Load, ...memarg(2, 0), op.tee, ROW,
    ...i32c(1), op.i32Shl, ...get(COLUMN), op.i32Add, op.i32Load16u, ...memarg(1, 0), op.tee, BIN,
    // left = bin == missing ? defaultLeft : bin <= splitBin (signed: splitBin may be −1)
    ...get(DEFAULT_LEFT), ...get(BIN), ...get(SPLIT), op.i32LeS, ...get(BIN), ...get(MISSING), op.i32Eq, op.select, ...set(LEFT),
    ...get(L), ...get(ROW), op.i32Store, ...memarg(2, 0),
    ...get(R), ...get(ROW), op.i32Store, ...memarg(2, 0),
    ...get(L), ...get(LEFT), ...i32c(2), op.i32Shl, op.i32Add, ...set(L),
    ...get(R), ...i32c(4), ...get(LEFT), ...i32c(2), op.i32Shl, op.i32Sub, op.i32Add, ...set(R),
    ...get(P), ...i32c(4), op.i32Add, ...set(P), op.br, 0, op.end, op.end,
    ...get(L), ...at(INDEX, BEGIN), op.i32Sub, ...i32c(2), op.i32ShrU,
  ];
  return { name: "p", params: [I32, I32, I32, I32, I32, I32, I32, I32], results: [I32], locals: [[6, I32]], body };
}

/**
 * `w(tree, leaves, bins, sampled, margin, begin, end)` (byte addresses): what {@link walkRows}
 * does for rows of a layout (its row width and bin size built in), each step down the tree
 * chosen without a branch — a row's side at a split is as hard to predict as a coin, so a branch
 * mispredicted about half the time — and each leaf's value added in float32 (the float32 sum of
 * two float32 values, which is what `Math.fround` of their double sum gives).
 */
function walkFunction(layout: RowLayout): WasmFunction {
  const { stride, offset } = layout;
  const rowBytes = offset === null ? stride * 2 : stride;
  const [TREE, LEAVES, BINS, SAMPLED, MARGIN, R, END, AT, N, O, B, LEFT] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const word = (w: number): number[] => [...get(O), op.i32Load, ...memarg(2, 4 * w)];
  // the row's bin of the node's feature (word 2): a byte, or 16 bits at twice the feature
  const bin = offset === null ? [...get(AT), ...word(2), ...i32c(1), op.i32Shl, op.i32Add, op.i32Load16u, ...memarg(1, 0)] : [...get(AT), ...word(2), op.i32Add, op.i32Load8u, ...memarg(0, 0)];
  const body: number[] = [
    ...get(BINS), ...get(R), ...i32c(rowBytes), op.i32Mul, op.i32Add, ...set(AT),
    op.block, 0x40, op.loop, 0x40,
    ...get(R), ...get(END), op.i32GeU, op.brIf, 1,
    ...get(SAMPLED), ...get(R), op.i32Add, op.i32Load8u, ...memarg(0, 0), op.i32Eqz, op.if, 0x40,
    ...i32c(0), ...set(N),
    op.block, 0x40, op.loop, 0x40,
    ...get(TREE), ...get(N), ...i32c(4 * TREE_WORDS), op.i32Mul, op.i32Add, ...set(O),
    ...word(0), op.tee, LEFT, ...i32c(-1), op.i32Eq, op.brIf, 1, // a leaf
    ...bin, ...set(B),
    // left = bin == missing ? defaultLeft : bin <= last bin going left (signed: it may be −1)
    ...word(5), ...get(B), ...word(3), op.i32LeS, ...get(B), ...word(4), op.i32Eq, op.select,
    ...set(B),
    ...get(LEFT), ...word(1), ...get(B), op.select, ...set(N),
    op.br, 0, op.end, op.end,
    // margin[r] += leaves[n], in float32
    ...get(MARGIN), ...get(R), ...i32c(2), op.i32Shl, op.i32Add,
    ...get(MARGIN), ...get(R), ...i32c(2), op.i32Shl, op.i32Add, op.f32Load, ...memarg(2, 0),
    ...get(LEAVES), ...get(N), ...i32c(2), op.i32Shl, op.i32Add, op.f32Load, ...memarg(2, 0),
    op.f32Add, op.f32Store, ...memarg(2, 0),
    op.end,
    ...get(R), ...i32c(1), op.i32Add, ...set(R),
    ...get(AT), ...i32c(rowBytes), op.i32Add, ...set(AT),
    op.br, 0, op.end, op.end,
  ];
  return { name: "w", params: [I32, I32, I32, I32, I32, I32, I32], results: [], locals: [[5, I32]], body };
}

/** Digits of the radix sort ({@link sortFunction}): three passes of 11 bits. */
const SORT_DIGITS = 2048;

/**
 * `r(values, n, a, b, counts)` (byte addresses: `n` float32 values without NaN, room for `n`
 * 32-bit keys at `a` and at `b`, and 3 × 2048 counts): sorts the values in place in the order of
 * {@link sortFloats} (−0 before +0) — the same radix sort: each value's bits mapped to a key in
 * ascending unsigned order, three passes of 11 bits, the keys mapped back. A sorted array is the
 * same whatever sort made it.
 */
function sortFunction(): WasmFunction {
  const [V, N, A, B, C, I, K, T, SUM] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const at = (base: number, i: number): number[] => [...get(base), ...get(i), ...i32c(2), op.i32Shl, op.i32Add];
  // counts[c + 4 × (pass × 2048 + digit)] += 1
  const count = (pass: number): number[] => [
    ...get(C), ...get(K), ...i32c(11 * pass), op.i32ShrU, ...i32c(SORT_DIGITS - 1), op.i32And, ...i32c(2), op.i32Shl, op.i32Add, op.tee, T,
    ...get(T), op.i32Load, ...memarg(2, 4 * SORT_DIGITS * pass), ...i32c(1), op.i32Add, op.i32Store, ...memarg(2, 4 * SORT_DIGITS * pass),
  ];
  const loop = (limit: number[], inner: number[]): number[] => [
    ...i32c(0), ...set(I),
    op.block, 0x40, op.loop, 0x40,
    ...get(I), ...limit, op.i32GeU, op.brIf, 1,
    ...inner,
    ...get(I), ...i32c(1), op.i32Add, ...set(I), op.br, 0, op.end, op.end,
  ];
  const body: number[] = [
    ...loop(i32c(3 * SORT_DIGITS), [...at(C, I), ...i32c(0), op.i32Store, ...memarg(2, 0)]),
    // keys: sign set (negative): every bit flipped; sign clear: the sign bit set
    ...loop(get(N), [
      ...at(V, I), op.i32Load, ...memarg(2, 0), op.tee, K, ...get(K), ...i32c(31), op.i32ShrS, ...i32c(-0x80000000), op.i32Or, op.i32Xor, ...set(K),
      ...at(A, I), ...get(K), op.i32Store, ...memarg(2, 0),
      ...count(0), ...count(1), ...count(2),
    ]),
  ];
  for (let pass = 0; pass < 3; pass++) {
    const [from, to] = pass % 2 === 0 ? [A, B] : [B, A];
    const digit = [...get(C), ...get(K), ...i32c(11 * pass), op.i32ShrU, ...i32c(SORT_DIGITS - 1), op.i32And, ...i32c(2), op.i32Shl, op.i32Add, ...i32c(4 * SORT_DIGITS * pass), op.i32Add];
    body.push(
      // each digit's first place
      ...i32c(0), ...set(SUM),
      ...loop(i32c(SORT_DIGITS), [
        ...at(C, I), ...i32c(4 * SORT_DIGITS * pass), op.i32Add, op.tee, T, op.i32Load, ...memarg(2, 0), ...set(K),
        ...get(T), ...get(SUM), op.i32Store, ...memarg(2, 0),
        ...get(SUM), ...get(K), op.i32Add, ...set(SUM),
      ]),
      // each key to its digit's next place, in order (stable)
      ...loop(get(N), [
        ...at(from, I), op.i32Load, ...memarg(2, 0), ...set(K),
        ...digit, op.tee, T, op.i32Load, ...memarg(2, 0), ...set(SUM),
        ...get(T), ...get(SUM), ...i32c(1), op.i32Add, op.i32Store, ...memarg(2, 0),
        ...at(to, SUM), ...get(K), op.i32Store, ...memarg(2, 0),
      ]),
    );
  }
  // the keys (in b after three passes) back to values: sign set: the sign bit cleared; clear: every bit flipped
  body.push(
    ...loop(get(N), [
      ...at(V, I),
      ...at(B, I), op.i32Load, ...memarg(2, 0), op.tee, K, ...get(K), ...i32c(31), op.i32ShrS, ...i32c(-1), op.i32Xor, ...i32c(-0x80000000), op.i32Or, op.i32Xor,
      op.i32Store, ...memarg(2, 0),
    ]),
  );
  return { name: "r", params: [I32, I32, I32, I32, I32], results: [], locals: [[4, I32]], body };
}

/**
 * The sort of {@link sortFunction} instantiated on `memory`, with a thread's own room for keys and
 * counts in it (`keys`: twice the longest column's length): sorts a float32 array of that memory
 * in place. Self-contained (the helper thread runs its source text).
 * @internal
 */
export function wasmSort(bytes: Uint8Array, memory: WasmMemory, keys: Uint32Array, counts: Int32Array): (values: Float32Array) => void {
  const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const r = new api.Instance(new api.Module(bytes), { m: { memory } }).exports["r"] as (values: number, n: number, a: number, b: number, counts: number) => void;
  const half = keys.length >>> 1;
  return (values) => r(values.byteOffset, values.length, keys.byteOffset, keys.byteOffset + 4 * half, counts.byteOffset);
}

/** Bytes of a feature's entry in a {@link binningTable}. */
const TABLE_ENTRY = 48;

/**
 * The cuts and {@link BinFinder}s of every feature laid out in `memory` for the WebAssembly
 * binning ({@link binFunction}): per feature, at 48 bytes a feature, the addresses of its cuts and
 * of its finder's bucket starts, its last bin, its first and missing global bins, the finder's
 * bucket count, min and scale; then the cuts and starts themselves.
 * @internal
 */
export function binningTable(memory: RowMemory, binning: Binning, offset: Int32Array): Uint8Array {
  const cols = binning.cuts.length;
  const bytes = TABLE_ENTRY * cols + binning.cuts.reduce((sum, c, f) => sum + 4 * c.length + 4 * binning.finders[f]!.start.length, 0);
  const table = memory.take(Uint8Array, bytes);
  const view = new DataView(table.buffer, table.byteOffset, bytes);
  let at = TABLE_ENTRY * cols;
  for (let f = 0; f < cols; f++) {
    const cuts = binning.cuts[f]!;
    const finder = binning.finders[f]!;
    const e = TABLE_ENTRY * f;
    view.setInt32(e, table.byteOffset + at, true);
    cuts.forEach((c, j) => view.setFloat32(at + 4 * j, c, true));
    at += 4 * cuts.length;
    view.setInt32(e + 4, table.byteOffset + at, true);
    finder.start.forEach((v, j) => view.setInt32(at + 4 * j, v, true));
    at += 4 * finder.start.length;
    view.setInt32(e + 8, binning.lasts[f]!, true);
    view.setInt32(e + 12, offset[f]!, true);
    view.setInt32(e + 16, offset[f + 1]! - 1, true);
    view.setInt32(e + 20, finder.start.length - 2, true);
    view.setFloat64(e + 24, finder.min, true);
    view.setFloat64(e + 32, finder.scale, true);
  }
  return table;
}

/**
 * `b(x, bins, colBins, table, rows, cols, stride, byteBins, begin, end)`: what {@link binRows}
 * does (the same bucket, the same comparisons), over a {@link binningTable}.
 */
function binFunction(): WasmFunction {
  const [X, BINS, COLBINS, TABLE, ROWS, COLS, STRIDE, BYTES, R, END, F, E, V, J, JEND, B, T, XP] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17];
  const entry = (at: number): number[] => [...get(E), op.i32Load, ...memarg(2, at)];
  const body: number[] = [
    // XP: the address of x[begin × cols]
    ...get(X), ...get(R), ...get(COLS), op.i32Mul, ...i32c(2), op.i32Shl, op.i32Add, ...set(XP),
    op.block, 0x40, op.loop, 0x40,
    ...get(R), ...get(END), op.i32GeU, op.brIf, 1,
    ...i32c(0), ...set(F), ...get(TABLE), ...set(E),
    op.block, 0x40, op.loop, 0x40,
    ...get(F), ...get(COLS), op.i32GeU, op.brIf, 1,
    ...get(XP), op.f32Load, ...memarg(2, 0), op.tee, V, ...get(V), op.f32Eq,
    op.if, I32,
    // t = the bucket: ⌊(v − min) × scale⌋ within [0, buckets]
    ...get(V), op.f64PromoteF32, ...get(E), op.f64Load, ...memarg(3, 24), op.f64Sub, ...get(E), op.f64Load, ...memarg(3, 32), op.f64Mul, op.f64Floor, ...set(T),
    ...get(T), ...entry(20), op.f64ConvertI32S, ...get(T), ...entry(20), op.f64ConvertI32S, op.f64Lt, op.select, ...f64c(0), ...get(T), ...f64c(0), op.f64Gt, op.select, op.i32TruncF64S,
    ...i32c(2), op.i32Shl, ...entry(4), op.i32Add, op.tee, J, op.i32Load, ...memarg(2, 4), ...set(JEND), ...get(J), op.i32Load, ...memarg(2, 0), ...set(J),
    // j = the cuts at or below v: first of the bucket's, then each of them
    op.block, 0x40, op.loop, 0x40,
    ...get(J), ...get(JEND), op.i32GeS, op.brIf, 1,
    ...entry(0), ...get(J), ...i32c(2), op.i32Shl, op.i32Add, op.f32Load, ...memarg(2, 0), ...get(V), op.f32Le, op.i32Eqz, op.brIf, 1,
    ...get(J), ...i32c(1), op.i32Add, ...set(J), op.br, 0, op.end, op.end,
    ...entry(12), ...get(J), ...entry(8), ...get(J), ...entry(8), op.i32LtS, op.select, op.i32Add,
    op.else, ...entry(16), op.end,
    ...set(B),
    // bins[r × stride + f] (from the feature's first bin when byteBins), colBins[f × rows + r]
    ...get(BYTES), op.if, 0x40,
    ...get(BINS), ...get(R), ...get(STRIDE), op.i32Mul, op.i32Add, ...get(F), op.i32Add, ...get(B), ...entry(12), op.i32Sub, op.i32Store8, ...memarg(0, 0),
    op.else,
    ...get(BINS), ...get(R), ...get(STRIDE), op.i32Mul, ...get(F), op.i32Add, ...i32c(1), op.i32Shl, op.i32Add, ...get(B), op.i32Store16, ...memarg(1, 0),
    op.end,
    ...get(COLBINS), ...get(F), ...get(ROWS), op.i32Mul, ...get(R), op.i32Add, ...i32c(1), op.i32Shl, op.i32Add, ...get(B), op.i32Store16, ...memarg(1, 0),
    ...get(XP), ...i32c(4), op.i32Add, ...set(XP),
    ...get(E), ...i32c(TABLE_ENTRY), op.i32Add, ...set(E),
    ...get(F), ...i32c(1), op.i32Add, ...set(F), op.br, 0, op.end, op.end,
    ...get(R), ...i32c(1), op.i32Add, ...set(R), op.br, 0, op.end, op.end,
  ];
  return { name: "b", params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32], results: [], locals: [[2, I32], [1, F32], [3, I32], [1, F64], [1, I32]], body };
}

let sortModule: Uint8Array | null = null;

/** The WebAssembly module of the sort ({@link sortFunction}), over an imported shared memory `m.memory`. @internal */
export function sortModuleBytes(): Uint8Array {
  return (sortModule ??= wasmModule([sortFunction()]));
}

/**
 * The WebAssembly module of the row kernels for a layout: `k` (histograms, {@link rowsFunction}),
 * `g` (gradients, {@link gradientsFunction}), `s` (sampling, {@link sampleFunction}), `p`
 * (partitions, {@link partitionFunction}), `b` (binning, {@link binFunction}) and `w` (the walk of
 * the rows not sampled, {@link walkFunction}), over an imported
 * shared memory `m.memory`.
 * @internal
 */
export function wasmKernelBytes(layout: RowLayout): Uint8Array {
  return wasmModule([rowsFunction(layout), gradientsFunction(3), sampleFunction(), expFunction(), partitionFunction(), binFunction(), walkFunction(layout)]);
}

/** The part of the WebAssembly JavaScript API the kernels use (Node's global `WebAssembly`). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => { buffer: ArrayBuffer | SharedArrayBuffer };
}

/** A shared WebAssembly memory (the object both threads instantiate kernels over). @internal */
export type WasmMemory = { buffer: ArrayBuffer | SharedArrayBuffer };

function wasmApi(): WasmApi | null {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly ?? null;
}

/** The row kernels with the signatures of their JavaScript forms. @internal */
export interface Kernels {
  rows: RowKernel;
  gradients: typeof logisticGradients;
  sample: typeof sampleRows;
  partition: typeof partitionRows;
  walk: typeof walkRows;
  /** {@link binRows} over a {@link binningTable} (null: the JavaScript form is used). */
  bin: ((table: Uint8Array, x: Float32Array, bins: Uint8Array | Uint16Array, colBins: Uint16Array, rows: number, cols: number, stride: number, byteBins: boolean, begin: number, end: number) => void) | null;
}

/**
 * The kernels of {@link wasmKernelBytes}' module instantiated on `memory`: every array they are
 * given must be a view of that memory. Self-contained (the helper thread runs its source text).
 * @internal
 */
export function wasmKernels(bytes: Uint8Array, memory: WasmMemory): Kernels {
  const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const e = new api.Instance(new api.Module(bytes), { m: { memory } }).exports as {
    k: (hist: number, bins: number, from: number, to: number, grad: number, hess: number) => void;
    g: (margin: number, labels: number, grad: number, hess: number, spw: number, begin: number, end: number) => void;
    s: (sampled: number, list: number, key: number, threshold: number, all: number, begin: number, end: number, at: number) => number;
    p: (index: number, scratch: number, column: number, splitBin: number, missingBin: number, defaultLeft: number, begin: number, end: number) => number;
    b: (x: number, bins: number, colBins: number, table: number, rows: number, cols: number, stride: number, byteBins: number, begin: number, end: number) => void;
    w: (tree: number, leaves: number, bins: number, sampled: number, margin: number, begin: number, end: number) => void;
  };
  const { k, g, s, p, b, w } = e;
  // A WebAssembly function runs the code it was entered with to its end: a single long call made
  // before the engine has optimised the function runs wholly in its baseline code (binning a
  // training's rows at about 1.25 times the time). The binning, one call a thread a training, is
  // made in calls of this many rows, so that the later ones run the optimised code.
  const binRowsPerCall = 4096;
  return {
    rows: (hist, bins, _cols, index, begin, end, grad, hess) => k(hist.byteOffset, bins.byteOffset, index.byteOffset + 4 * begin, index.byteOffset + 4 * end, grad.byteOffset, hess.byteOffset),
    gradients: (margin, labels, grad, hess, spw, list, from, to) => g(margin.byteOffset, labels.byteOffset, grad.byteOffset, hess.byteOffset, spw, list.byteOffset + 4 * from, list.byteOffset + 4 * to),
    // an integer x is below t when below ⌈t⌉; from 2³² every row is
    sample: (sampled, list, key, threshold, all, begin, end, at) => {
      const t = Math.ceil(threshold);
      return s(sampled.byteOffset, list.byteOffset, key | 0, t > 0 ? t | 0 : 0, all || t >= 4294967296 ? 1 : 0, begin, end, at);
    },
    partition: (index, scratch, colBins, rows, f, splitBin, missingBin, defaultLeft, begin, end) => p(index.byteOffset, scratch.byteOffset, colBins.byteOffset + 2 * f * rows, splitBin, missingBin, defaultLeft ? 1 : 0, begin, end),
    walk: (tree, leaves, bins, _stride, sampled, margin, begin, end) => w(tree.byteOffset, leaves.byteOffset, bins.byteOffset, sampled.byteOffset, margin.byteOffset, begin, end),
    bin: (table, x, bins, colBins, rows, cols, stride, byteBins, begin, end) => {
      for (let r = begin; r < end; r += binRowsPerCall) b(x.byteOffset, bins.byteOffset, colBins.byteOffset, table.byteOffset, rows, cols, stride, byteBins ? 1 : 0, r, Math.min(end, r + binRowsPerCall));
    },
  };
}

/**
 * Shared memory the row arrays are laid out in, 64-byte aligned: a WebAssembly memory where the
 * runtime has one (so the WebAssembly kernel can read them), else a SharedArrayBuffer.
 * @internal
 */
export class RowMemory {
  /** The WebAssembly memory, or null (no WebAssembly: a plain SharedArrayBuffer). */
  readonly memory: WasmMemory | null;
  readonly buffer: SharedArrayBuffer;
  private at = 0;

  constructor(
    bytes: number,
    /** Whether to make it a WebAssembly memory where the runtime allows (false: a SharedArrayBuffer). */
    wasm = true,
  ) {
    const pages = Math.max(1, Math.ceil(bytes / WASM_PAGE));
    let memory: WasmMemory | null = null;
    const api = wasm ? wasmApi() : null;
    if (api !== null && pages <= WASM_MAX_PAGES) {
      try {
        memory = new api.Memory({ initial: pages, maximum: pages, shared: true });
      } catch {
        memory = null;
      }
    }
    this.memory = memory;
    this.buffer = memory !== null ? (memory.buffer as SharedArrayBuffer) : new SharedArrayBuffer(pages * WASM_PAGE);
  }

  /** Bytes a {@link RowMemory} needs for arrays of these byte lengths. */
  static bytes(...lengths: number[]): number {
    return lengths.reduce((s, l) => s + Math.ceil(Math.max(1, l) / 64) * 64, 0);
  }

  /** The next `length` elements of the memory, as a typed array. */
  take<T extends Uint8Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array>(Type: { new (b: SharedArrayBuffer, offset: number, length: number): T; BYTES_PER_ELEMENT: number }, length: number): T {
    const start = this.at;
    const bytes = Math.ceil(Math.max(1, length * Type.BYTES_PER_ELEMENT) / 64) * 64;
    if (start + bytes > this.buffer.byteLength) throw new Error(`row memory of ${this.buffer.byteLength} bytes is full`);
    this.at = start + bytes;
    return new Type(this.buffer, start, length);
  }
}

let generation: boolean | null = null;

/** Whether this process may compile generated code (not under --disallow-code-generation-from-strings). @internal */
export function codeGeneration(): boolean {
  if (generation === null) {
    try {
      generation = (0, eval)("true") === true;
    } catch {
      generation = false;
    }
  }
  return generation;
}

const kernels = new Map<string, RowKernel>();

/**
 * The fastest kernel for rows of a layout: the unrolled one of {@link rowKernelSource}, or
 * {@link addRows} for global bins where rows are wider or code generation is not allowed.
 * @throws Error for a byte layout without code generation (callers choose that layout only with it)
 * @internal
 */
export function rowKernel(layout: RowLayout | number): RowKernel {
  const l: RowLayout = typeof layout === "number" ? { cols: layout, stride: layout, offset: null } : layout;
  const key = `${l.cols}/${l.stride}/${l.offset === null ? "" : l.offset.join(",")}`;
  let k = kernels.get(key);
  if (k === undefined) {
    const unrolled = Number.isSafeInteger(l.cols) && l.cols >= 1 && l.cols <= UNROLL_MAX_COLS && codeGeneration();
    if (unrolled) k = (0, eval)(rowKernelSource(l)) as RowKernel;
    else if (l.offset === null && l.stride === l.cols) k = addRows as RowKernel;
    else throw new Error("a byte-packed bin layout needs code generation");
    kernels.set(key, k);
  }
  return k;
}

/**
 * The logistic loss's gradient and hessian of the rows `list[from, to)` from their margins,
 * positive rows weighted by `scalePosWeight` (a round's sampled rows: no other row's gradient is
 * read). Self-contained: the helper thread runs its source text.
 * @internal
 */
export function logisticGradients(margin: Float32Array, labels: Uint8Array, grad: Float32Array, hess: Float32Array, scalePosWeight: number, list: Uint32Array, from: number, to: number): void {
  for (let k = from; k < to; k++) {
    const r = list[k]!;
    const p = 1 / (1 + Math.exp(-margin[r]!));
    const w = labels[r] ? scalePosWeight : 1;
    grad[r] = (p - labels[r]!) * w;
    hess[r] = Math.max(p * (1 - p), 1e-16) * w;
  }
}

/**
 * Row sampling of one round for rows `[begin, end)`: a row is taken when a 32-bit hash of it and
 * the round's `key` falls below `threshold` (subsample × 2³²), or always when `all`. Marks
 * `sampled[r]` and writes the rows taken, in order, to `list` from `at`; returns how many. The
 * choice of a row depends on nothing but the row and the key, so any split of the rows between
 * threads samples the same rows. Self-contained: the helper thread runs its source text.
 * @internal
 */
export function sampleRows(sampled: Uint8Array, list: Uint32Array, key: number, threshold: number, all: boolean, begin: number, end: number, at: number): number {
  let n = at;
  for (let r = begin; r < end; r++) {
    let take = all;
    if (!all) {
      // murmur3's 32-bit finaliser of the row mixed with the key
      let x = Math.imul(r ^ key, 0x9e3779b1);
      x ^= x >>> 16;
      x = Math.imul(x, 0x85ebca6b);
      x ^= x >>> 13;
      x = Math.imul(x, 0xc2b2ae35);
      x ^= x >>> 16;
      take = x >>> 0 < threshold;
    }
    sampled[r] = take ? 1 : 0;
    if (take) list[n++] = r;
  }
  return n - at;
}

/**
 * Stable partition of `index[begin, end)` on one split: the rows going left stay in `index` from
 * `begin`, in order; the rows going right go to `scratch` from `begin`, in order. A row goes left
 * when its bin of feature `f` (column-major `colBins`, `rows` per feature) is at most `splitBin`,
 * or is `missingBin` and `defaultLeft`. Returns the rows going left. Self-contained: the helper
 * thread runs its source text.
 * @internal
 */
export function partitionRows(index: Uint32Array, scratch: Uint32Array, colBins: Uint16Array, rows: number, f: number, splitBin: number, missingBin: number, defaultLeft: boolean, begin: number, end: number): number {
  const base = f * rows;
  let l = begin;
  let r = begin;
  for (let k = begin; k < end; k++) {
    const row = index[k]!;
    const b = colBins[base + row]!;
    if (b === missingBin ? defaultLeft : b <= splitBin) index[l++] = row;
    else scratch[r++] = row;
  }
  return l - begin;
}

/**
 * The rows a thread handles for the root of a round: the rows of `[begin, end)` sampled (written
 * to `list` from `begin`), their gradients, and the histogram of those rows into a zeroed
 * `hist`, with the given kernels ({@link logisticGradients}, {@link sampleRows} and a
 * {@link RowKernel}, or their WebAssembly forms); `sampledRows`, when given, is called with the
 * rows sampled before the histogram is built. Returns the rows sampled. Self-contained (the
 * helper thread runs its source text with its own kernels).
 * @internal
 */
export function rootPart(
  kernel: RowKernel,
  gradients: typeof logisticGradients,
  sample: typeof sampleRows,
  hist: Float64Array,
  bins: Uint8Array | Uint16Array,
  cols: number,
  margin: Float32Array,
  labels: Uint8Array,
  grad: Float32Array,
  hess: Float32Array,
  scalePosWeight: number,
  sampled: Uint8Array,
  list: Uint32Array,
  key: number,
  threshold: number,
  all: boolean,
  begin: number,
  end: number,
  sampledRows: ((n: number) => void) | null,
): number {
  // the rows sampled first: only their gradients are read
  const n = sample(sampled, list, key, threshold, all, begin, end, begin);
  gradients(margin, labels, grad, hess, scalePosWeight, list, begin, begin + n);
  sampledRows?.(n);
  hist.fill(0);
  kernel(hist, bins, cols, list, begin, begin + n, grad, hess);
  return n;
}

/**
 * A node's histogram from its parts: `hist` = `first` + `second` element by element (first part
 * + second part, always in that order; `second` alone when `first` is null), then `parent` −=
 * `hist` when given (the larger sibling's histogram, in the same pass). Self-contained: the
 * helper thread runs its source text.
 * @internal
 */
export function finishHistogram(hist: Float64Array, first: Float64Array | null, second: Float64Array, parent: Float64Array | null): void {
  if (parent === null) {
    if (first === null) hist.set(second);
    else for (let i = 0; i < hist.length; i++) hist[i] = first[i]! + second[i]!;
  } else if (first === null) {
    for (let i = 0; i < hist.length; i++) {
      const v = second[i]!;
      hist[i] = v;
      parent[i] = parent[i]! - v;
    }
  } else {
    for (let i = 0; i < hist.length; i++) {
      const v = first[i]! + second[i]!;
      hist[i] = v;
      parent[i] = parent[i]! - v;
    }
  }
}

/**
 * Adds the gradients and hessians of the rows `list[from, to)`, one after another in double
 * precision, to the sums at `sums[at]`, `sums[at + 1]`: split anywhere, the rows give the sums of
 * one pass when the second part starts from the first part's sums. Self-contained: the helper
 * thread runs its source text.
 * @internal
 */
export function addSums(list: Uint32Array, from: number, to: number, grad: Float32Array, hess: Float32Array, sums: Float64Array, at: number): void {
  let g = sums[at]!;
  let h = sums[at + 1]!;
  for (let k = from; k < to; k++) {
    const r = list[k]!;
    g += grad[r]!;
    h += hess[r]!;
  }
  sums[at] = g;
  sums[at + 1] = h;
}

/**
 * Adds a tree's leaf values to the margins of the round's sampled rows at `index[from, to)`: each
 * leaf's rows are the range `ranges[2t], ranges[2t + 1]` of `index` its node was partitioned
 * into (a stream of the index, no walk). `tree` and `leaves` as for {@link walkRows}, `nodes` the
 * tree's nodes. Self-contained: the helper thread runs its source text.
 * @internal
 */
export function addLeafRows(tree: Int32Array, leaves: Float32Array, ranges: Int32Array, nodes: number, index: Uint32Array, margin: Float32Array, from: number, to: number): void {
  // 8 words a node (TREE_WORDS)
  for (let t = 0; t < nodes; t++) {
    if (tree[8 * t] !== -1) continue;
    const v = leaves[t]!;
    const end = Math.min(to, ranges[2 * t + 1]!);
    for (let k = Math.max(from, ranges[2 * t]!); k < end; k++) {
      const r = index[k]!;
      margin[r] = Math.fround(margin[r]! + v);
    }
  }
}

/** Words of a node in a tree being added to the margins (see {@link walkRows}). */
const TREE_WORDS = 8;

/**
 * Adds a tree's leaf values to the margins of the rows in `[begin, end)` that the round did not
 * sample (a walk over their row-major bins, `stride` apart: a row's bins in one cache line); the
 * sampled ones are added by their leaves' row ranges ({@link addLeafRows}). `tree` holds 8 words
 * a node (TREE_WORDS): left child or −1 at a leaf, right child, feature, last bin going left and
 * missing bin (both as the bins store them: counted from the feature's first bin for byte bins,
 * global for 16-bit ones), 1 if missing values go left; `leaves` each leaf's value.
 * Self-contained: the helper thread runs its source text.
 * @internal
 */
export function walkRows(tree: Int32Array, leaves: Float32Array, bins: Uint8Array | Uint16Array, stride: number, sampled: Uint8Array, margin: Float32Array, begin: number, end: number): void {
  for (let r = begin, at = begin * stride; r < end; r++, at += stride) {
    if (sampled[r] === 1) continue;
    let n = 0;
    while (tree[8 * n] !== -1) {
      const o = 8 * n;
      const b = bins[at + tree[o + 2]!]!;
      const left = b === tree[o + 4] ? tree[o + 5] === 1 : b <= tree[o + 3]!;
      n = left ? tree[o]! : tree[o + 1]!;
    }
    margin[r] = Math.fround(margin[r]! + leaves[n]!);
  }
}

/** A tree to add to the margins, for {@link HistogramBuilder.addTree}. @internal */
export interface WalkTree {
  /** Each node's rows among the round's sampled rows: `index[rows[2t], rows[2t + 1])` (read at leaves). */
  rows: Int32Array;
  left: Int32Array;
  right: Int32Array;
  splitIndex: Uint32Array;
  defaultLeft: Uint8Array;
  /** The last bin going left of each split, counted from its feature's first. */
  splitBin: Int32Array;
  /** Leaf values (at leaves). */
  value: Float32Array;
}

/** Buckets of a feature's value range in a {@link BinFinder}. */
const FINDER_BUCKETS = 1024;

/**
 * Finds a value's bin among a feature's sorted cuts (the number of cuts at or below it) in a
 * step or two: the value range is cut into FINDER_BUCKETS equal buckets by a monotone function,
 * so a cut in an earlier bucket is below the value and one in a later bucket above it; only the
 * cuts of the value's own bucket are compared.
 * @internal
 */
export interface BinFinder {
  min: number;
  scale: number;
  /** First cut of each bucket (FINDER_BUCKETS + 2 entries). */
  start: Int32Array;
}

/** The bucket of `v` among `buckets` (see {@link BinFinder}). Self-contained. @internal */
export function bucketOf(v: number, min: number, scale: number, buckets: number): number {
  const t = Math.floor((v - min) * scale);
  return t > 0 ? (t < buckets ? t : buckets) : 0;
}

/** The {@link BinFinder} of a feature's sorted, finite cuts. @internal */
export function binFinder(cuts: Float32Array): BinFinder {
  const n = cuts.length;
  const min = cuts[0]!;
  const range = cuts[n - 1]! - min;
  const s = FINDER_BUCKETS / range;
  // a degenerate or overflowing range: one bucket holds every cut (plain comparisons)
  const scale = range > 0 && Number.isFinite(s) && Number.isFinite(range) ? s : 0;
  const start = new Int32Array(FINDER_BUCKETS + 2);
  for (let b = 0, j = 0; b <= FINDER_BUCKETS + 1; b++) {
    while (j < n && bucketOf(cuts[j]!, min, scale, FINDER_BUCKETS) < b) j++;
    start[b] = j;
  }
  return { min, scale, start };
}

/** How many of `cuts` are at or below `v` (a present value). Self-contained. @internal */
export function findBin(cuts: Float32Array, finder: BinFinder, v: number): number {
  const t = bucketOf(v, finder.min, finder.scale, finder.start.length - 2);
  let j = finder.start[t]!;
  const end = finder.start[t + 1]!;
  while (j < end && cuts[j]! <= v) j++;
  return j;
}

/** What filling the bins of the training rows needs (see {@link binRows}). @internal */
export interface Binning {
  /** The training values, float32, row-major. */
  x: Float32Array;
  /** Each feature's sorted cuts. */
  cuts: Float32Array[];
  /** Each feature's {@link BinFinder}. */
  finders: BinFinder[];
  /** Each feature's last bin (cuts − 1). */
  lasts: Int32Array;
}

/**
 * The bins of rows `[begin, end)`: each value's global bin (its feature's missing bin when NaN)
 * into the row-major `bins` (counted from the feature's first bin when `byteBins`) and the
 * column-major `colBins`. Self-contained: the helper thread runs its source text.
 * @internal
 */
export function binRows(x: Float32Array, rows: number, cols: number, stride: number, byteBins: boolean, offset: Int32Array, cuts: Float32Array[], finders: BinFinder[], lasts: Int32Array, bins: Uint8Array | Uint16Array, colBins: Uint16Array, begin: number, end: number): void {
  for (let r = begin, i = begin * cols, o = begin * stride; r < end; r++, o += stride) {
    for (let f = 0; f < cols; f++, i++) {
      const v = x[i]!;
      const b = v === v ? offset[f]! + Math.min(lasts[f]!, findBin(cuts[f]!, finders[f]!, v)) : offset[f + 1]! - 1;
      bins[o + f] = byteBins ? b - offset[f]! : b;
      colBins[f * rows + r] = b;
    }
  }
}

/** A node whose best split {@link HistogramBuilder.splits} finds. @internal */
export interface SplitNode {
  /** Its histogram, made by {@link HistogramBuilder.histogram}. */
  hist: Float64Array;
  /** The features it may split on, ascending. */
  features: Int32Array;
  /** Its gradient and hessian sums. */
  g: number;
  h: number;
}

/** A node's best split (see {@link searchSplit}). @internal */
export interface SplitFound {
  /** Its gain (0 when no split beats 0). */
  gain: number;
  /** Its feature, or −1 when no split beats 0. */
  feature: number;
  /** The last bin going left, counted from the feature's first (−1: only missing values go left). */
  bin: number;
  defaultLeft: boolean;
  /** The left child's gradient and hessian sums. */
  gl: number;
  hl: number;
}

/** The split {@link searchSplit} wrote at `out[at]`. */
function splitFound(out: Float64Array, at: number): SplitFound {
  return { gain: out[at]!, feature: out[at + 1]!, bin: out[at + 2]!, defaultLeft: out[at + 3] === 1, gl: out[at + 4]!, hl: out[at + 5]! };
}

/**
 * Where to cut a node's features in two parts of about as many bins (a split search's cost is
 * about one step a bin): the first `cut` features and the rest.
 */
function featureCut(features: Int32Array, offset: Int32Array): number {
  let total = 0;
  for (let i = 0; i < features.length; i++) total += offset[features[i]! + 1]! - offset[features[i]!]!;
  let cut = 0;
  for (let bins = 0; cut < features.length && 2 * bins < total; cut++) bins += offset[features[cut]! + 1]! - offset[features[cut]!]!;
  return cut;
}

/** A node's split, for {@link HistogramBuilder.partitionMany}. @internal */
export interface RowSplit {
  begin: number;
  end: number;
  feature: number;
  /** Last global bin going left. */
  splitBin: number;
  missingBin: number;
  defaultLeft: boolean;
}

// The control block. A job is posted by writing its parameters, then each item's claim word as
// −job, then JOB. The helper claims an item by turning its word from −job to job and marks it done
// in its DONE word; the calling thread, once its own parts are done, takes every item the helper
// has not claimed (−job to 0) and does it itself. Either way an item's arithmetic is the same.
const JOB = 0; // sequence number of the latest job (or STOP)
const KIND = 1; // one of the KIND_ values below
const COUNT = 2; // items in the job
const KIND_ROOT = 1;
const KIND_PARTITION = 2;
const KIND_HISTOGRAM = 3;
const KIND_WALK = 4;
const KIND_BIN = 5;
const KIND_SPLIT = 6;
const KIND_SCAN = 7;
const KIND_SORT = 8;
/** Parts of the sketch's scan (row halves). */
const SKETCH_PARTS = 2;
/** Numbers of a split search's parameters in the shared numbers ({@link SplitParams}). */
const SPLIT_PARAMS = 4;
/** Numbers per split search item: the node's G and H, then the split found ({@link SPLIT_FOUND_WORDS}). */
const SPLIT_WORDS = 2 + SPLIT_FOUND_WORDS;
/** Items per job, at most. */
const BATCH = 16;
/** Parameter words per item. */
const WORDS = 8;
const PARAMS = 3;
const CLAIM = PARAMS + WORDS * BATCH;
const DONE = CLAIM + BATCH;
const RESULT = DONE + BATCH;
/** 1 while the helper sleeps on JOB (so a job is notified only then: a notify costs a system call). */
const SLEEPING = RESULT + BATCH;
/** The root job whose first half's gradient and hessian sums are published (see {@link HistogramBuilder.root}). */
const SUMS = SLEEPING + 1;
const CONTROL_WORDS = SUMS + 1;
const STOP = -1;
/** Milliseconds a waiting thread spins before it sleeps (a woken thread may wait long for a core on a busy machine). */
const SPIN_MS = 0.2;

/**
 * The helper thread's program. What its jobs read comes on a port, which it reads before each job
 * (each message is sent before the job that needs it is posted): the sketch's arrays, the training
 * arrays with the row kernel (`null`: {@link addRows}; else an unrolled kernel's source) and each
 * node histogram by number.
 */
const HELPER_SOURCE = `
const { workerData, receiveMessageOnPort } = require("node:worker_threads");
// the functions below are their source text as loaded: a transpiler that keeps function names
// (esbuild's keepNames, as tsx runs it) wraps nested ones in its __name helper
const __name = (f) => f;
const addRows = ${addRows.toString()};
const wasmKernels = ${wasmKernels.toString()};
const logisticGradients = ${logisticGradients.toString()};
const sampleRows = ${sampleRows.toString()};
const partitionRows = ${partitionRows.toString()};
const rootPart = ${rootPart.toString()};
const walkRows = ${walkRows.toString()};
const bucketOf = ${bucketOf.toString()};
const findBin = ${findBin.toString()};
const binRows = ${binRows.toString()};
const addLeafRows = ${addLeafRows.toString()};
const addSums = ${addSums.toString()};
const finishHistogram = ${finishHistogram.toString()};
const leafWeight = ${leafWeight.toString()};
const splitGain = ${splitGain.toString()};
const searchSplit = ${searchSplit.toString()};
const scanRows = ${scanRows.toString()};
const sortFloats = ${sortFloats.toString()};
const wasmSort = ${wasmSort.toString()};
const { control, port } = workerData;
const ctl = new Int32Array(control);
// the training arrays (d) and kernels, the sketch's arrays (sk), the node histograms by number
let d = null, kernels = null, rowKernel = null, len = 0, sk = null;
const hists = [];
const take = (message) => {
  if (message.kind === "histogram") hists[message.id] = message.hist;
  else if (message.kind === "sketch") {
    sk = message;
    sk.sortColumn = sortFloats;
    if (sk.sort !== null) {
      try {
        sk.sortColumn = wasmSort(sk.sort.bytes, sk.sort.memory, sk.sort.keys, sk.sort.counts);
      } catch {}
    }
  }
  else {
    d = message;
    kernels = d.wasm ? wasmKernels(d.wasm.bytes, d.wasm.memory) : { rows: d.kernel === null ? addRows : (0, eval)(d.kernel), gradients: logisticGradients, sample: sampleRows, partition: partitionRows, walk: walkRows, bin: null };
    rowKernel = kernels.rows;
    len = d.out.length / ${BATCH};
  }
};
let seen = 0;
for (;;) {
  // a short spin before sleeping (parts not started are taken back, so a late wake-up costs little)
  const until = performance.now() + ${SPIN_MS};
  for (let i = 0; Atomics.load(ctl, ${JOB}) === seen; i++) if ((i & 255) === 0 && performance.now() > until) break;
  // JOB is stored before SLEEPING is read, SLEEPING before JOB is checked: a job is seen or notified
  Atomics.store(ctl, ${SLEEPING}, 1);
  Atomics.wait(ctl, ${JOB}, seen);
  Atomics.store(ctl, ${SLEEPING}, 0);
  const job = Atomics.load(ctl, ${JOB});
  if (job === ${STOP}) break;
  if (job === seen) continue;
  seen = job;
  for (let got; (got = receiveMessageOnPort(port)) !== undefined; ) take(got.message);
  const kind = ctl[${KIND}], count = ctl[${COUNT}];
  for (let k = 0; k < count; k++) {
    if (Atomics.compareExchange(ctl, ${CLAIM} + k, -job, job) !== -job) continue;
    const o = ${PARAMS} + ${WORDS} * k;
    if (kind === ${KIND_SCAN}) scanRows(sk.x, sk.cols, sk.every, ctl[o], ctl[o + 1], k, sk.lo, sk.hi, sk.missing, sk.counts, sk.columns, sk.cap);
    else if (kind === ${KIND_SORT}) {
      for (let f = ctl[o]; f < ctl[o + 1]; f++) sk.sortColumn(sk.columns.subarray(f * sk.cap, f * sk.cap + sk.counts[${SKETCH_PARTS} * sk.cols + f]));
    }
    else if (kind === ${KIND_ROOT}) {
      const n = rootPart(rowKernel, kernels.gradients, kernels.sample, d.out.subarray(k * len, (k + 1) * len), d.bins, d.cols, d.margin, d.labels, d.grad, d.hess, d.scalePosWeight, d.sampled, d.scratch, ctl[o + 2], ctl[o + 3] >>> 0, ctl[o + 4] === 1, ctl[o], ctl[o + 1], null);
      ctl[${RESULT} + k] = n;
      // the sums go on from the first half's, which the calling thread has published (or soon will:
      // it does so before it waits for anything)
      const until = performance.now() + ${SPIN_MS};
      for (let i = 0; Atomics.load(ctl, ${SUMS}) !== job; i++) if ((i & 255) === 0 && performance.now() > until) Atomics.wait(ctl, ${SUMS}, Atomics.load(ctl, ${SUMS}), 1);
      d.sums[2] = d.sums[0];
      d.sums[3] = d.sums[1];
      addSums(d.scratch, ctl[o], ctl[o] + n, d.grad, d.hess, d.sums, 2);
    }
    else if (kind === ${KIND_WALK}) {
      kernels.walk(d.tree, d.leaves, d.bins, d.stride, d.sampled, d.margin, ctl[o], ctl[o + 1]);
      addLeafRows(d.tree, d.leaves, d.ranges, ctl[o + 4], d.index, d.margin, ctl[o + 2], ctl[o + 3]);
    }
    else if (kind === ${KIND_SPLIT}) {
      const at = ${SPLIT_PARAMS} + ${SPLIT_WORDS} * k, nm = d.numbers;
      searchSplit(hists[ctl[o]], d.offset, d.features.subarray(k * d.cols, (k + 1) * d.cols), ctl[o + 1], ctl[o + 2], nm[at], nm[at + 1], nm[0], nm[1], nm[2], nm[3], nm, at + 2);
    }
    else if (kind === ${KIND_BIN}) {
      const bn = d.binning;
      if (d.table !== null) kernels.bin(d.table, bn.x, d.bins, d.colBins, d.rows, d.cols, d.stride, d.byteBins, ctl[o], ctl[o + 1]);
      else binRows(bn.x, d.rows, d.cols, d.stride, d.byteBins, d.offset, bn.cuts, bn.finders, bn.lasts, d.bins, d.colBins, ctl[o], ctl[o + 1]);
    }
    else if (kind === ${KIND_PARTITION}) ctl[${RESULT} + k] = kernels.partition(d.index, d.scratch, d.colBins, d.rows, ctl[o + 2], ctl[o + 3], ctl[o + 4], ctl[o + 5] === 1, ctl[o], ctl[o + 1]);
    else {
      const outK = d.out.subarray(k * len, (k + 1) * len);
      outK.fill(0);
      rowKernel(outK, d.bins, d.cols, d.index, ctl[o], ctl[o + 1], d.grad, d.hess);
      // a node's histogram made whole here: finished here too (its parent loses it)
      ctl[${RESULT} + k] = ctl[o + 2] >= 0 ? 1 : 0;
      if (ctl[o + 2] >= 0) finishHistogram(hists[ctl[o + 2]], null, outK, ctl[o + 3] >= 0 ? hists[ctl[o + 3]] : null);
    }
    Atomics.store(ctl, ${DONE} + k, job);
    Atomics.notify(ctl, ${DONE} + k);
  }
}
`;

/** A message to the helper thread: what the jobs posted after it read. */
type HelperMessage = { kind: "histogram"; id: number; hist: Float64Array } | ({ kind: "sketch" } & SketchArrays) | ({ kind: "inputs" } & Record<string, unknown>);

/**
 * The helper worker thread and the control block through which it is offered parts of jobs (see
 * the control block's description above). Started first thing in a training, before the values
 * are sketched and binned: a worker takes some 25–40 ms to start, which the calling thread spends
 * on its checks and copies, so that the helper is up for the sketch's scan.
 * @internal
 */
export class TrainingHelper {
  readonly control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
  private worker: Worker | null = null;
  /** Where what the helper's jobs read is sent. */
  private port: MessagePort | null = null;
  private seq = 0;
  /** Parts the helper thread has done. */
  done = 0;

  constructor(
    threads: number,
    /** Whether this thread takes the parts the helper has not taken yet (false: it waits; for tests). */
    private readonly steal = true,
  ) {
    if (threads < 2) return;
    const { port1, port2 } = new MessageChannel();
    // the port never keeps the process alive (the helper is unreferenced too)
    port1.unref();
    this.port = port1;
    this.worker = new Worker(HELPER_SOURCE, { eval: true, workerData: { control: this.control.buffer, port: port2 }, transferList: [port2] });
    this.worker.unref();
    // a helper that fails is replaced by the calling thread (it takes every part)
    this.worker.on("error", () => undefined);
  }

  /** Threads doing the work (1 or 2). */
  get threads(): number {
    return this.worker === null ? 1 : 2;
  }

  /** Sends the helper what the jobs posted from now on read (nothing without a helper). */
  send(message: HelperMessage): void {
    this.port?.postMessage(message);
  }

  /**
   * Posts a job of `count` items (their parameters already written) to the helper, when there is
   * one; returns the job's number (0: no helper, every part is this thread's).
   */
  post(kind: number, count: number): number {
    // posted whether or not the helper is up yet: the parts it has not taken are done here
    if (this.worker === null) return 0;
    const ctl = this.control;
    const job = ++this.seq;
    ctl[KIND] = kind;
    ctl[COUNT] = count;
    for (let k = 0; k < count; k++) Atomics.store(ctl, CLAIM + k, -job);
    Atomics.store(ctl, JOB, job);
    if (Atomics.load(ctl, SLEEPING) === 1) Atomics.notify(ctl, JOB);
    return job;
  }

  /**
   * After this thread's own parts: takes item `k` unless the helper has, or waits for the helper
   * to finish it. True when this thread must do it.
   * @throws {@link TrainError} `WORKER_FAILED` when the helper took the item and stopped answering
   */
  mine(job: number, k: number): boolean {
    if (job === 0) return true;
    const ctl = this.control;
    if (this.steal && Atomics.compareExchange(ctl, CLAIM + k, -job, 0) === -job) return true;
    const spinUntil = performance.now() + SPIN_MS;
    for (let i = 0; Atomics.load(ctl, DONE + k) !== job; i++) if ((i & 255) === 0 && performance.now() > spinUntil) break;
    const deadline = performance.now() + HELPER_WAIT_MS;
    while (Atomics.load(ctl, DONE + k) !== job && performance.now() < deadline) Atomics.wait(ctl, DONE + k, Atomics.load(ctl, DONE + k), 100);
    if (Atomics.load(ctl, DONE + k) !== job) {
      // the helper took the part and stopped answering: its rows may be half moved
      this.close();
      throw new TrainError("WORKER_FAILED", `the training helper thread stopped answering for ${HELPER_WAIT_MS / 1000} s`);
    }
    this.done++;
    return false;
  }

  /** Stops the helper thread. */
  close(): void {
    this.port?.close();
    this.port = null;
    if (this.worker === null) return;
    Atomics.store(this.control, JOB, STOP);
    Atomics.notify(this.control, JOB);
    void this.worker.terminate();
    this.worker = null;
  }
}

/** The shared arrays of the sketch (see {@link scanRows}). */
interface SketchArrays {
  x: Float32Array;
  cols: number;
  every: number;
  /** Room of each feature's column. */
  cap: number;
  lo: Float64Array;
  hi: Float64Array;
  missing: Uint8Array;
  /** Each part's count per feature, then each feature's sorted length. */
  counts: Int32Array;
  columns: Float32Array;
  /** The WebAssembly sort's module, memory and the helper's room in it ({@link wasmSort}), or null (JavaScript sort). */
  sort: { bytes: Uint8Array; memory: WasmMemory; keys: Uint32Array; counts: Int32Array } | null;
}

/** A feature's sorted sample and whether it has missing values (see {@link sketchColumns}). @internal */
export interface SketchColumn {
  values: Float32Array;
  missing: boolean;
}

/**
 * The quantile sketch's sample of each feature, sorted (see sketch.ts): the present values of the
 * rows `every` apart and, when `every` > 1, the feature's exact extremes. The rows are scanned in
 * two halves and the columns sorted in groups of features, offered to the helper: the same
 * columns on one thread or two (extremes joined as one pass in row order finds them, a column's
 * sort the same whatever the order of its values).
 * @internal
 */
export function sketchColumns(helper: TrainingHelper, x: Float32Array, rows: number, cols: number, every: number, wasm = true): SketchColumn[] {
  const cap = Math.ceil(rows / every) + 2;
  // the columns in a memory of their own, with each thread's room for the sort's keys and counts:
  // sorted in WebAssembly where the runtime allows (about five times the JavaScript sort's speed,
  // and no warm-up in a new helper thread)
  const memory = new RowMemory(RowMemory.bytes(4 * cols * cap, 8 * cap, 8 * cap, 12 * SORT_DIGITS, 12 * SORT_DIGITS), wasm);
  const columns = memory.take(Float32Array, cols * cap);
  const room = [0, 1].map(() => ({ keys: memory.take(Uint32Array, 2 * cap), counts: memory.take(Int32Array, 3 * SORT_DIGITS) }));
  let sort: ((values: Float32Array) => void) | null = null;
  let bytes: Uint8Array | null = null;
  if (memory.memory !== null) {
    try {
      bytes = sortModuleBytes();
      sort = wasmSort(bytes, memory.memory, room[0]!.keys, room[0]!.counts);
    } catch {
      bytes = null;
    }
  }
  const arrays: SketchArrays = {
    x,
    cols,
    every,
    cap,
    lo: shared(Float64Array, SKETCH_PARTS * cols),
    hi: shared(Float64Array, SKETCH_PARTS * cols),
    missing: shared(Uint8Array, SKETCH_PARTS * cols),
    counts: shared(Int32Array, (SKETCH_PARTS + 1) * cols),
    columns,
    sort: bytes === null ? null : { bytes, memory: memory.memory!, ...room[1]! },
  };
  const { lo, hi, missing, counts } = arrays;
  helper.send({ kind: "sketch", ...arrays });
  const { job, halves } = postHalves(helper, KIND_SCAN, rows);
  for (let k = halves.length - 2; k >= 0; k--) if (helper.mine(job, k)) scanRows(x, cols, every, halves[k]!, halves[k + 1]!, k, lo, hi, missing, counts, columns, cap);
  const out: SketchColumn[] = [];
  for (let f = 0; f < cols; f++) {
    let n = counts[f]!;
    let low = lo[f]!;
    let high = hi[f]!;
    let missingLater = false;
    if (halves.length === 3) {
      // the second half's values follow the first's; its extremes count where strictly beyond
      const base = Math.ceil(halves[1]! / every);
      const n2 = counts[cols + f]!;
      columns.copyWithin(f * cap + n, f * cap + base, f * cap + base + n2);
      n += n2;
      if (lo[cols + f]! < low) low = lo[cols + f]!;
      if (hi[cols + f]! > high) high = hi[cols + f]!;
      missingLater = missing[cols + f] === 1;
    }
    if (every > 1 && n > 0) {
      columns[f * cap + n++] = low;
      columns[f * cap + n++] = high;
    }
    counts[SKETCH_PARTS * cols + f] = n;
    out.push({ values: columns.subarray(f * cap, f * cap + n), missing: missing[f] === 1 || missingLater });
  }
  // the sorts in groups of features of about as many values, the helper taking them from the first
  const groups = Math.min(BATCH, cols);
  const total = out.reduce((sum, c) => sum + c.values.length, 0);
  const ends: number[] = [0];
  for (let f = 0, sum = 0; f < cols; f++) {
    sum += out[f]!.values.length;
    if (ends.length < groups && sum * groups >= total * ends.length) ends.push(f + 1);
  }
  if (ends[ends.length - 1] !== cols) ends.push(cols);
  for (let k = 0; k + 1 < ends.length; k++) {
    helper.control[PARAMS + WORDS * k] = ends[k]!;
    helper.control[PARAMS + WORDS * k + 1] = ends[k + 1]!;
  }
  const sortJob = helper.post(KIND_SORT, ends.length - 1);
  for (let k = ends.length - 2; k >= 0; k--) if (helper.mine(sortJob, k)) for (let f = ends[k]!; f < ends[k + 1]!; f++) (sort ?? sortFloats)(out[f]!.values);
  return out;
}

/**
 * Posts a job over rows `[0, rows)` in two halves (one part below SPLIT_ROWS rows): each part's
 * first two parameters are its rows, and `more` writes any others from word `o` of part `k`.
 */
function postHalves(helper: TrainingHelper, kind: number, rows: number, more?: (k: number, o: number) => void): { job: number; halves: number[] } {
  const halves = rows >= SPLIT_ROWS ? [0, rows >>> 1, rows] : [0, rows];
  for (let k = 0; k + 1 < halves.length; k++) {
    helper.control[PARAMS + WORDS * k] = halves[k]!;
    helper.control[PARAMS + WORDS * k + 1] = halves[k + 1]!;
    more?.(k, PARAMS + WORDS * k + 2);
  }
  return { job: helper.post(kind, halves.length - 1), halves };
}

/** Shared training arrays a helper thread reads. */
export interface SharedInputs {
  /** Each row's bins, in the layout given by `stride` and `offset` ({@link RowLayout}). */
  bins: Uint8Array | Uint16Array;
  /** Elements from one row's bins to the next. @defaultValue cols */
  stride?: number;
  /** Whether `bins` hold each feature's bins from `offset[f]` in bytes; see {@link RowLayout}. */
  byteBins?: boolean;
  /** One row index per row: the round's rows, then each node's rows in a range of it. */
  index: Uint32Array;
  /** Room for one row index per row. */
  scratch: Uint32Array;
  /** Column-major global bins, `rows` per feature. */
  colBins: Uint16Array;
  grad: Float32Array;
  hess: Float32Array;
  cols: number;
  /** Histogram length (2 × bins). */
  length: number;
  /** Margins of the training rows. */
  margin: Float32Array;
  /** Labels of the training rows. */
  labels: Uint8Array;
  /** Weight of positive rows. */
  scalePosWeight: number;
  /** One flag per row: taken by the round's sampling. */
  sampled: Uint8Array;
  /** First global bin of each feature, and the total (for {@link HistogramBuilder.addTree}). */
  offset: Int32Array;
  /** Most nodes a tree can have (for {@link HistogramBuilder.addTree}). */
  treeNodes: number;
  /** What filling the bins needs (for {@link HistogramBuilder.bin}). */
  binning?: Binning;
  /**
   * The memory `bins`, `colBins`, `index`, `scratch`, `grad`, `hess`, `margin`, `labels` and
   * `sampled` are views of, with room for the builder's histograms ({@link HistogramBuilder.memoryBytes}): with a
   * WebAssembly memory, histograms, gradients and samples are computed by the WebAssembly kernels
   * ({@link wasmKernelBytes}).
   */
  memory?: RowMemory;
}

/** A typed array over shared memory, of `length` elements. @internal */
export function shared<T extends Uint8Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array>(Type: { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, length: number): T {
  return new Type(new SharedArrayBuffer(Math.max(1, length) * Type.BYTES_PER_ELEMENT));
}

/** What {@link HistogramBuilder.root} returns. @internal */
export interface RootSums {
  /** Rows sampled. */
  rows: number;
  /** Their gradient and hessian sums. */
  g: number;
  h: number;
}

/** The sampling of a round (see {@link sampleRows}). @internal */
export interface RoundSampling {
  key: number;
  /** subsample × 2³², below which a row's hash is taken. */
  threshold: number;
  /** Every row (subsample 1). */
  all: boolean;
}

/**
 * Runs the rounds' row work (gradients, sampling, partitions, histograms) over {@link SharedInputs}
 * on one thread or two, with the same result: work on at least SPLIT_ROWS rows is always done as
 * two fixed parts whose histograms are summed in order (first + second), and the helper thread
 * does second parts while the calling thread does the first ones — or the calling thread does
 * them too, when the helper has not taken them by then.
 * @internal
 */
export class HistogramBuilder {
  /** The second parts' histograms (helper thread's, or this thread's when it takes them): BATCH of them. */
  private readonly out: Float64Array;
  /** This thread's parts' histograms: BATCH first parts, then one for a part done whole. */
  private readonly own: Float64Array;
  /** The row kernel for the inputs' layout. */
  private readonly kernel: RowKernel;
  /** The gradient and sampling kernels. */
  private readonly gradients: typeof logisticGradients;
  private readonly sample: typeof sampleRows;
  private readonly partition: typeof partitionRows;
  private readonly walk: typeof walkRows;
  private readonly binKernel: Kernels["bin"];
  /** The binning's table in the memory (see {@link binningTable}), or null (JavaScript binning). */
  private readonly table: Uint8Array | null;
  /** The tree being added to the margins (see {@link walkRows}, {@link addLeafRows}). */
  private readonly tree: Int32Array;
  private readonly leaves: Float32Array;
  private readonly ranges: Int32Array;
  /** A root's gradient and hessian sums: this thread's half's, then the whole's when the helper adds its half. */
  private readonly sums: Float64Array;
  /** A split search's parameters and items (see {@link HistogramBuilder.splits}). */
  private readonly numbers: Float64Array;
  /** Each split search item's features, `cols` apart. */
  private readonly features: Int32Array;
  /** The histograms made by {@link HistogramBuilder.histogram}, by number (the helper's names for them). */
  private readonly histogramIds = new Map<Float64Array, number>();
  /** The helper thread (or none) and its control block. */
  private readonly helper: TrainingHelper;
  private readonly control: Int32Array;
  /** Whether histograms are built by the WebAssembly kernel. */
  readonly wasm: boolean;

  /**
   * Bytes of a {@link RowMemory} for `rows` rows of `cols` features (their float32 values,
   * `rowBytes` bytes of row-major bins, the other row arrays), histograms of `length` numbers,
   * the binning's table and trees of `treeNodes` nodes.
   */
  static memoryBytes(rows: number, cols: number, rowBytes: number, length: number, treeNodes: number): number {
    const table = TABLE_ENTRY * cols + 4 * (FINDER_BUCKETS + 2) * cols + 2 * length;
    return RowMemory.bytes(4 * rows * cols, rows * rowBytes, 2 * rows * cols, 4 * rows, 4 * rows, 4 * rows, 4 * rows, 4 * rows, rows, rows, 8 * BATCH * length, 8 * (BATCH + 1) * length, table, 4 * TREE_WORDS * treeNodes, 4 * treeNodes);
  }

  constructor(
    /** The shared arrays. */
    readonly inputs: SharedInputs,
    /** The helper thread to offer parts to, or the threads to work on (a helper is started for 2). */
    helper: TrainingHelper | number,
    /** Whether this thread takes the parts the helper has not taken yet (false: it waits; for tests). */
    steal = true,
  ) {
    this.helper = typeof helper === "number" ? new TrainingHelper(helper, steal) : helper;
    this.control = this.helper.control;
    const layout: RowLayout = { cols: inputs.cols, stride: inputs.stride ?? inputs.cols, offset: inputs.byteBins === true ? inputs.offset : null };
    if ((layout.offset === null) !== inputs.bins instanceof Uint16Array) throw new Error("byte bins go with offsets, 16-bit bins without");
    // the WebAssembly kernel where every array it reads is in the WebAssembly memory
    const memory = inputs.memory?.memory ?? null;
    const inMemory = (a: ArrayBufferView): boolean => memory !== null && a.buffer === memory.buffer;
    let wasm: { bytes: Uint8Array; memory: WasmMemory } | null = null;
    let kernels: Kernels | null = null;
    if (memory !== null && [inputs.bins, inputs.colBins, inputs.index, inputs.scratch, inputs.grad, inputs.hess, inputs.margin, inputs.labels, inputs.sampled].every(inMemory)) {
      try {
        const bytes = wasmKernelBytes(layout);
        kernels = wasmKernels(bytes, memory);
        wasm = { bytes, memory };
      } catch {
        kernels = null;
      }
    }
    this.wasm = wasm !== null;
    this.kernel = kernels?.rows ?? rowKernel(layout);
    this.gradients = kernels?.gradients ?? logisticGradients;
    this.sample = kernels?.sample ?? sampleRows;
    this.partition = kernels?.partition ?? partitionRows;
    this.walk = kernels?.walk ?? walkRows;
    this.out = wasm !== null ? inputs.memory!.take(Float64Array, BATCH * inputs.length) : shared(Float64Array, BATCH * inputs.length);
    this.own = wasm !== null ? inputs.memory!.take(Float64Array, (BATCH + 1) * inputs.length) : new Float64Array((BATCH + 1) * inputs.length);
    // the binning in WebAssembly where the values are in the memory too
    this.binKernel = kernels?.bin ?? null;
    this.table = wasm !== null && inputs.binning !== undefined && inMemory(inputs.binning.x) ? binningTable(inputs.memory!, inputs.binning, inputs.offset) : null;
    // the tree in the memory for the WebAssembly walk
    this.tree = wasm !== null ? inputs.memory!.take(Int32Array, TREE_WORDS * inputs.treeNodes) : shared(Int32Array, TREE_WORDS * inputs.treeNodes);
    this.leaves = wasm !== null ? inputs.memory!.take(Float32Array, inputs.treeNodes) : shared(Float32Array, inputs.treeNodes);
    this.ranges = shared(Int32Array, 2 * inputs.treeNodes);
    this.numbers = shared(Float64Array, SPLIT_PARAMS + BATCH * SPLIT_WORDS);
    this.sums = shared(Float64Array, 4);
    this.features = shared(Int32Array, BATCH * inputs.cols);
    this.helper.send({
      kind: "inputs",
      kernel: this.kernel === addRows || wasm !== null ? null : rowKernelSource(layout),
      bins: inputs.bins,
      byteBins: inputs.bins instanceof Uint8Array,
      index: inputs.index,
      grad: inputs.grad,
      hess: inputs.hess,
      out: this.out,
      cols: inputs.cols,
      margin: inputs.margin,
      labels: inputs.labels,
      scalePosWeight: inputs.scalePosWeight,
      colBins: inputs.colBins,
      scratch: inputs.scratch,
      sampled: inputs.sampled,
      rows: inputs.index.length,
      tree: this.tree,
      leaves: this.leaves,
      ranges: this.ranges,
      numbers: this.numbers,
      sums: this.sums,
      features: this.features,
      offset: inputs.offset,
      stride: layout.stride,
      binning: inputs.binning ?? null,
      wasm,
      table: this.table,
    });
  }

  /** Second parts the helper thread has done. */
  get helperJobs(): number {
    return this.helper.done;
  }

  /** Threads doing the work (1 or 2). */
  get threads(): number {
    return this.helper.threads;
  }

  /**
   * A new histogram of {@link SharedInputs.length} numbers in shared memory, which
   * {@link HistogramBuilder.splits} can search on either thread: the helper is told of it (by
   * number, on a port it reads when a job names a histogram it does not know yet).
   */
  histogram(): Float64Array {
    const hist = shared(Float64Array, this.inputs.length);
    const id = this.histogramIds.size;
    this.histogramIds.set(hist, id);
    this.helper.send({ kind: "histogram", id, hist });
    return hist;
  }

  /**
   * The best split of each node (see {@link searchSplit}) over its features, each node's features
   * cut in two parts of about as many bins: this thread searches the first parts, the helper is
   * offered the second ones, and each node's split is the second part's best where it beats the
   * first part's — the split one search over all the features finds.
   * @param nodes Each node's histogram (made by {@link HistogramBuilder.histogram}), features
   *   and gradient and hessian sums.
   */
  splits(nodes: readonly SplitNode[], params: SplitParams): SplitFound[] {
    const { offset, cols } = this.inputs;
    const ctl = this.control;
    const numbers = this.numbers;
    const { minChildWeight: mcw, lambda, alpha, maxDeltaStep: mds } = params;
    numbers[0] = mcw;
    numbers[1] = lambda;
    numbers[2] = alpha;
    numbers[3] = mds;
    const found: SplitFound[] = [];
    // this thread's parts' results
    const own = new Float64Array(SPLIT_FOUND_WORDS);
    for (let c = 0; c < nodes.length; c += BATCH) {
      const chunk = nodes.slice(c, c + BATCH);
      const cuts = chunk.map((node) => featureCut(node.features, offset));
      chunk.forEach((node, k) => {
        const id = this.histogramIds.get(node.hist);
        if (id === undefined) throw new Error("a split search needs histograms made by HistogramBuilder.histogram");
        if (node.features.length > cols) throw new Error(`a node of ${node.features.length} features is wider than the ${cols} planned`);
        const o = PARAMS + WORDS * k;
        ctl[o] = id;
        ctl[o + 1] = cuts[k]!;
        ctl[o + 2] = node.features.length;
        this.features.set(node.features, k * cols);
        numbers[SPLIT_PARAMS + SPLIT_WORDS * k] = node.g;
        numbers[SPLIT_PARAMS + SPLIT_WORDS * k + 1] = node.h;
      });
      const job = this.helper.post(KIND_SPLIT, chunk.length);
      const firsts = chunk.map((node, k) => {
        searchSplit(node.hist, offset, node.features, 0, cuts[k]!, node.g, node.h, mcw, lambda, alpha, mds, own, 0);
        return splitFound(own, 0);
      });
      const seconds: SplitFound[] = [];
      for (let k = chunk.length - 1; k >= 0; k--) {
        const node = chunk[k]!;
        const at = SPLIT_PARAMS + SPLIT_WORDS * k + 2;
        if (this.helper.mine(job, k)) searchSplit(node.hist, offset, node.features, cuts[k]!, node.features.length, node.g, node.h, mcw, lambda, alpha, mds, numbers, at);
        seconds[k] = splitFound(numbers, at);
      }
      chunk.forEach((_, k) => found.push(seconds[k]!.gain > firsts[k]!.gain ? seconds[k]! : firsts[k]!));
    }
    return found;
  }

  /**
   * The root of a round: gradients and hessians of every row from the shared margins and labels,
   * the rows sampled (`index[0, n)` in order, `sampled` flags set; see {@link sampleRows}), their
   * histogram into `hist` and their gradient and hessian sums (added in row order). The sums of
   * the helper's half go on from this thread's, which it publishes before building its histogram:
   * the helper adds its rows while this thread still builds.
   */
  root(sampling: RoundSampling, hist: Float64Array): RootSums {
    const { bins, cols, margin, labels, grad, hess, scalePosWeight: spw, sampled, index, scratch } = this.inputs;
    const rows = margin.length;
    const kernel = this.kernel;
    const sums = this.sums;
    const part = (into: Float64Array, list: Uint32Array, begin: number, end: number, sampledRows: (n: number) => void): number =>
      rootPart(kernel, this.gradients, this.sample, into, bins, cols, margin, labels, grad, hess, spw, sampled, list, sampling.key | 0, sampling.threshold, sampling.all, begin, end, sampledRows);
    sums.fill(0);
    if (rows < SPLIT_ROWS) {
      const whole = this.ownSlot(BATCH, hist.length);
      const n = part(whole, index, 0, rows, (n) => addSums(index, 0, n, grad, hess, sums, 0));
      hist.set(whole);
      return { rows: n, g: sums[0]!, h: sums[1]! };
    }
    const mid = rows >>> 1;
    const ctl = this.control;
    ctl[PARAMS] = mid;
    ctl[PARAMS + 1] = rows;
    ctl[PARAMS + 2] = sampling.key | 0;
    ctl[PARAMS + 3] = sampling.threshold | 0;
    ctl[PARAMS + 4] = sampling.all ? 1 : 0;
    const job = this.helper.post(KIND_ROOT, 1);
    const firstHist = this.ownSlot(0, hist.length);
    const secondHist = this.out.subarray(0, hist.length);
    const first = part(firstHist, index, 0, mid, (n) => {
      addSums(index, 0, n, grad, hess, sums, 0);
      Atomics.store(ctl, SUMS, job);
    });
    let second: number;
    if (this.helper.mine(job, 0)) {
      second = part(secondHist, scratch, mid, rows, (n) => addSums(scratch, mid, mid + n, grad, hess, sums, 0));
    } else {
      second = ctl[RESULT]!;
      sums[0] = sums[2]!;
      sums[1] = sums[3]!;
    }
    index.set(scratch.subarray(mid, mid + second), first);
    finishHistogram(hist, firstHist, secondHist, null);
    return { rows: first + second, g: sums[0]!, h: sums[1]! };
  }

  /**
   * Partitions the rows of several nodes in place (see {@link partitionRows}): each node's rows
   * going left first, then those going right, both in their order. A large node's second half is
   * the helper's part; the halves joined give the order of one pass. Returns the rows going left
   * of each node.
   */
  partitionMany(splits: RowSplit[]): Int32Array {
    const { index, scratch, colBins } = this.inputs;
    const rows = index.length;
    const lefts = new Int32Array(splits.length);
    const partition = this.partition;
    const part = (s: RowSplit, begin: number, end: number): number => partition(index, scratch, colBins, rows, s.feature, s.splitBin, s.missingBin, s.defaultLeft, begin, end);
    // joins [begin, mid) partitioned (lA left) and [mid, end) partitioned (lB left)
    const join = (s: RowSplit, mid: number, lA: number, lB: number): number => {
      index.copyWithin(s.begin + lA, mid, mid + lB);
      const rA = mid - s.begin - lA;
      index.set(scratch.subarray(s.begin, s.begin + rA), s.begin + lA + lB);
      index.set(scratch.subarray(mid, s.end - lB), s.begin + lA + lB + rA);
      return lA + lB;
    };
    // every node is an item offered to the helper: a large node's second half (the first half is
    // this thread's), a small node whole (its first half is empty)
    const mid = (s: RowSplit): number => (s.end - s.begin >= SPLIT_ROWS ? s.begin + ((s.end - s.begin) >>> 1) : s.begin);
    const ctl = this.control;
    for (let c = 0; c < splits.length; c += BATCH) {
      const chunk = splits.slice(c, c + BATCH);
      chunk.forEach((s, k) => {
        const o = PARAMS + WORDS * k;
        ctl[o] = mid(s);
        ctl[o + 1] = s.end;
        ctl[o + 2] = s.feature;
        ctl[o + 3] = s.splitBin;
        ctl[o + 4] = s.missingBin;
        ctl[o + 5] = s.defaultLeft ? 1 : 0;
      });
      const job = this.helper.post(KIND_PARTITION, chunk.length);
      const firsts = chunk.map((s) => (mid(s) > s.begin ? part(s, s.begin, mid(s)) : 0));
      for (let k = chunk.length - 1; k >= 0; k--) {
        const s = chunk[k]!;
        const second = this.helper.mine(job, k) ? part(s, mid(s), s.end) : ctl[RESULT + k]!;
        lefts[c + k] = join(s, mid(s), firsts[k]!, second);
      }
    }
    return lefts;
  }

  /**
   * The histograms of several row ranges (`ranges[2j], ranges[2j + 1]` into `hists[j]`), each
   * offered to the helper: a large range as its two halves summed in order (the second the
   * helper's part), a small one whole. With `parents`, each `parents[j]` then loses `hists[j]`
   * (the larger sibling's histogram, in the same pass).
   */
  buildMany(hists: Float64Array[], ranges: Int32Array, parents?: Float64Array[]): void {
    const { bins, cols, index, grad, hess } = this.inputs;
    const kernel = this.kernel;
    const len = this.inputs.length;
    const mid = (j: number): number => (ranges[2 * j + 1]! - ranges[2 * j]! >= SPLIT_ROWS ? ranges[2 * j]! + ((ranges[2 * j + 1]! - ranges[2 * j]!) >>> 1) : ranges[2 * j]!);
    const ctl = this.control;
    for (let c = 0; c < hists.length; c += BATCH) {
      const count = Math.min(BATCH, hists.length - c);
      for (let k = 0; k < count; k++) {
        const j = c + k;
        ctl[PARAMS + WORDS * k] = mid(j);
        ctl[PARAMS + WORDS * k + 1] = ranges[2 * j + 1]!;
        // a small range's histogram (one part) the helper finishes itself where it knows the
        // histograms (made by HistogramBuilder.histogram)
        const parent = parents?.[j];
        const parentId = parent === undefined ? -1 : (this.histogramIds.get(parent) ?? -2);
        const id = mid(j) === ranges[2 * j] && parentId !== -2 ? (this.histogramIds.get(hists[j]!) ?? -1) : -1;
        ctl[PARAMS + WORDS * k + 2] = id;
        ctl[PARAMS + WORDS * k + 3] = parentId;
      }
      const job = this.helper.post(KIND_HISTOGRAM, count);
      for (let k = 0; k < count; k++) {
        const j = c + k;
        if (mid(j) === ranges[2 * j]) continue;
        const firstK = this.ownSlot(k, len);
        firstK.fill(0);
        kernel(firstK, bins, cols, index, ranges[2 * j]!, mid(j), grad, hess);
      }
      for (let k = count - 1; k >= 0; k--) {
        const j = c + k;
        const outK = this.out.subarray(k * len, (k + 1) * len);
        if (this.helper.mine(job, k)) {
          outK.fill(0);
          kernel(outK, bins, cols, index, mid(j), ranges[2 * j + 1]!, grad, hess);
        } else if (ctl[RESULT + k] === 1) continue;
        finishHistogram(hists[j]!, mid(j) > ranges[2 * j]! ? this.ownSlot(k, len) : null, outK, parents?.[j] ?? null);
      }
    }
  }

  /** Fills the bins of every row (see {@link binRows}) from {@link SharedInputs.binning}, in two halves. */
  bin(): void {
    const { binning, bins, colBins, offset, cols } = this.inputs;
    if (binning === undefined) throw new Error("binning needs the values, cuts and finders");
    const rows = this.inputs.index.length;
    const stride = this.inputs.stride ?? cols;
    const byteBins = this.inputs.byteBins === true;
    const { job, halves } = postHalves(this.helper, KIND_BIN, rows);
    const { table, binKernel } = this;
    // from the last part: the helper takes them from the first
    for (let k = halves.length - 2; k >= 0; k--) {
      if (!this.helper.mine(job, k)) continue;
      if (table !== null && binKernel !== null) binKernel(table, binning.x, bins, colBins, rows, cols, stride, byteBins, halves[k]!, halves[k + 1]!);
      else binRows(binning.x, rows, cols, stride, byteBins, offset, binning.cuts, binning.finders, binning.lasts, bins, colBins, halves[k]!, halves[k + 1]!);
    }
  }

  /**
   * Adds a round's tree to the training margins, in two halves offered to the helper: each half
   * of the rows not sampled walks the tree ({@link walkRows}), and each half of the sampled rows
   * (`index[0, sampledRows)`) gets its leaf's value by the leaves' row ranges ({@link addLeafRows}).
   * Every row's margin gets one addition, so any split of the rows gives the same margins.
   */
  addTree(t: WalkTree, sampledRows: number): void {
    const { offset, sampled, margin, index } = this.inputs;
    const rows = margin.length;
    const m = t.left.length;
    if (m > this.leaves.length) throw new Error(`a tree of ${m} nodes is larger than the ${this.leaves.length} planned`);
    const { bins, cols } = this.inputs;
    const byteBins = bins instanceof Uint8Array;
    for (let i = 0, o = 0; i < m; i++, o += TREE_WORDS) {
      const f = t.splitIndex[i]!;
      // the bins as the rows store them: counted from the feature's first, or global
      const first = byteBins ? 0 : offset[f]!;
      this.tree[o] = t.left[i]!;
      this.tree[o + 1] = t.right[i]!;
      this.tree[o + 2] = f;
      this.tree[o + 3] = t.left[i] === -1 ? 0 : first + t.splitBin[i]!;
      this.tree[o + 4] = t.left[i] === -1 ? 0 : first + offset[f + 1]! - 1 - offset[f]!;
      this.tree[o + 5] = t.defaultLeft[i]!;
      this.leaves[i] = t.value[i]!;
    }
    this.ranges.set(t.rows.subarray(0, 2 * m));
    // a half of the rows not sampled and a half of the sampled ones a part (one part for few rows)
    const sampledHalves = rows >= SPLIT_ROWS ? [0, sampledRows >>> 1, sampledRows] : [0, sampledRows];
    const { job, halves } = postHalves(this.helper, KIND_WALK, rows, (k, o) => {
      this.control[o] = sampledHalves[k]!;
      this.control[o + 1] = sampledHalves[k + 1]!;
      this.control[o + 2] = m;
    });
    const stride = this.inputs.stride ?? cols;
    for (let k = halves.length - 2; k >= 0; k--) {
      if (!this.helper.mine(job, k)) continue;
      this.walk(this.tree, this.leaves, bins, stride, sampled, margin, halves[k]!, halves[k + 1]!);
      addLeafRows(this.tree, this.leaves, this.ranges, m, index, margin, sampledHalves[k]!, sampledHalves[k + 1]!);
    }
  }

  /** This thread's histogram slot `k` (of BATCH + 1), `length` numbers. */
  private ownSlot(k: number, length: number): Float64Array {
    return this.own.subarray(k * length, (k + 1) * length);
  }

  /** Stops the helper thread. */
  close(): void {
    this.helper.close();
  }
}
