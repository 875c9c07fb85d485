import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { countPositives, requireBothClasses, validateDataset } from "./data.js";
import type { Dataset } from "./data.js";
import { TrainError } from "./errors.js";
import { parseHyperparameters } from "./hyperparameters.js";
import type { Hyperparameters } from "./hyperparameters.js";
import { trainShard } from "./kernel.js";
import type { KernelJob, KernelModel, KernelModelResult } from "./kernel.js";
import { chooseThreshold } from "./metrics.js";
import type { ThresholdChoice } from "./metrics.js";
import { createModel } from "./model.js";
import type { LinearLearnerModel } from "./model.js";
import { createRng } from "./rng.js";

/** Progress after each finished epoch of a shard of models. @public */
export interface TrainProgress {
  /** Shard-epochs finished so far. */
  completed: number;
  /** Shard-epochs at most (`epochs × shards`; early stopping ends sooner). */
  total: number;
  /** Epoch just finished (0-based). */
  epoch: number;
  /** Lowest validation loss among the shard's models this epoch. */
  bestValidationLoss: number;
}

/** Options of {@link trainLinearLearner}. @public */
export interface TrainOptions {
  /** Linear Learner hyperparameters (SageMaker names; strings or numbers). */
  hyperparameters?: Readonly<Record<string, string | number | boolean>>;
  /** Seed of every random choice (scaler sample, model grid, initialisation, shuffles). @defaultValue 0 */
  seed?: number;
  /**
   * Worker threads to spread the parallel models over; 0 or 1 trains in the calling thread.
   * The result does not depend on it. @defaultValue min(available cores, num_models)
   */
  workers?: number;
  /** Called after each epoch of each shard. */
  onProgress?: (progress: TrainProgress) => void;
}

/** One of the models trained in parallel, and how it fared on validation. @public */
export interface ModelSummary {
  /** Index in the grid; model 0 uses the given hyperparameters. */
  index: number;
  /** Learning rate. */
  learningRate: number;
  /** L1 penalty. */
  l1: number;
  /** L2 penalty. */
  wd: number;
  /** Weight of positive examples. */
  positiveWeight: number;
  /** Epoch (0-based) with the lowest validation loss, whose weights are kept. */
  bestEpoch: number;
  /** Epochs run before early stopping. */
  epochsRun: number;
  /** Weighted validation loss at `bestEpoch`. */
  validationLoss: number;
  /** Validation criterion value with its own tuned threshold. */
  criterionValue: number;
  /** Its tuned threshold. */
  threshold: number;
}

/** Feature normalisation: `(x - mean) / std` per feature. @public */
export interface Scaler {
  /** Per-feature mean (zeros when `unbias_data` is off). */
  mean: number[];
  /** Per-feature standard deviation (ones when `normalize_data` is off). */
  std: number[];
}

/** Everything {@link trainLinearLearner} produces. @public */
export interface TrainResult {
  /** The selected model, normalisation folded into its weights; ready for `writeModelArtifact`. */
  model: LinearLearnerModel;
  /** Resolved hyperparameters. */
  hyperparameters: Hyperparameters;
  /** Index of the selected model in `models`. */
  selectedModel: number;
  /** How the threshold was chosen on validation. */
  threshold: ThresholdChoice;
  /** Every model of the grid. */
  models: ModelSummary[];
  /** Per-feature mean and standard deviation used to normalise (folded into the model). */
  scaler: Scaler;
  /** Validation-loss history of the selected model, one entry per epoch. */
  validationLossHistory: number[];
  /** Positive weight actually used by the selected model. */
  positiveWeight: number;
  /** Wall-clock seconds of training (scaler, models, selection). */
  trainSeconds: number;
  /** Worker threads used. */
  workers: number;
}

function logUniform(r: () => number, lo: number, hi: number): number {
  return Math.exp(Math.log(lo) + r() * (Math.log(hi) - Math.log(lo)));
}

/** Builds the parallel-model grid: model 0 takes the given values, the others nearby or sampled ones. */
function modelGrid(hp: Hyperparameters, seed: number, balanced: number): KernelModel[] {
  const rng = createRng(seed ^ 0x5bd1e995);
  const r = (): number => rng.next();
  const defaultLr = hp.optimizer === "sgd" ? 0.1 : 0.01;
  const pw = hp.positive_example_weight_mult;
  const autoWeights = [1, Math.sqrt(balanced), balanced];
  const models: KernelModel[] = [];
  for (let k = 0; k < hp.num_models; k++) {
    const first = k === 0;
    const near = (v: number): number => (first ? v : v * 2 ** (r() * 2 - 1));
    const lr = hp.learning_rate === "auto" ? (first ? defaultLr : logUniform(r, 1e-3, 0.1)) : near(hp.learning_rate);
    const l1 = hp.l1 === "auto" ? (first || r() < 0.5 ? 0 : logUniform(r, 1e-6, 1e-2)) : near(hp.l1);
    const wd = hp.wd === "auto" ? (first || r() < 0.5 ? 0 : logUniform(r, 1e-6, 1e-2)) : near(hp.wd);
    const posWeight = pw === "balanced" ? balanced : pw === "auto" ? autoWeights[k % 3]! : pw;
    models.push({ lr, l1, wd, posWeight, seed: (seed * 7919 + k * 104729) | 0 });
  }
  return models;
}

function scalerFrom(data: Dataset, d: number, hp: Hyperparameters, seed: number): { mean: Float64Array; std: Float64Array } {
  const mean = new Float64Array(d);
  const std = new Float64Array(d).fill(1);
  if (!hp.normalize_data) return { mean, std };
  const n = Math.min(hp.num_point_for_scaler, data.rows);
  const rng = createRng(seed ^ 0x27d4eb2f);
  // Partial Fisher-Yates: a sample of n distinct rows.
  const idx = new Int32Array(data.rows);
  for (let i = 0; i < data.rows; i++) idx[i] = i;
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(data.rows - i);
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  }
  const sq = new Float64Array(d);
  for (let s = 0; s < n; s++) {
    const o = idx[s]! * d;
    for (let j = 0; j < d; j++) mean[j] = mean[j]! + data.features[o + j]!;
  }
  for (let j = 0; j < d; j++) mean[j]! /= n;
  for (let s = 0; s < n; s++) {
    const o = idx[s]! * d;
    for (let j = 0; j < d; j++) sq[j] = sq[j]! + (data.features[o + j]! - mean[j]!) ** 2;
  }
  for (let j = 0; j < d; j++) {
    const sd = Math.sqrt(sq[j]! / n);
    std[j] = sd > 1e-12 ? sd : 1;
  }
  if (!hp.unbias_data) mean.fill(0);
  return { mean, std };
}

function standardize(data: Dataset, d: number, mean: Float64Array, std: Float64Array): Float32Array {
  const out = new Float32Array(new SharedArrayBuffer(data.rows * d * 4));
  for (let i = 0, o = 0; i < data.rows; i++, o += d) {
    for (let j = 0; j < d; j++) out[o + j] = (data.features[o + j]! - mean[j]!) / std[j]!;
  }
  return out;
}

function shared(labels: Uint8Array): Uint8Array {
  const out = new Uint8Array(new SharedArrayBuffer(labels.length));
  out.set(labels);
  return out;
}

// `__name` is defined because some TypeScript transpilers (esbuild keepNames) wrap inner functions with it.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const __name = (f) => f;
const trainShard = (${trainShard.toString()});
const result = trainShard(workerData, (epoch, losses) => parentPort.postMessage({ type: "epoch", epoch, losses }));
parentPort.postMessage({ type: "done", result });
`;

function runShardInWorker(job: KernelJob, onEpoch: (epoch: number, losses: number[]) => void): Promise<KernelModelResult[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: job });
    let result: KernelModelResult[] | undefined;
    worker.on("message", (m: { type: string; epoch: number; losses: number[]; result: KernelModelResult[] }) => {
      if (m.type === "epoch") onEpoch(m.epoch, m.losses);
      else result = m.result;
    });
    worker.on("error", reject);
    worker.on("exit", (code) => {
      if (result) resolve(result);
      else reject(new Error(`training worker exited with code ${code}`));
    });
  });
}

/**
 * Trains a Linear Learner binary classifier the way SageMaker's built-in algorithm does: feature
 * standardisation from a sample, `num_models` models trained in parallel over the same mini-batches
 * with different learning rates and L1/L2 penalties, early stopping on validation loss, then
 * selection of the best model and its threshold on validation by
 * `binary_classifier_model_selection_criteria`. Same data, hyperparameters and seed → same model.
 *
 * @example
 * ```ts
 * const result = await trainLinearLearner(train, validation, { seed: 1, hyperparameters: { mini_batch_size: 200 } });
 * await writeModelArtifact("model.tar.gz", { ...result.model, threshold: result.model.threshold });
 * ```
 * @throws {@link TrainError} `BAD_HYPERPARAMETER` or `BAD_DATA`.
 * @public
 */
export async function trainLinearLearner(train: Dataset, validation: Dataset, options: TrainOptions = {}): Promise<TrainResult> {
  const started = performance.now();
  const hp = parseHyperparameters(options.hyperparameters);
  const seed = options.seed ?? 0;
  const d = train.rows > 0 ? train.features.length / train.rows : 0;
  if (!Number.isInteger(d) || d < 1) throw new TrainError("BAD_DATA", `train: ${train.features.length} feature values do not fill ${train.rows} rows`);
  if (hp.feature_dim !== "auto" && hp.feature_dim !== d) {
    throw new TrainError("BAD_HYPERPARAMETER", `hyperparameter feature_dim=${hp.feature_dim} does not match the data's ${d} features`);
  }
  validateDataset(train, "train", d);
  validateDataset(validation, "validation", d);
  requireBothClasses(train, "train");
  requireBothClasses(validation, "validation");
  const pos = countPositives(train);
  const balanced = (train.rows - pos) / pos;
  const { mean, std } = scalerFrom(train, d, hp, seed);
  const grid = modelGrid(hp, seed, balanced);
  const x = standardize(train, d, mean, std);
  const vx = standardize(validation, d, mean, std);
  const base: Omit<KernelJob, "models"> = {
    x,
    y: shared(train.labels),
    n: train.rows,
    d,
    vx,
    vy: shared(validation.labels),
    vn: validation.rows,
    epochs: hp.epochs,
    batchSize: hp.mini_batch_size,
    seed,
    patience: hp.early_stopping_patience,
    tolerance: hp.early_stopping_tolerance,
    optimizer: hp.optimizer === "adam" ? 0 : hp.optimizer === "sgd" ? 1 : 2,
    beta1: hp.beta_1,
    beta2: hp.beta_2,
    momentum: hp.momentum,
    biasLrMult: hp.bias_lr_mult,
    biasWdMult: hp.bias_wd_mult,
    useBias: hp.use_bias,
    useScheduler: hp.use_lr_scheduler,
    schedStep: hp.lr_scheduler_step,
    schedFactor: hp.lr_scheduler_factor,
    schedMin: hp.lr_scheduler_minimum_lr,
    initNormal: hp.init_method === "normal",
    initScale: hp.init_scale,
    initSigma: hp.init_sigma,
    initBias: hp.init_bias,
  };
  const workers = Math.max(1, Math.min(options.workers ?? availableParallelism(), grid.length));
  const shards: number[][] = Array.from({ length: workers }, () => []);
  grid.forEach((_, k) => shards[k % workers]!.push(k));
  let completed = 0;
  const total = hp.epochs * workers;
  const progress = (epoch: number, losses: number[]): void => {
    completed++;
    const finite = losses.filter((l) => Number.isFinite(l));
    options.onProgress?.({ completed, total, epoch, bestValidationLoss: finite.length ? Math.min(...finite) : NaN });
  };
  const results: KernelModelResult[] = new Array<KernelModelResult>(grid.length);
  const jobs = shards.map((idx) => ({ ...base, models: idx.map((k) => grid[k]!) }));
  const shardResults =
    workers === 1 ? [trainShard(jobs[0]!, progress)] : await Promise.all(jobs.map((job) => runShardInWorker(job, progress)));
  shardResults.forEach((res, s) => res.forEach((r, i) => (results[shards[s]![i]!] = r)));

  // Fold normalisation into each model, then tune its threshold on validation exactly as served.
  const criterion = hp.binary_classifier_model_selection_criteria;
  const settings = { beta: hp.f_beta, targetRecall: hp.target_recall, targetPrecision: hp.target_precision };
  const calibration =
    hp.num_calibration_samples === "auto" || hp.num_calibration_samples >= validation.rows
      ? validation
      : { rows: hp.num_calibration_samples, features: validation.features.subarray(0, hp.num_calibration_samples * d), labels: validation.labels.subarray(0, hp.num_calibration_samples) };
  let selected = -1;
  let selectedChoice: ThresholdChoice | undefined;
  let selectedModel: LinearLearnerModel | undefined;
  const summaries: ModelSummary[] = [];
  results.forEach((r, k) => {
    const g = grid[k]!;
    const summary: ModelSummary = {
      index: k,
      learningRate: g.lr,
      l1: g.l1,
      wd: g.wd,
      positiveWeight: g.posWeight,
      bestEpoch: r.bestEpoch,
      epochsRun: r.epochsRun,
      validationLoss: r.bestLoss,
      criterionValue: NaN,
      threshold: NaN,
    };
    summaries.push(summary);
    if (!Number.isFinite(r.bestLoss)) return;
    const weights = new Float64Array(d);
    let bias = r.bias;
    for (let j = 0; j < d; j++) {
      weights[j] = r.weights[j]! / std[j]!;
      bias -= weights[j]! * mean[j]!;
    }
    if (!Number.isFinite(bias) || weights.some((w) => !Number.isFinite(w))) return;
    const raw = createModel({ predictorType: "binary_classifier", weights, bias, lossType: "logistic" });
    const choice = chooseThreshold(raw.scores({ data: calibration.features, rows: calibration.rows }), calibration.labels, criterion, settings);
    summary.criterionValue = criterion === "loss_function" ? -r.bestLoss : choice.value;
    summary.threshold = choice.threshold;
    const cur = selected < 0 ? undefined : summaries[selected]!;
    const better =
      cur === undefined ||
      (choice.met && !selectedChoice!.met) ||
      (choice.met === selectedChoice!.met &&
        (summary.criterionValue > cur.criterionValue || (summary.criterionValue === cur.criterionValue && r.bestLoss < cur.validationLoss)));
    if (better) {
      selected = k;
      selectedChoice = choice;
      selectedModel = createModel({ predictorType: "binary_classifier", weights, bias, lossType: "logistic", threshold: choice.threshold });
    }
  });
  if (selectedModel === undefined || selectedChoice === undefined) {
    throw new TrainError("BAD_DATA", "every model diverged (non-finite loss); lower learning_rate or check the data scale");
  }
  const best = results[selected]!;
  return {
    model: selectedModel,
    hyperparameters: hp,
    selectedModel: selected,
    threshold: selectedChoice,
    models: summaries,
    scaler: { mean: Array.from(mean), std: Array.from(std) },
    validationLossHistory: best.valLoss,
    positiveWeight: grid[selected]!.posWeight,
    trainSeconds: (performance.now() - started) / 1000,
    workers,
  };
}
