// The difficulty-shape figures of a data set, measured the way the published baselines are: a
// stratified 70/30 split, features standardised on the training part, a plain L2 logistic
// regression (scikit-learn's LogisticRegression() defaults: C = 1, unpenalised intercept), scored
// on the test part. Written without scikit-learn: Newton's method on the same objective reaches
// the same optimum. Shared by the calibration test and `bench/calibration.ts`.
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { Dataset } from "@fraud/simulator";

const D = 30;
const P = D + 1;

/** Figures of one data set. */
export interface ShapeFigures {
  /** Average precision (scikit-learn's definition). */
  averagePrecision: number;
  /** Precision and recall at probability threshold 0.5. */
  precisionAt05: number;
  recallAt05: number;
  /** Highest recall at any threshold whose precision is at least 0.10. */
  bestRecallAtPrecision10: number;
  /** Frauds in the test part. */
  testFrauds: number;
}

/** Row indices of a stratified split: each class shuffled with `seed`, `trainShare` of it to train. */
export function stratifiedSplit(data: Dataset, trainShare: number, seed: number): { train: Int32Array; test: Int32Array } {
  const rng = xoroshiro128plus(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const cls of [0, 1]) {
    const idx: number[] = [];
    for (let i = 0; i < data.rows; i++) if (data.labels[i] === cls) idx.push(i);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = uniformInt(rng, 0, i);
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    const cut = Math.round(idx.length * trainShare);
    for (let i = 0; i < idx.length; i++) (i < cut ? train : test).push(idx[i]!);
  }
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}

/** Standardised copy of the given rows (mean and spread from `fitRows`), with a trailing 1 per row. */
function design(data: Dataset, rows: Int32Array, mean: Float64Array, sd: Float64Array): Float64Array {
  const x = new Float64Array(rows.length * P);
  for (let k = 0; k < rows.length; k++) {
    const base = rows[k]! * D;
    for (let j = 0; j < D; j++) x[k * P + j] = (data.features[base + j]! - mean[j]!) / sd[j]!;
    x[k * P + D] = 1;
  }
  return x;
}

function moments(data: Dataset, rows: Int32Array): { mean: Float64Array; sd: Float64Array } {
  const mean = new Float64Array(D);
  const sd = new Float64Array(D);
  for (let j = 0; j < D; j++) {
    let s = 0;
    let q = 0;
    for (const r of rows) {
      const v = data.features[r * D + j]!;
      s += v;
      q += v * v;
    }
    mean[j] = s / rows.length;
    sd[j] = Math.sqrt(Math.max(q / rows.length - mean[j]! ** 2, 0)) || 1;
  }
  return { mean, sd };
}

/** Solves `a · x = b` (symmetric positive definite `a`, n × n) by Cholesky. */
function solve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = i === j ? Math.sqrt(Math.max(s, 1e-300)) : s / l[j * n + j]!;
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * y[k]!;
    y[i] = s / l[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

/** Σ log-loss + ½·λ·‖w‖² (intercept unpenalised) at `w`. */
function objective(x: Float64Array, y: Uint8Array, w: Float64Array, lambda: number): number {
  let f = 0;
  for (let r = 0; r < y.length; r++) {
    const o = r * P;
    let z = 0;
    for (let j = 0; j < P; j++) z += w[j]! * x[o + j]!;
    // log(1 + e^z) − y·z, computed without overflow.
    f += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - y[r]! * z;
  }
  for (let j = 0; j < D; j++) f += 0.5 * lambda * w[j]! ** 2;
  return f;
}

/**
 * Fits weights (last one the intercept) minimising Σ log-loss + ½·λ·‖w‖² (intercept unpenalised):
 * scikit-learn's `LogisticRegression()` objective with λ = 1/C. Subsampled Newton with a
 * backtracking line search: the gradient uses every row, the Hessian every positive row and every
 * `HESSIAN_STRIDE`-th negative row (weighted up). The exact gradient makes the fixed point the exact
 * optimum; the cheaper Hessian only changes how fast it is reached.
 */
export function fitLogistic(x: Float64Array, y: Uint8Array, lambda = 1): Float64Array {
  const n = y.length;
  let w = new Float64Array(P);
  let positives = 0;
  for (let r = 0; r < n; r++) positives += y[r]!;
  w[D] = Math.log(positives / (n - positives));
  let f = objective(x, y, w, lambda);
  for (let iter = 0; iter < 100; iter++) {
    const { g, h } = gradientAndHessian(x, y, w, lambda);
    const step = solve(h, g, P);
    let t = 1;
    let next = w;
    let fNext = f;
    for (let k = 0; k < 30; k++, t /= 2) {
      next = w.map((v, j) => v - t * step[j]!);
      fNext = objective(x, y, next, lambda);
      if (fNext <= f) break;
    }
    let moved = 0;
    for (let j = 0; j < P; j++) moved = Math.max(moved, Math.abs(next[j]! - w[j]!));
    w = next;
    // Scores only need ranking to four decimals: stop once the weights have settled.
    const done = moved < 1e-5;
    f = fNext;
    if (done) break;
  }
  return w;
}

function gradientAndHessian(x: Float64Array, y: Uint8Array, w: Float64Array, lambda: number): { g: Float64Array; h: Float64Array } {
  const g = new Float64Array(P);
  const h = new Float64Array(P * P);
  for (let r = 0; r < y.length; r++) {
    const o = r * P;
    let z = 0;
    for (let j = 0; j < P; j++) z += w[j]! * x[o + j]!;
    const mu = 1 / (1 + Math.exp(-z));
    const e = mu - y[r]!;
    for (let a = 0; a < P; a++) g[a]! += e * x[o + a]!;
    if (y[r] === 0 && r % HESSIAN_STRIDE !== 0) continue;
    const wt = mu * (1 - mu) * (y[r] === 1 ? 1 : HESSIAN_STRIDE);
    for (let a = 0; a < P; a++) {
      const wa = wt * x[o + a]!;
      for (let b = 0; b <= a; b++) h[a * P + b]! += wa * x[o + b]!;
    }
  }
  for (let a = 0; a < D; a++) {
    g[a]! += lambda * w[a]!;
    h[a * P + a]! += lambda;
  }
  h[D * P + D]! += 1e-9;
  for (let a = 0; a < P; a++) for (let b = 0; b < a; b++) h[b * P + a] = h[a * P + b]!;
  return { g, h };
}

const HESSIAN_STRIDE = 8;

/**
 * Walks the precision–recall curve from the highest score down, calling `visit(precision, recall)`
 * once per distinct score (tied scores form one threshold).
 */
function sweep(scores: Float64Array, labels: Uint8Array, visit: (precision: number, recall: number) => void): void {
  const idx = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]!);
  let positives = 0;
  for (const l of labels) positives += l;
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < idx.length; i++) {
    const k = idx[i]!;
    if (labels[k] === 1) tp++;
    else fp++;
    const next = idx[i + 1];
    if (next !== undefined && scores[next] === scores[k]) continue;
    visit(tp / (tp + fp), tp / positives);
  }
}

/** Average precision: Σ over distinct thresholds of (R_k − R_{k−1}) · P_k. */
export function averagePrecision(scores: Float64Array, labels: Uint8Array): number {
  let ap = 0;
  let prevRecall = 0;
  sweep(scores, labels, (precision, recall) => {
    ap += (recall - prevRecall) * precision;
    prevRecall = recall;
  });
  return ap;
}

/** Highest recall among thresholds whose precision is at least `minPrecision`. */
export function bestRecallAtPrecision(scores: Float64Array, labels: Uint8Array, minPrecision: number): number {
  let best = 0;
  sweep(scores, labels, (precision, recall) => {
    if (precision >= minPrecision) best = Math.max(best, recall);
  });
  return best;
}

/** Measures the shape figures of a data set (split seed fixed so that runs are comparable). */
export function shapeFigures(data: Dataset, splitSeed = 0): ShapeFigures {
  const { train, test } = stratifiedSplit(data, 0.7, splitSeed);
  const { mean, sd } = moments(data, train);
  const w = fitLogistic(design(data, train, mean, sd), Uint8Array.from(train, (r) => data.labels[r]!));
  const xt = design(data, test, mean, sd);
  const labels = Uint8Array.from(test, (r) => data.labels[r]!);
  const scores = new Float64Array(test.length);
  let tp = 0;
  let fp = 0;
  let frauds = 0;
  for (let k = 0; k < test.length; k++) {
    let z = 0;
    for (let j = 0; j < P; j++) z += w[j]! * xt[k * P + j]!;
    scores[k] = z;
    frauds += labels[k]!;
    if (z >= 0) {
      if (labels[k] === 1) tp++;
      else fp++;
    }
  }
  return {
    averagePrecision: averagePrecision(scores, labels),
    precisionAt05: tp + fp === 0 ? 0 : tp / (tp + fp),
    recallAt05: tp / frauds,
    bestRecallAtPrecision10: bestRecallAtPrecision(scores, labels, 0.1),
    testFrauds: frauds,
  };
}
