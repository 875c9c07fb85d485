/**
 * Training a Random Cut Forest: features only (labels, when present, are for evaluation), each
 * feature standardised by default, one reservoir sample and one random cut tree per tree, and the
 * anomaly threshold SageMaker's documentation suggests — the mean of the training scores plus three
 * standard deviations — unless one is given.
 * @packageDocumentation
 */
import { TrainError } from "../../errors.js";
import { createRng } from "../../rng.js";
import { buildForest } from "./build.js";
import type { FeatureTransform } from "./forest.js";
import { parseRcfHyperparameters } from "./hyperparameters.js";
import type { RcfHyperparameters } from "./hyperparameters.js";
import { RandomCutForestModel } from "./model.js";
import type { RcfThresholdRule } from "./model.js";

/** Stream of the seeded generator choosing the rows scored for the threshold. */
const THRESHOLD_STREAM = 9;

/** Rows to train on: `rows × cols` finite values, row after row. @public */
export interface RcfTrainingData {
  /** Row-major values. */
  data: Float64Array | Float32Array;
  /** Number of rows. */
  rows: number;
  /** Features per row. */
  cols: number;
}

/** Options of {@link trainRandomCutForest}. @public */
export interface RcfTrainOptions {
  /** SageMaker hyperparameters (`num_trees`, `num_samples_per_tree`, `feature_dim`, `eval_metrics`), as strings or numbers. */
  hyperparameters?: Readonly<Record<string, string | number | boolean>>;
  /**
   * Seed of every random choice (samples, cuts, threshold rows).
   * @defaultValue 0
   */
  seed?: number;
  /**
   * Standardise each feature (subtract the training mean, divide by the training standard
   * deviation) before the forest sees it. Random cuts choose a dimension in proportion to its range,
   * so unscaled features with large ranges (creditcard's `Time` and `Amount`) would take nearly
   * every cut; SageMaker's RCF does not rescale. The transform is stored with the model.
   * @defaultValue true
   */
  standardize?: boolean;
  /**
   * The anomaly threshold; when absent it is the mean plus {@link RcfTrainOptions.thresholdSigmas}
   * standard deviations of the training scores.
   */
  threshold?: number;
  /**
   * Standard deviations above the mean training score for the threshold.
   * @defaultValue 3
   */
  thresholdSigmas?: number;
  /**
   * Training rows scored to estimate the mean and standard deviation (a seeded uniform sample;
   * all rows when there are fewer).
   * @defaultValue 10000
   */
  thresholdRows?: number;
}

/** What {@link trainRandomCutForest} returns. @public */
export interface RcfTrainResult {
  /** The trained model. */
  model: RandomCutForestModel;
  /** The hyperparameters used (defaults filled, `feature_dim` resolved). */
  hyperparameters: RcfHyperparameters & { feature_dim: number };
  /** Wall-clock seconds to build the forest. */
  buildSeconds: number;
  /** Wall-clock seconds to score the rows the threshold is estimated on. */
  thresholdSeconds: number;
}

function standardization(data: ArrayLike<number>, rows: number, d: number): FeatureTransform {
  const shift = new Float64Array(d);
  const scale = new Float64Array(d);
  for (let i = 0; i < rows; i++) for (let j = 0; j < d; j++) shift[j]! += data[i * d + j]!;
  for (let j = 0; j < d; j++) shift[j]! /= rows;
  const ss = new Float64Array(d);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < d; j++) {
      const v = data[i * d + j]! - shift[j]!;
      ss[j]! += v * v;
    }
  }
  for (let j = 0; j < d; j++) {
    const sd = Math.sqrt(ss[j]! / rows);
    scale[j] = sd > 0 && Number.isFinite(1 / sd) ? 1 / sd : 1;
  }
  return { shift, scale };
}

function checkData(x: RcfTrainingData): void {
  if (typeof x !== "object" || x === null || !(x.data instanceof Float64Array || x.data instanceof Float32Array)) {
    throw new TrainError("INVALID_ARGUMENT", "training data must be { data: Float64Array | Float32Array, rows, cols }");
  }
  if (!Number.isSafeInteger(x.rows) || x.rows < 1) throw new TrainError("BAD_DATA", `randomcutforest needs at least 1 training row, got ${x.rows}`);
  if (!Number.isSafeInteger(x.cols) || x.cols < 1 || x.data.length !== x.rows * x.cols) {
    throw new TrainError("BAD_DATA", `training data of ${x.rows}×${x.cols} needs ${x.rows * x.cols} values, got ${x.data.length}`);
  }
  const n = x.data.length;
  for (let i = 0; i < n; i++) {
    const v = x.data[i]!;
    if (!Number.isFinite(v)) throw new TrainError("BAD_DATA", `training row ${Math.floor(i / x.cols)} feature ${i % x.cols} is ${v}: randomcutforest needs finite values`);
  }
}

function meanSd(s: Float64Array): { mean: number; std: number } {
  let m = 0;
  for (const v of s) m += v;
  m /= s.length;
  let ss = 0;
  for (const v of s) ss += (v - m) * (v - m);
  return { mean: m, std: Math.sqrt(ss / s.length) };
}

/**
 * Trains a Random Cut Forest on the features alone.
 *
 * @example
 * ```ts
 * const { model } = trainRandomCutForest({ data, rows, cols: 30 }, { hyperparameters: { num_trees: 100 }, seed: 42 });
 * model.predict({ data: row, rows: 1, cols: 30 }); // [{ score: 0.91, predictedLabel: 0 }]
 * ```
 * @throws {@link TrainError} `INVALID_ARGUMENT` for a bad hyperparameter or option, `BAD_DATA`
 *   for empty data, a value that is not finite, or `feature_dim` other than the data's.
 * @public
 */
export function trainRandomCutForest(x: RcfTrainingData, options: RcfTrainOptions = {}): RcfTrainResult {
  const hp = parseRcfHyperparameters(options.hyperparameters ?? {});
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw new TrainError("INVALID_ARGUMENT", `seed ${String(seed).slice(0, 40)} is not a safe integer`);
  const sigmas = options.thresholdSigmas ?? 3;
  if (!Number.isFinite(sigmas)) throw new TrainError("INVALID_ARGUMENT", `thresholdSigmas ${String(sigmas).slice(0, 40)} is not a finite number`);
  const thresholdRows = options.thresholdRows ?? 10_000;
  if (!Number.isSafeInteger(thresholdRows) || thresholdRows < 1) throw new TrainError("INVALID_ARGUMENT", `thresholdRows ${String(thresholdRows).slice(0, 40)} is not a positive integer`);
  if (options.threshold !== undefined && !Number.isFinite(options.threshold)) {
    throw new TrainError("INVALID_ARGUMENT", `threshold ${String(options.threshold).slice(0, 40)} is not a finite number`);
  }
  checkData(x);
  if (hp.feature_dim !== "auto" && hp.feature_dim !== x.cols) {
    throw new TrainError("BAD_DATA", `hyperparameter feature_dim=${hp.feature_dim} but the data has ${x.cols} features`);
  }
  const d = x.cols;
  const t0 = performance.now();
  const transform = options.standardize === false ? null : standardization(x.data, x.rows, d);
  const forest = buildForest(x.data, x.rows, d, { trees: hp.num_trees, samplesPerTree: hp.num_samples_per_tree, seed, transform: transform ?? undefined });
  const provisional = new RandomCutForestModel({
    forest,
    transform,
    threshold: 0,
    thresholdRule: { rule: "given" },
    samplesPerTree: hp.num_samples_per_tree,
    seed,
    trainedRows: x.rows,
  });
  const t1 = performance.now();
  let threshold: number;
  let rule: RcfThresholdRule;
  if (options.threshold !== undefined) {
    threshold = options.threshold;
    rule = { rule: "given" };
  } else {
    const n = Math.min(thresholdRows, x.rows);
    let sample: Float64Array | Float32Array = x.data;
    if (n < x.rows) {
      // A uniform sample of rows without replacement (partial Fisher–Yates over row indices).
      const rng = createRng(seed, THRESHOLD_STREAM);
      const idx = new Int32Array(x.rows);
      for (let i = 0; i < x.rows; i++) idx[i] = i;
      const out = new Float64Array(n * d);
      for (let i = 0; i < n; i++) {
        const j = i + rng.int(x.rows - i);
        const r = idx[j]!;
        idx[j] = idx[i]!;
        idx[i] = r;
        for (let k = 0; k < d; k++) out[i * d + k] = x.data[r * d + k]!;
      }
      sample = out;
    }
    const { mean, std } = meanSd(provisional.scores({ data: sample, rows: n, cols: d }));
    threshold = mean + sigmas * std;
    rule = { rule: "mean+sd", sigmas, mean, std, rows: n };
  }
  const t2 = performance.now();
  const model = new RandomCutForestModel({ ...provisional.params, threshold, thresholdRule: rule }, {}, undefined, provisional.forest);
  return { model, hyperparameters: { ...hp, feature_dim: d }, buildSeconds: (t1 - t0) / 1000, thresholdSeconds: (t2 - t1) / 1000 };
}
