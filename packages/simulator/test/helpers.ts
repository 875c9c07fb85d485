// Small statistics helpers for the tests: column moments and quantiles.
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
