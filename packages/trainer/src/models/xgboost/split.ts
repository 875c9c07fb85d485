// The split arithmetic of XGBoost's `param.h` (CalcWeight, CalcGain) and the search of a node's
// best split over a range of its features. Every function here is self-contained: the helper
// thread of histogram.ts runs their source text, so that both threads search with the same
// arithmetic and a node's features can be searched in two parts, one on each thread.

/** The hyperparameters of the split arithmetic. @internal */
export interface SplitParams {
  /** Smallest hessian sum of a child (`min_child_weight`). */
  minChildWeight: number;
  /** L2 regularisation (`lambda`). */
  lambda: number;
  /** L1 regularisation (`alpha`). */
  alpha: number;
  /** Largest absolute leaf weight, 0 = no limit (`max_delta_step`). */
  maxDeltaStep: number;
}

/** Numbers {@link searchSplit} writes a split as: gain, feature, bin, default left (1/0), gl, hl. @internal */
export const SPLIT_FOUND_WORDS = 6;

/**
 * A leaf's weight for gradient sum `g` and hessian sum `h` (XGBoost's CalcWeight). Self-contained.
 * @internal
 */
export function leafWeight(g: number, h: number, mcw: number, lambda: number, alpha: number, mds: number): number {
  if (h < mcw || h <= 0) return 0;
  let w = -(g > alpha ? g - alpha : g < -alpha ? g + alpha : 0) / (h + lambda);
  if (mds !== 0 && Math.abs(w) > mds) w = Math.sign(w) * mds;
  return w;
}

/**
 * The gain of a node of sums `g`, `h` (XGBoost's CalcGain). Self-contained (calls
 * {@link leafWeight}).
 * @internal
 */
export function splitGain(g: number, h: number, mcw: number, lambda: number, alpha: number, mds: number): number {
  if (h < mcw || h <= 0) return 0;
  if (mds === 0) {
    const t = alpha === 0 ? g : g > alpha ? g - alpha : g < -alpha ? g + alpha : 0;
    return (t * t) / (h + lambda);
  }
  const w = leafWeight(g, h, mcw, lambda, alpha, mds);
  const ret = -(2 * g * w + (h + lambda) * w * w);
  return alpha === 0 ? ret : ret + alpha * Math.abs(w);
}

/**
 * The best split of a node (sums `G`, `H`, histogram `hist`: gradient and hessian interleaved per
 * global bin) over the features `features[from, to)`, each tried with its missing values going
 * right (bins ascending) and, where the node has missing values, going left (bins descending); a
 * split is kept only when its gain beats the best so far strictly, starting from 0. Writes
 * {@link SPLIT_FOUND_WORDS} numbers at `out[at]`: the gain (0 when none beats 0), the feature (−1
 * then), the last bin going left counted from the feature's first (−1: only missing values go
 * left), 1 when missing values go left, and the left child's gradient and hessian sums.
 *
 * Because a later candidate replaces the best only when strictly better, the best of
 * `features[0, n)` is the second part's best where it beats the first part's, else the first
 * part's, wherever the features are cut in two: so the two threads may search a node's features in
 * two parts. Self-contained (calls {@link splitGain}).
 * @internal
 */
export function searchSplit(
  hist: Float64Array,
  offset: Int32Array,
  features: Int32Array,
  from: number,
  to: number,
  G: number,
  H: number,
  mcw: number,
  lambda: number,
  alpha: number,
  mds: number,
  out: Float64Array,
  at: number,
): void {
  // the common case (no alpha, no max_delta_step) without a call per candidate
  const plain = mds === 0 && alpha === 0;
  const gain = (g: number, h: number): number => (plain ? (h < mcw || h <= 0 ? 0 : (g * g) / (h + lambda)) : splitGain(g, h, mcw, lambda, alpha, mds));
  const root = gain(G, H);
  let best = 0;
  let feature = -1;
  let bin = 0;
  let defaultLeft = 0;
  let bestGl = 0;
  let bestHl = 0;
  for (let fi = from; fi < to; fi++) {
    const f = features[fi]!;
    const first = offset[f]!;
    const missingBin = offset[f + 1]! - 1;
    // forward: missing values go right. An empty bin (both sums exactly 0: every row has a
    // positive hessian) leaves the sums, so the gain, as they were: it cannot beat the best.
    let gl = 0;
    let hl = 0;
    for (let b = first; b < missingBin; b++) {
      const dg = hist[2 * b]!;
      const dh = hist[2 * b + 1]!;
      if (dh === 0 && dg === 0) continue;
      gl += dg;
      hl += dh;
      const hr = H - hl;
      if (hl >= mcw && hr >= mcw) {
        const g = gain(gl, hl) + gain(G - gl, hr) - root;
        if (g > best) {
          best = g;
          feature = f;
          bin = b - first;
          defaultLeft = 0;
          bestGl = gl;
          bestHl = hl;
        }
      }
    }
    // backward, where the node has missing values: they go left
    if (hist[2 * missingBin + 1]! > 0 || hist[2 * missingBin]! !== 0) {
      let gr = 0;
      let hr = 0;
      for (let b = missingBin - 1; b >= first; b--) {
        const dg = hist[2 * b]!;
        const dh = hist[2 * b + 1]!;
        if (dh === 0 && dg === 0) continue;
        gr += dg;
        hr += dh;
        const hl2 = H - hr;
        if (hl2 >= mcw && hr >= mcw) {
          const g = gain(G - gr, hl2) + gain(gr, hr) - root;
          if (g > best) {
            best = g;
            feature = f;
            bin = b - first - 1;
            defaultLeft = 1;
            bestGl = G - gr;
            bestHl = hl2;
          }
        }
      }
    }
  }
  out[at] = best;
  out[at + 1] = feature;
  out[at + 2] = bin;
  out[at + 3] = defaultLeft;
  out[at + 4] = bestGl;
  out[at + 5] = bestHl;
}
