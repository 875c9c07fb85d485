// Feature normalisation as Linear Learner does it: per-feature mean and standard deviation from a
// random sample of `num_point_for_scaler` training rows; features become (x − mean) / std.
import { MIN_FEATURE_STD } from "./constants.js";
import type { Hyperparameters } from "./hyperparameters.js";
import { RNG_STREAM, createRng } from "./rng.js";

/** Row-major features as `@fraud/simulator` datasets hold them. @internal */
export type FeatureArray = Float32Array | Float64Array;

/** Feature normalisation: `(x - mean) / std` per feature. @public */
export interface Scaler {
  /** Per-feature mean (zeros when `unbias_data` is off). */
  mean: number[];
  /** Per-feature standard deviation (ones when `normalize_data` is off). */
  std: number[];
}

/** Indices of `k` distinct rows out of `rows`, drawn with a partial Fisher–Yates shuffle. */
function sampleRows(rows: number, k: number, seed: number): Int32Array {
  const rng = createRng(seed, RNG_STREAM.scaler);
  const idx = new Int32Array(rows);
  for (let i = 0; i < rows; i++) idx[i] = i;
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(rows - i);
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  }
  return idx.subarray(0, k);
}

/**
 * Computes the scaler from a seeded sample of the training rows (`normalize_data`, `unbias_data`,
 * `num_point_for_scaler`).
 * @internal
 */
export function fitScaler(features: FeatureArray, rows: number, d: number, hp: Hyperparameters, seed: number): Scaler {
  const mean = new Float64Array(d);
  const std = new Float64Array(d).fill(1);
  if (hp.normalize_data) {
    const sample = sampleRows(rows, Math.min(hp.num_point_for_scaler, rows), seed);
    const n = sample.length;
    for (const r of sample) for (let j = 0, o = r * d; j < d; j++) mean[j] = mean[j]! + features[o + j]!;
    for (let j = 0; j < d; j++) mean[j]! /= n;
    const sq = new Float64Array(d);
    for (const r of sample) {
      for (let j = 0, o = r * d; j < d; j++) {
        const c = features[o + j]! - mean[j]!;
        sq[j] = sq[j]! + c * c;
      }
    }
    for (let j = 0; j < d; j++) {
      const sd = Math.sqrt(sq[j]! / n);
      std[j] = sd > MIN_FEATURE_STD ? sd : 1;
    }
    if (!hp.unbias_data) mean.fill(0);
  }
  return { mean: Array.from(mean), std: Array.from(std) };
}

/**
 * Standardises `rows × d` features into float32 shared memory that training workers read without
 * copying.
 * @internal
 */
export function standardize(features: FeatureArray, rows: number, d: number, scaler: Scaler): Float32Array {
  const out = new Float32Array(new SharedArrayBuffer(rows * d * 4));
  const mean = Float64Array.from(scaler.mean);
  const inv = Float64Array.from(scaler.std, (s) => 1 / s);
  for (let o = 0; o < rows * d; o += d) {
    for (let j = 0; j < d; j++) out[o + j] = (features[o + j]! - mean[j]!) * inv[j]!;
  }
  return out;
}

/** Copies labels into shared memory. @internal */
export function sharedLabels(labels: Uint8Array): Uint8Array {
  const out = new Uint8Array(new SharedArrayBuffer(labels.length));
  out.set(labels);
  return out;
}

/**
 * Folds the scaler into a model trained on standardised features, so that it scores raw features:
 * `w'_j = w_j / std_j`, `b' = b − Σ w'_j mean_j`.
 * @internal
 */
export function foldScaler(weights: ArrayLike<number>, bias: number, scaler: Scaler): { weights: Float64Array; bias: number } {
  const out = new Float64Array(weights.length);
  let b = bias;
  for (let j = 0; j < weights.length; j++) {
    out[j] = weights[j]! / scaler.std[j]!;
    b -= out[j]! * scaler.mean[j]!;
  }
  return { weights: out, bias: b };
}
