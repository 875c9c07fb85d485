// The hot loops of training: logistic-loss gradients and validation losses of four models at a
// time over the same rows. Each row's features are loaded once and feed four dot products and four
// gradient updates, the weights sit interleaved (`w[j * 4 + k]` is feature j of model k) so one
// cache line serves all four, and nothing is allocated per row or per batch.

/** Models a block computes together. @internal */
export const BLOCK = 4;

/**
 * Scratch of one four-model block: interleaved weights and gradients (`j * 4 + k`), biases,
 * positive-example weights and bias gradients. Allocated once per shard.
 * @internal
 */
export interface Block {
  /** `d × 4` interleaved weights. */
  w: Float64Array;
  /** 4 biases. */
  b: Float64Array;
  /** 4 positive-example weights. */
  pw: Float64Array;
  /** `d × 4` interleaved weight gradients (sums over the batch). */
  g: Float64Array;
  /** 4 bias gradients (sums over the batch). */
  gb: Float64Array;
  /** 4 scores of one row (scratch). */
  z: Float64Array;
}

/** Allocates the scratch of a block over `d` features. @internal */
export function createBlock(d: number): Block {
  return { w: new Float64Array(d * BLOCK), b: new Float64Array(BLOCK), pw: new Float64Array(BLOCK), g: new Float64Array(d * BLOCK), gb: new Float64Array(BLOCK), z: new Float64Array(BLOCK) };
}

/** `weight × (σ(z) − y)`: the derivative of the weighted logistic loss with respect to z. */
function residual(z: number, y: number, weight: number): number {
  // σ(z) = 1 / (1 + e^−z) saturates cleanly to 0 or 1 (e^−z overflowing to Infinity gives 0).
  const p = 1 / (1 + Math.exp(-z));
  return y === 1 ? weight * (p - 1) : p;
}

/** The four models' z = b + w·x of the row at `x[o..o+d)`, into `z[0..3]`. */
function forward(x: Float32Array, o: number, d: number, blk: Block, z: Float64Array): void {
  const w = blk.w;
  let z0 = blk.b[0]!, z1 = blk.b[1]!, z2 = blk.b[2]!, z3 = blk.b[3]!;
  for (let j = 0, i = 0; j < d; j++, i += 4) {
    const v = x[o + j]!;
    z0 += w[i]! * v;
    z1 += w[i + 1]! * v;
    z2 += w[i + 2]! * v;
    z3 += w[i + 3]! * v;
  }
  z[0] = z0;
  z[1] = z1;
  z[2] = z2;
  z[3] = z3;
}

/**
 * Adds the gradient of one row (`x[o..o+d)`, label `y`) for the block's four models to `blk.g`
 * and `blk.gb`: the tail of a batch after its groups of four rows.
 */
function rowGradient(x: Float32Array, o: number, y: number, d: number, blk: Block): void {
  const { g, pw, gb, z } = blk;
  forward(x, o, d, blk, z);
  const r0 = residual(z[0]!, y, pw[0]!), r1 = residual(z[1]!, y, pw[1]!), r2 = residual(z[2]!, y, pw[2]!), r3 = residual(z[3]!, y, pw[3]!);
  for (let j = 0, i = 0; j < d; j++, i += 4) {
    const v = x[o + j]!;
    g[i] = g[i]! + r0 * v;
    g[i + 1] = g[i + 1]! + r1 * v;
    g[i + 2] = g[i + 2]! + r2 * v;
    g[i + 3] = g[i + 3]! + r3 * v;
  }
  gb[0] = gb[0]! + r0;
  gb[1] = gb[1]! + r1;
  gb[2] = gb[2]! + r2;
  gb[3] = gb[3]! + r3;
}

/**
 * Sums the weighted logistic-loss gradients of the block's four models over `size` rows: row `q`
 * starts at `x[off[q]]` and has label `labels[q]`. Rows go four at a time: sixteen dot products
 * share each weight load, and four rows' memory reads are in flight together (rows come in shuffled
 * order, so each is a cache miss).
 * @internal
 */
export function blockGradient(x: Float32Array, off: Int32Array, labels: Uint8Array, size: number, d: number, blk: Block): void {
  const { w, g, b, pw } = blk;
  g.fill(0);
  blk.gb.fill(0);
  const b0 = b[0]!, b1 = b[1]!, b2 = b[2]!, b3 = b[3]!;
  const p0 = pw[0]!, p1 = pw[1]!, p2 = pw[2]!, p3 = pw[3]!;
  let q = 0;
  for (; q + 3 < size; q += 4) {
    const oa = off[q]!, ob = off[q + 1]!, oc = off[q + 2]!, od = off[q + 3]!;
    // z of rows a..d (letters) for models 0..3 (digits).
    let a0 = b0, a1 = b1, a2 = b2, a3 = b3, b0_ = b0, b1_ = b1, b2_ = b2, b3_ = b3;
    let c0 = b0, c1 = b1, c2 = b2, c3 = b3, d0 = b0, d1 = b1, d2 = b2, d3 = b3;
    for (let j = 0, i = 0; j < d; j++, i += 4) {
      const va = x[oa + j]!, vb = x[ob + j]!, vc = x[oc + j]!, vd = x[od + j]!;
      const w0 = w[i]!, w1 = w[i + 1]!, w2 = w[i + 2]!, w3 = w[i + 3]!;
      a0 += w0 * va; a1 += w1 * va; a2 += w2 * va; a3 += w3 * va;
      b0_ += w0 * vb; b1_ += w1 * vb; b2_ += w2 * vb; b3_ += w3 * vb;
      c0 += w0 * vc; c1 += w1 * vc; c2 += w2 * vc; c3 += w3 * vc;
      d0 += w0 * vd; d1 += w1 * vd; d2 += w2 * vd; d3 += w3 * vd;
    }
    const ya = labels[q]!, yb = labels[q + 1]!, yc = labels[q + 2]!, yd = labels[q + 3]!;
    a0 = residual(a0, ya, p0); a1 = residual(a1, ya, p1); a2 = residual(a2, ya, p2); a3 = residual(a3, ya, p3);
    b0_ = residual(b0_, yb, p0); b1_ = residual(b1_, yb, p1); b2_ = residual(b2_, yb, p2); b3_ = residual(b3_, yb, p3);
    c0 = residual(c0, yc, p0); c1 = residual(c1, yc, p1); c2 = residual(c2, yc, p2); c3 = residual(c3, yc, p3);
    d0 = residual(d0, yd, p0); d1 = residual(d1, yd, p1); d2 = residual(d2, yd, p2); d3 = residual(d3, yd, p3);
    for (let j = 0, i = 0; j < d; j++, i += 4) {
      const va = x[oa + j]!, vb = x[ob + j]!, vc = x[oc + j]!, vd = x[od + j]!;
      g[i] = g[i]! + (a0 * va + b0_ * vb + c0 * vc + d0 * vd);
      g[i + 1] = g[i + 1]! + (a1 * va + b1_ * vb + c1 * vc + d1 * vd);
      g[i + 2] = g[i + 2]! + (a2 * va + b2_ * vb + c2 * vc + d2 * vd);
      g[i + 3] = g[i + 3]! + (a3 * va + b3_ * vb + c3 * vc + d3 * vd);
    }
    const gb = blk.gb;
    gb[0] = gb[0]! + (a0 + b0_ + c0 + d0);
    gb[1] = gb[1]! + (a1 + b1_ + c1 + d1);
    gb[2] = gb[2]! + (a2 + b2_ + c2 + d2);
    gb[3] = gb[3]! + (a3 + b3_ + c3 + d3);
  }
  for (; q < size; q++) rowGradient(x, off[q]!, labels[q]!, d, blk);
}

/** softplus(t) = log(1 + e^t), without overflow. */
function softplus(t: number): number {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}

/**
 * Mean weighted logistic loss of the block's four models over `n` contiguous rows of `x`; written
 * to `out[0..3]`.
 * @internal
 */
export function blockLoss(x: Float32Array, labels: Uint8Array, n: number, d: number, blk: Block, out: Float64Array): void {
  const { pw, z } = blk;
  out.fill(0);
  for (let q = 0, o = 0; q < n; q++, o += d) {
    forward(x, o, d, blk, z);
    const positive = labels[q] === 1;
    for (let k = 0; k < BLOCK; k++) out[k] = out[k]! + (positive ? pw[k]! * softplus(-z[k]!) : softplus(z[k]!));
  }
  for (let k = 0; k < BLOCK; k++) out[k] = out[k]! / n;
}
