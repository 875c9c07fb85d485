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
}

/** Allocates the scratch of a block over `d` features. @internal */
export function createBlock(d: number): Block {
  return { w: new Float64Array(d * BLOCK), b: new Float64Array(BLOCK), pw: new Float64Array(BLOCK), g: new Float64Array(d * BLOCK), gb: new Float64Array(BLOCK) };
}

/**
 * Sums the weighted logistic-loss gradients of the block's four models over `size` rows: row `q`
 * starts at `x[off[q]]` and has label `labels[q]`. Gradient of one row: `weight × (σ(z) − y) × x`.
 * @internal
 */
export function blockGradient(x: Float32Array, off: Int32Array, labels: Uint8Array, size: number, d: number, blk: Block): void {
  const { w, g } = blk;
  g.fill(0);
  const b0 = blk.b[0]!, b1 = blk.b[1]!, b2 = blk.b[2]!, b3 = blk.b[3]!;
  const p0 = blk.pw[0]!, p1 = blk.pw[1]!, p2 = blk.pw[2]!, p3 = blk.pw[3]!;
  let gb0 = 0, gb1 = 0, gb2 = 0, gb3 = 0;
  for (let q = 0; q < size; q++) {
    const o = off[q]!;
    let z0 = b0, z1 = b1, z2 = b2, z3 = b3;
    for (let j = 0, i = 0; j < d; j++, i += 4) {
      const v = x[o + j]!;
      z0 += w[i]! * v;
      z1 += w[i + 1]! * v;
      z2 += w[i + 2]! * v;
      z3 += w[i + 3]! * v;
    }
    // σ(z) = 1 / (1 + e^−z) saturates cleanly to 0 or 1 (e^−z overflowing to Infinity gives 0).
    const y = labels[q]!;
    const r0 = y === 1 ? p0 * (1 / (1 + Math.exp(-z0)) - 1) : 1 / (1 + Math.exp(-z0));
    const r1 = y === 1 ? p1 * (1 / (1 + Math.exp(-z1)) - 1) : 1 / (1 + Math.exp(-z1));
    const r2 = y === 1 ? p2 * (1 / (1 + Math.exp(-z2)) - 1) : 1 / (1 + Math.exp(-z2));
    const r3 = y === 1 ? p3 * (1 / (1 + Math.exp(-z3)) - 1) : 1 / (1 + Math.exp(-z3));
    for (let j = 0, i = 0; j < d; j++, i += 4) {
      const v = x[o + j]!;
      g[i] = g[i]! + r0 * v;
      g[i + 1] = g[i + 1]! + r1 * v;
      g[i + 2] = g[i + 2]! + r2 * v;
      g[i + 3] = g[i + 3]! + r3 * v;
    }
    gb0 += r0;
    gb1 += r1;
    gb2 += r2;
    gb3 += r3;
  }
  blk.gb[0] = gb0;
  blk.gb[1] = gb1;
  blk.gb[2] = gb2;
  blk.gb[3] = gb3;
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
  const w = blk.w;
  const b0 = blk.b[0]!, b1 = blk.b[1]!, b2 = blk.b[2]!, b3 = blk.b[3]!;
  const p0 = blk.pw[0]!, p1 = blk.pw[1]!, p2 = blk.pw[2]!, p3 = blk.pw[3]!;
  let l0 = 0, l1 = 0, l2 = 0, l3 = 0;
  for (let q = 0, o = 0; q < n; q++, o += d) {
    let z0 = b0, z1 = b1, z2 = b2, z3 = b3;
    for (let j = 0, i = 0; j < d; j++, i += 4) {
      const v = x[o + j]!;
      z0 += w[i]! * v;
      z1 += w[i + 1]! * v;
      z2 += w[i + 2]! * v;
      z3 += w[i + 3]! * v;
    }
    if (labels[q] === 1) {
      l0 += p0 * softplus(-z0);
      l1 += p1 * softplus(-z1);
      l2 += p2 * softplus(-z2);
      l3 += p3 * softplus(-z3);
    } else {
      l0 += softplus(z0);
      l1 += softplus(z1);
      l2 += softplus(z2);
      l3 += softplus(z3);
    }
  }
  out[0] = l0 / n;
  out[1] = l1 / n;
  out[2] = l2 / n;
  out[3] = l3 / n;
}
