import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import { countPositives, requireBothClasses, validateDataset } from "./data.js";
import type { Dataset } from "./data.js";
import { TrainError } from "./errors.js";
import { parseHyperparameters } from "./hyperparameters.js";
import type { Hyperparameters, SelectionCriterion } from "./hyperparameters.js";
import type { KernelJob, KernelModel, KernelModelResult } from "./kernel.js";
import type { LinearLearnerModel } from "./models/linear-learner/model.js";
import { initSettings, modelGrid, optimizerSettings } from "./grid.js";
import { fitScaler, sharedLabels, standardize } from "./scaler.js";
import type { Scaler } from "./scaler.js";
import { SELECTION_CRITERIA, candidates, perModel, select, withPositiveWeight } from "./selection.js";
import type { Candidate, Selection } from "./selection.js";
import { WorkerPool } from "./pool.js";
import { trainShard } from "./kernel.js";
import type { CriterionSettings, ThresholdChoice } from "./threshold.js";

export type { Scaler } from "./scaler.js";

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
  /**
   * Also train the grid with `positive_example_weight_mult=balanced` over the same mini-batches
   * (twice the training work) and report what each criterion would pick from it.
   * @defaultValue false
   */
  balancedVariant?: boolean;
  /** Called after each epoch of each shard. */
  onProgress?: (progress: TrainProgress) => void;
  /** Stops the training workers; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
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

/** The model and threshold one selection criterion picks from a trained grid. @public */
export interface CriterionOutcome {
  /** The criterion. */
  criterion: SelectionCriterion;
  /** Index of the picked model in the grid. */
  modelIndex: number;
  /** How its threshold was tuned on validation. */
  choice: ThresholdChoice;
  /** The picked model with that threshold, on raw features. */
  model: LinearLearnerModel;
}

/** A grid trained with another positive-example weight, for comparison. @public */
export interface TrainVariant {
  /** `positive_example_weight_mult` of this variant. */
  positiveWeight: number;
  /** Its models. */
  models: ModelSummary[];
  /** What each criterion picks from it. */
  criteria: CriterionOutcome[];
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
  /** What every selection criterion would pick from this grid (the run's own criterion included). */
  criteria: CriterionOutcome[];
  /** The `balanced` positive-weight grid, when {@link TrainOptions.balancedVariant} asked for it. */
  balanced: TrainVariant | null;
  /** Per-feature mean and standard deviation used to normalise (folded into the model). */
  scaler: Scaler;
  /** Validation-loss history of the selected model, one entry per epoch. */
  validationLossHistory: number[];
  /** Positive weight actually used by the selected model. */
  positiveWeight: number;
  /** Wall-clock seconds of training (scaler, models, selection). */
  trainSeconds: number;
  /** Of {@link TrainResult.trainSeconds}, the seconds spent fitting the scaler and standardising the features. */
  scaleSeconds: number;
  /** Worker threads used. */
  workers: number;
}

function featureDim(train: Dataset, hp: Hyperparameters): number {
  const d = train.rows > 0 ? train.features.length / train.rows : 0;
  if (!Number.isInteger(d) || d < 1) throw new TrainError("BAD_DATA", `train: ${train.features.length} feature values do not fill ${train.rows} rows`);
  if (hp.feature_dim !== "auto" && hp.feature_dim !== d) {
    throw new TrainError("INVALID_ARGUMENT", `hyperparameter feature_dim=${hp.feature_dim} does not match the data's ${d} features`);
  }
  return d;
}

/** Splits the models round-robin over `shards` kernel jobs; returns the jobs and each job's model indices. */
function shardJobs(base: Omit<KernelJob, "models">, models: KernelModel[], shards: number): { jobs: KernelJob[]; members: number[][] } {
  const members: number[][] = Array.from({ length: shards }, () => []);
  models.forEach((_, k) => members[k % shards]!.push(k));
  return { jobs: members.map((idx) => ({ ...base, models: idx.map((k) => models[k]!) })), members };
}

/**
 * Worker threads a run uses: `workers` (default: the available cores), at most one per model.
 * @internal
 */
export function threadCount(workers: number | undefined, models: number): number {
  return Math.max(1, Math.min(workers ?? availableParallelism(), models));
}

async function trainGrid(base: Omit<KernelJob, "models">, models: KernelModel[], options: TrainOptions, pool: WorkerPool | null): Promise<KernelModelResult[]> {
  const threads = pool === null ? 1 : Math.min(pool.size, models.length);
  const { jobs, members } = shardJobs(base, models, threads);
  let completed = 0;
  const total = base.epochs * jobs.length;
  const progress = (epoch: number, losses: number[]): void => {
    completed++;
    const finite = losses.filter((l) => Number.isFinite(l));
    options.onProgress?.({ completed, total, epoch, bestValidationLoss: finite.length ? Math.min(...finite) : NaN });
  };
  let shardResults: KernelModelResult[][];
  try {
    shardResults =
      pool === null
        ? jobs.map((job) => trainShard(job, progress))
        : await Promise.all(
            jobs.map(async (job) => {
              const done = await pool.run({ type: "train", job }, "trained", (m) => {
                if (m.type === "epoch") progress(m.epoch, m.losses);
              });
              return done.result;
            }),
          );
  } catch (err) {
    options.signal?.throwIfAborted();
    throw err;
  }
  options.signal?.throwIfAborted();
  const results = new Array<KernelModelResult>(models.length);
  shardResults.forEach((res, s) => res.forEach((r, i) => (results[members[s]![i]!] = r)));
  return results;
}

function summaries(models: KernelModel[], results: KernelModelResult[], cands: Candidate[], criterion: SelectionCriterion, settings: CriterionSettings): ModelSummary[] {
  const tuned = perModel(cands, criterion, settings);
  return models.map((g, index) => {
    const r = results[index]!;
    const t = tuned.get(index);
    return {
      index,
      learningRate: g.lr,
      l1: g.l1,
      wd: g.wd,
      positiveWeight: g.posWeight,
      bestEpoch: r.bestEpoch,
      epochsRun: r.epochsRun,
      validationLoss: r.bestLoss,
      criterionValue: t?.value ?? NaN,
      threshold: t?.threshold ?? NaN,
    };
  });
}

function outcomes(cands: Candidate[], settings: CriterionSettings): CriterionOutcome[] {
  return SELECTION_CRITERIA.map((c) => select(cands, c, settings)).filter((s): s is Selection => s !== undefined).map((s) => ({ criterion: s.criterion, modelIndex: s.index, choice: s.choice, model: s.model }));
}

/** The rows thresholds are tuned on: the first `num_calibration_samples` validation rows, or all. */
function calibrationRows(validation: Dataset, hp: Hyperparameters, d: number): Dataset {
  const n = hp.num_calibration_samples;
  if (n === "auto" || n >= validation.rows) return validation;
  return { rows: n, features: validation.features.subarray(0, n * d), labels: validation.labels.subarray(0, n) } as Dataset;
}

/** The part of a kernel job every shard shares: standardised data in shared memory, settings. */
function kernelBase(train: Dataset, validation: Dataset, d: number, scaler: Scaler, hp: Hyperparameters, seed: number): Omit<KernelJob, "models"> {
  return {
    x: standardize(train.features, train.rows, d, scaler),
    y: sharedLabels(train.labels),
    n: train.rows,
    d,
    vx: standardize(validation.features, validation.rows, d, scaler),
    vy: sharedLabels(validation.labels),
    vn: validation.rows,
    epochs: hp.epochs,
    batchSize: hp.mini_batch_size,
    seed,
    patience: hp.early_stopping_patience,
    tolerance: hp.early_stopping_tolerance,
    optimizer: optimizerSettings(hp),
    init: initSettings(hp),
  };
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
 * @throws {@link TrainError} `INVALID_ARGUMENT`, `BAD_DATA` or `WORKER_FAILED`.
 * @public
 */
export async function trainLinearLearner(train: Dataset, validation: Dataset, options: TrainOptions = {}): Promise<TrainResult> {
  const hp = parseHyperparameters(options.hyperparameters);
  const models = hp.num_models * (options.balancedVariant ? 2 : 1);
  const threads = threadCount(options.workers, models);
  const pool = threads > 1 ? WorkerPool.start(threads) : null;
  const stop = (): void => void pool?.close();
  options.signal?.addEventListener("abort", stop, { once: true });
  try {
    return await trainOnPool(train, validation, options, pool);
  } finally {
    options.signal?.removeEventListener("abort", stop);
    await pool?.close();
  }
}

/**
 * {@link trainLinearLearner} on the given worker pool (null: in the calling thread).
 * @internal
 */
export async function trainOnPool(train: Dataset, validation: Dataset, options: TrainOptions, pool: WorkerPool | null): Promise<TrainResult> {
  const started = performance.now();
  options.signal?.throwIfAborted();
  const hp = parseHyperparameters(options.hyperparameters);
  const seed = options.seed ?? 0;
  const d = featureDim(train, hp);
  validateDataset(train, "train", d);
  validateDataset(validation, "validation", d);
  requireBothClasses(train, "train");
  requireBothClasses(validation, "validation");
  const pos = countPositives(train);
  const balanced = (train.rows - pos) / pos;
  const scaleStarted = performance.now();
  const scaler = fitScaler(train.features, train.rows, d, hp, seed);
  const grid = modelGrid(hp, seed, balanced);
  const withVariant = options.balancedVariant === true && hp.positive_example_weight_mult !== "balanced";
  const all = withVariant ? [...grid, ...withPositiveWeight(grid, balanced)] : grid;
  const base = kernelBase(train, validation, d, scaler, hp, seed);
  const scaleSeconds = (performance.now() - scaleStarted) / 1000;
  const results = await trainGrid(base, all, options, pool);
  const settings: CriterionSettings = { beta: hp.f_beta, targetRecall: hp.target_recall, targetPrecision: hp.target_precision };
  const calibration = calibrationRows(validation, hp, d);
  const criterion = hp.binary_classifier_model_selection_criteria;
  const main = candidates(results.slice(0, grid.length), scaler, calibration);
  const chosen = select(main, criterion, settings);
  if (chosen === undefined) throw new TrainError("BAD_DATA", "every model diverged (non-finite loss); lower learning_rate or check the data scale");
  let variant: TrainVariant | null = null;
  if (withVariant) {
    const vResults = results.slice(grid.length);
    const vCands = candidates(vResults, scaler, calibration);
    variant = { positiveWeight: balanced, models: summaries(all.slice(grid.length), vResults, vCands, criterion, settings), criteria: outcomes(vCands, settings) };
  }
  return {
    model: chosen.model,
    hyperparameters: hp,
    selectedModel: chosen.index,
    threshold: chosen.choice,
    models: summaries(grid, results, main, criterion, settings),
    criteria: outcomes(main, settings),
    balanced: variant,
    scaler,
    validationLossHistory: results[chosen.index]!.valLoss,
    positiveWeight: grid[chosen.index]!.posWeight,
    trainSeconds: (performance.now() - started) / 1000,
    scaleSeconds,
    workers: pool === null ? 1 : Math.min(pool.size, all.length),
  };
}
