import { encodeModelArtifact } from "./model/artifact.js";
import { FEATURE_NAMES, fingerprint, requireBothClasses } from "./data.js";
import type { Dataset } from "./data.js";
import { TrainError } from "./errors.js";
import { parseHyperparameters } from "./hyperparameters.js";
import type { SelectionCriterion } from "./hyperparameters.js";
import { loadInput, loadRunInputs, source } from "./inputs.js";
import type { DataInput, DataSource, RunInputs } from "./inputs.js";
import { evaluateBinary, sweep } from "./metrics.js";
import type { BinaryMetrics, Sweep } from "./metrics.js";
import { trainedOperatingPoints } from "./operating-points.js";
import type { OperatingPoints } from "./operating-points.js";
import { commitFiles, ensureDir } from "./outputs.js";
import { renderReport } from "./report.js";
import type { ReportSet } from "./report.js";
import { WorkerPool } from "./pool.js";
import { threadCount, trainOnPool } from "./train.js";
import type { ModelSummary, TrainOptions, TrainProgress, TrainResult } from "./train.js";

export type { DataInput, DataSource } from "./inputs.js";
export { runEvaluation } from "./evaluate.js";
export type { EvaluationOptions } from "./evaluate.js";

/** Inputs of {@link runLocalTraining} (the `fraud-train local` command). @public */
export interface LocalTrainingOptions {
  /** One data set (CSV file or in memory) split {@link DEFAULT_SPLIT} (stratified, seeded). Exclusive with `train`. */
  data?: DataInput;
  /** Training set (CSV file or in memory). */
  train?: DataInput;
  /** Validation set; without it a stratified 15% of `train` is held out. */
  validation?: DataInput;
  /** Test set (only with `train`). */
  test?: DataInput;
  /** Output directory for model.tar.gz, metrics.json and report.html. */
  out: string;
  /** Seed of the split and the training. @defaultValue 0 */
  seed?: number;
  /** Linear Learner hyperparameters. */
  hyperparameters?: Readonly<Record<string, string | number | boolean>>;
  /** Worker threads (see `TrainOptions.workers`). */
  workers?: number;
  /** Also train the `balanced` positive-weight grid and report its operating points. @defaultValue false */
  balancedVariant?: boolean;
  /** Progress callback. */
  onProgress?: (p: TrainProgress) => void;
}

/** The `metrics.json` document. @public */
export interface MetricsDocument {
  /** Always `linear-learner`. */
  algorithm: string;
  /** Always `binary_classifier`. */
  predictorType: string;
  /** Decision threshold (probability space). */
  threshold: number;
  /** Why this threshold. */
  thresholdReason: string;
  /**
   * The selection criterion that chose the threshold; null when it came from the model or
   * `--threshold`. Written by `local` and `evaluate`.
   */
  thresholdCriterion?: SelectionCriterion | null;
  /** `binary_classifier_model_selection_criteria` used, when trained here. */
  criterion?: string;
  /** Training wall-clock seconds (0 for `evaluate`). */
  trainSeconds: number;
  /** Seed, when trained here. */
  seed?: number;
  /** Resolved hyperparameters, when trained here. */
  hyperparameters?: Record<string, unknown>;
  /** The selected model of the parallel grid, when trained here. */
  selectedModel?: Record<string, number>;
  /** Every parallel model, when trained here. */
  models?: Record<string, number>[];
  /** The balanced-weight grid, when trained (`--balanced-variant`). */
  balancedModels?: Record<string, number>[];
  /** Validation loss per epoch of the selected model. */
  validationLossHistory?: number[];
  /** Feature columns, in order. */
  features: readonly string[];
  /** Where the data came from, and its fingerprints. */
  data: Record<string, DataSource | string | number | null>;
  /** Validation metrics (null for `evaluate`). */
  validation: BinaryMetrics | null;
  /** Test metrics (null when no test set was given). */
  test: BinaryMetrics | null;
  /** Precision and recall at the threshold each selection criterion picks. Written by `local` and `evaluate`. */
  operatingPoints?: OperatingPoints;
}

/** What {@link runLocalTraining} returns. @public */
export interface LocalTrainingResult {
  /** Training details. */
  result: TrainResult;
  /** The metrics.json content. */
  metrics: MetricsDocument;
}

function checkInputs(opts: LocalTrainingOptions): void {
  if ((opts.data === undefined) === (opts.train === undefined)) throw new TrainError("INVALID_ARGUMENT", "give either --data or --train");
  if (opts.data !== undefined && (opts.validation !== undefined || opts.test !== undefined)) {
    throw new TrainError("INVALID_ARGUMENT", "--validation and --test go with --train, not --data");
  }
}

const asRecord = (m: ModelSummary): Record<string, number> => ({ ...m });

/** A set scored by the selected model, with its sweep shared by metrics, report and operating points. */
interface Scored {
  data: Dataset;
  scores: Float64Array;
  sweep: Sweep;
  metrics: BinaryMetrics;
}

function scoreSet(result: TrainResult, data: Dataset): Scored {
  const scores = result.model.scores({ data: data.features, rows: data.rows });
  const s = sweep(scores, data.labels);
  return { data, scores, sweep: s, metrics: evaluateBinary(scores, data.labels, result.model.threshold, s) };
}

function metricsDocument(result: TrainResult, seed: number, sources: MetricsDocument["data"], v: Scored, t: Scored | null, points: OperatingPoints): MetricsDocument {
  const hp = result.hyperparameters;
  return {
    algorithm: "linear-learner",
    predictorType: "binary_classifier",
    threshold: result.model.threshold,
    thresholdReason: result.threshold.reason,
    thresholdCriterion: hp.binary_classifier_model_selection_criteria,
    criterion: hp.binary_classifier_model_selection_criteria,
    trainSeconds: result.trainSeconds,
    seed,
    hyperparameters: { ...hp },
    selectedModel: asRecord(result.models[result.selectedModel]!),
    models: result.models.map(asRecord),
    ...(result.balanced ? { balancedModels: result.balanced.models.map(asRecord) } : {}),
    validationLossHistory: result.validationLossHistory,
    features: FEATURE_NAMES,
    data: sources,
    validation: v.metrics,
    test: t?.metrics ?? null,
    operatingPoints: points,
  };
}

function runReport(result: TrainResult, doc: MetricsDocument, v: Scored, t: Scored | null): string {
  const sel = result.models[result.selectedModel]!;
  const sets: ReportSet[] = [{ name: "validation", scores: v.scores, labels: v.data.labels, metrics: v.metrics, sweep: v.sweep }];
  if (t) sets.push({ name: "test", scores: t.scores, labels: t.data.labels, metrics: t.metrics, sweep: t.sweep });
  const source = doc.data["source"] as DataSource;
  return renderReport({
    title: "Linear Learner fraud model — evaluation",
    threshold: doc.threshold,
    thresholdReason: doc.thresholdReason,
    sets,
    facts: {
      "training seconds": Number(result.trainSeconds.toFixed(2)),
      "train rows": (doc.data["train"] as DataSource).rows,
      "validation rows": v.data.rows,
      "test rows": t?.data.rows ?? 0,
      "selected model": `#${sel.index} (lr ${sel.learningRate.toPrecision(3)}, l1 ${sel.l1.toPrecision(2)}, wd ${sel.wd.toPrecision(2)})`,
      criterion: result.hyperparameters.binary_classifier_model_selection_criteria,
      seed: doc.seed ?? 0,
      "data sha256": source.sha256.slice(0, 16),
    },
    operatingPoints: doc.operatingPoints,
    hyperparameters: { ...result.hyperparameters },
    models: doc.models ?? [],
    selectedModel: result.selectedModel,
    lossHistory: result.validationLossHistory,
  });
}

function artifactOf(result: TrainResult): Promise<Uint8Array> {
  return encodeModelArtifact({
    predictorType: "binary_classifier",
    weights: result.model.weights,
    bias: result.model.bias,
    threshold: result.model.threshold,
    lossType: "logistic",
    metricsParams: { f_beta: result.hyperparameters.f_beta, positive_example_weight_mult: result.positiveWeight },
  });
}

/** Starts loading the separate test set: on a worker for a file, while this thread reads the rest. */
function startTestLoad(input: DataInput | undefined, pool: WorkerPool | null): Promise<Dataset | null> {
  if (input === undefined) return Promise.resolve(null);
  if (typeof input !== "string" || pool === null) return Promise.resolve(input).then((i) => loadInput(i, "test"));
  return pool.run({ type: "read", path: input }, "read").then((m) => m.dataset);
}

function trainingOptions(opts: LocalTrainingOptions, seed: number): TrainOptions {
  return {
    seed,
    ...(opts.hyperparameters ? { hyperparameters: opts.hyperparameters } : {}),
    ...(opts.balancedVariant !== undefined ? { balancedVariant: opts.balancedVariant } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  };
}

/** `metrics.json`'s `data`: where each set came from and its fingerprint. */
function dataSources(opts: LocalTrainingOptions, inputs: RunInputs, test: Dataset | null, seed: number): MetricsDocument["data"] {
  const sources: MetricsDocument["data"] = { source: source(inputs.fullInput, inputs.full) };
  if (inputs.split !== null) sources["split"] = inputs.split;
  sources["train"] = fingerprint(inputs.train);
  sources["validation"] = opts.validation !== undefined ? source(opts.validation, inputs.validation) : fingerprint(inputs.validation);
  sources["test"] = test ? (opts.test !== undefined ? source(opts.test, test) : fingerprint(test)) : null;
  sources["seed"] = seed;
  return sources;
}

interface Loaded {
  inputs: RunInputs;
  result: TrainResult;
  test: Dataset | null;
  sources: MetricsDocument["data"];
}

/**
 * Loads the data and trains. The test file loads on a worker while this thread reads the training
 * data; the fingerprints are hashed here while the workers train.
 */
async function loadAndTrain(opts: LocalTrainingOptions, seed: number, pool: WorkerPool | null): Promise<Loaded> {
  const testLoad = startTestLoad(opts.test, pool);
  // A bad test file stops the training at once (closing the pool) and is the error reported.
  let testFailure: { error: unknown } | undefined;
  testLoad.catch((error: unknown) => {
    testFailure = { error };
    void pool?.close();
  });
  try {
    const inputs = await loadRunInputs(opts, seed);
    requireBothClasses(inputs.train, "train");
    requireBothClasses(inputs.validation, "validation");
    const training = trainOnPool(inputs.train, inputs.validation, trainingOptions(opts, seed), pool);
    training.catch(() => undefined); // awaited below
    const sources = dataSources(opts, inputs, inputs.splitTest, seed);
    const result = await training;
    const test = inputs.splitTest ?? (await testLoad);
    if (opts.test !== undefined && test !== null) sources["test"] = source(opts.test, test);
    return { inputs, result, test, sources };
  } catch (err) {
    if (testFailure) throw testFailure.error;
    throw err;
  }
}

/**
 * `fraud-train local`: loads the data (CSV files, or data sets already in memory), splits, trains,
 * evaluates, and writes `model.tar.gz`, `metrics.json` and `report.html` into `out` (all three or
 * none).
 * @example
 * ```ts
 * const data = generateDataset({ rows: 284_807, seed: 1 }); // from @fraud/simulator
 * const { metrics } = await runLocalTraining({ data, out: "runs/1", seed: 1 });
 * ```
 * @throws {@link TrainError} for bad arguments, data or hyperparameters, unwritable outputs.
 * @public
 */
export async function runLocalTraining(opts: LocalTrainingOptions): Promise<LocalTrainingResult> {
  const seed = opts.seed ?? 0;
  checkInputs(opts);
  const hp = parseHyperparameters(opts.hyperparameters); // refuse bad hyperparameters before reading any data
  await ensureDir(opts.out); // an unusable output directory fails before any work
  const threads = threadCount(opts.workers, hp.num_models * (opts.balancedVariant ? 2 : 1));
  const pool = threads > 1 ? WorkerPool.start(threads) : null;
  let loaded: Loaded;
  try {
    loaded = await loadAndTrain(opts, seed, pool);
  } finally {
    await pool?.close();
  }
  const { inputs, result, test, sources } = loaded;
  const v = scoreSet(result, inputs.validation);
  const t = test ? scoreSet(result, test) : null;
  const points = trainedOperatingPoints(result, inputs.validation, test, { validation: v.sweep, test: t?.sweep ?? null });
  const metrics = metricsDocument(result, seed, sources, v, t, points);
  const html = runReport(result, metrics, v, t);
  const artifact = await artifactOf(result);
  await commitFiles(opts.out, { "model.tar.gz": artifact, "metrics.json": JSON.stringify(metrics, null, 2) + "\n", "report.html": html });
  return { result, metrics };
}
