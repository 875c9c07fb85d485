// Small statistics helpers for the tests: column moments and a plain L2-regularised logistic
// regression (Newton's method) with average precision, the way scikit-learn computes it.
import type { Dataset } from "@fraud/simulator";

export interface Moments {
  mean: number;
  std: number;
  n: number;
}

export function columnMoments(data: Dataset, col: number, label?: 0 | 1): Moments {
  let n = 0;
  let sum = 0;
  let sq = 0;
  for (let r = 0; r < data.rows; r++) {
    if (label !== undefined && data.labels[r] !== label) continue;
    const x = data.features[r * 30 + col]!;
    n++;
    sum += x;
    sq += x * x;
  }
  const mean = sum / n;
  return { mean, std: Math.sqrt(Math.max(0, sq / n - mean * mean)), n };
}

export function quantile(values: Float64Array | number[], q: number): number {
  const s = Float64Array.from(values).sort();
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo]! + (pos - lo) * (s[hi]! - s[lo]!);
}

/** Fits logistic regression on rows [0, split) (standardised features), returns test scores for [split, rows). */
export function logisticScores(data: Dataset, split: number, lambda = 1): { scores: Float64Array; labels: Uint8Array } {
  const d = 30;
  const mean = new Float64Array(d);
  const sd = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let s = 0,
      q = 0;
    for (let r = 0; r < split; r++) {
      const x = data.features[r * d + j]!;
      s += x;
      q += x * x;
    }
    mean[j] = s / split;
    sd[j] = Math.sqrt(q / split - mean[j]! ** 2) || 1;
  }
  const p = d + 1;
  const w = new Float64Array(p);
  const x = new Float64Array(p);
  x[d] = 1;
  for (let iter = 0; iter < 25; iter++) {
    const g = new Float64Array(p);
    const h = new Float64Array(p * p);
    for (let r = 0; r < split; r++) {
      for (let j = 0; j < d; j++) x[j] = (data.features[r * d + j]! - mean[j]!) / sd[j]!;
      let z = 0;
      for (let j = 0; j < p; j++) z += w[j]! * x[j]!;
      const mu = 1 / (1 + Math.exp(-z));
      const e = mu - data.labels[r]!;
      const wt = Math.max(mu * (1 - mu), 1e-12);
      for (let a = 0; a < p; a++) {
        const xa = x[a]!;
        g[a]! += e * xa;
        const wa = wt * xa;
        for (let b = 0; b <= a; b++) h[a * p + b]! += wa * x[b]!;
      }
    }
    for (let a = 0; a < d; a++) {
      g[a]! += lambda * w[a]!;
      h[a * p + a]! += lambda;
    }
    for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) h[b * p + a] = h[a * p + b]!;
    const step = solve(h, g, p);
    let norm = 0;
    for (let j = 0; j < p; j++) {
      w[j]! -= step[j]!;
      norm += step[j]! ** 2;
    }
    if (norm < 1e-12) break;
  }
  const n = data.rows - split;
  const scores = new Float64Array(n);
  for (let r = split; r < data.rows; r++) {
    let z = w[d]!;
    for (let j = 0; j < d; j++) z += w[j]! * ((data.features[r * d + j]! - mean[j]!) / sd[j]!);
    scores[r - split] = z;
  }
  return { scores, labels: data.labels.slice(split) };
}

function solve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  // Gaussian elimination with partial pivoting on a copy.
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]!) > Math.abs(m[piv * n + c]!)) piv = r;
    if (piv !== c) {
      for (let k = 0; k < n; k++) [m[c * n + k], m[piv * n + k]] = [m[piv * n + k]!, m[c * n + k]!];
      [x[c], x[piv]] = [x[piv]!, x[c]!];
    }
    for (let r = c + 1; r < n; r++) {
      const f = m[r * n + c]! / m[c * n + c]!;
      for (let k = c; k < n; k++) m[r * n + k]! -= f * m[c * n + k]!;
      x[r]! -= f * x[c]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r]!;
    for (let k = r + 1; k < n; k++) s -= m[r * n + k]! * x[k]!;
    x[r] = s / m[r * n + r]!;
  }
  return x;
}

/** Average precision (scikit-learn's definition: sum over thresholds of (R_k - R_{k-1}) * P_k). */
export function averagePrecision(scores: Float64Array, labels: Uint8Array): number {
  const idx = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]!);
  let positives = 0;
  for (const l of labels) positives += l;
  let tp = 0,
    fp = 0,
    ap = 0,
    prevRecall = 0;
  for (let i = 0; i < idx.length; i++) {
    const k = idx[i]!;
    if (labels[k] === 1) tp++;
    else fp++;
    const next = idx[i + 1];
    if (next !== undefined && scores[next] === scores[k]) continue;
    const recall = tp / positives;
    ap += (recall - prevRecall) * (tp / (tp + fp));
    prevRecall = recall;
  }
  return ap;
}
