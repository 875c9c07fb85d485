import { DEFAULT_ALGORITHM } from "@fraud/contracts";
import type { Algorithm } from "@fraud/contracts";
import { FEATURE_NAMES, fingerprint, requireBothClasses } from "./data.js";
import type { Dataset } from "./data.js";
import { TrainError } from "./errors.js";
import type { SelectionCriterion } from "./hyperparameters.js";
import { loadInput, loadRunInputs, source } from "./inputs.js";
import type { DataInput, DataSource, RunInputs } from "./inputs.js";
import { evaluateBinary, sweep } from "./metrics.js";
import type { BinaryMetrics, Sweep } from "./metrics.js";
import { evaluatedOperatingPoints } from "./operating-points.js";
import type { OperatingPoints } from "./operating-points.js";
import { commitFiles, ensureDir } from "./outputs.js";
import { renderReport } from "./report.js";
import type { ReportSet } from "./report.js";
import { WorkerPool } from "./pool.js";
import type { TrainProgress, TrainResult } from "./train.js";
import { trainingPlugin } from "./models/training.js";
import type { TrainedModel, TrainingPlugin } from "./models/training.js";

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
  /**
   * The algorithm to train, as SageMaker names it (one with a training plug-in).
   * @defaultValue "linear-learner"
   */
  algorithm?: Algorithm;
  /** The algorithm's hyperparameters (SageMaker names). */
  hyperparameters?: Readonly<Record<string, string | number | boolean>>;
  /** Worker threads (see `TrainOptions.workers`). */
  workers?: number;
  /** Also train the algorithm's comparison variant (Linear Learner: the `balanced` positive-weight grid) and report its operating points. @defaultValue false */
  balancedVariant?: boolean;
  /** Progress callback. */
  onProgress?: (p: TrainProgress) => void;
}

/** The `metrics.json` document. @public */
export interface MetricsDocument {
  /** The algorithm, as SageMaker names it. */
  algorithm: string;
  /** The model's kind (`binary_classifier`, `anomaly_detector`, …). */
  predictorType: string;
  /** Decision threshold (probability space). */
  threshold: number;
  /** Why this threshold. */
  thresholdReason: string;
  /**
   * The selection criterion that chose the threshold; null when it came from the model or
   * `--threshold`. Written by `local` and `evaluate`.
   */
  thresholdCriterion?: SelectionCriterion | string | null;
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
  /** What the algorithm's training plug-in produced. */
  trained: TrainedModel;
  /** Linear Learner's training details (undefined for other algorithms). */
  result: TrainResult | undefined;
  /** The metrics.json content. */
  metrics: MetricsDocument;
}

function checkInputs(opts: LocalTrainingOptions): void {
  if ((opts.data === undefined) === (opts.train === undefined)) throw new TrainError("INVALID_ARGUMENT", "give either --data or --train");
  if (opts.data !== undefined && (opts.validation !== undefined || opts.test !== undefined)) {
    throw new TrainError("INVALID_ARGUMENT", "--validation and --test go with --train, not --data");
  }
}

/** A set scored by the trained model, with its sweep shared by metrics, report and operating points. */
interface Scored {
  data: Dataset;
  scores: Float64Array;
  sweep: Sweep;
  metrics: BinaryMetrics;
}

function scoreSet(trained: TrainedModel, data: Dataset): Scored {
  const { model } = trained;
  const scores = model.scores({ data: data.features, rows: data.rows, cols: model.featureDim });
  const s = sweep(scores, data.labels);
  return { data, scores, sweep: s, metrics: evaluateBinary(scores, data.labels, model.threshold, s) };
}

function metricsDocument(trained: TrainedModel, seed: number, sources: MetricsDocument["data"], v: Scored, t: Scored | null, points: OperatingPoints): MetricsDocument {
  const { model } = trained;
  return {
    algorithm: model.algorithm,
    predictorType: model.kind,
    threshold: model.threshold,
    thresholdReason: trained.thresholdReason,
    thresholdCriterion: trained.thresholdCriterion,
    trainSeconds: trained.trainSeconds,
    seed,
    ...trained.metricsExtras,
    features: FEATURE_NAMES,
    data: sources,
    validation: v.metrics,
    test: t?.metrics ?? null,
    operatingPoints: points,
  };
}

function runReport(plugin: TrainingPlugin, trained: TrainedModel, doc: MetricsDocument, v: Scored, t: Scored | null): string {
  const sets: ReportSet[] = [{ name: "validation", scores: v.scores, labels: v.data.labels, metrics: v.metrics, sweep: v.sweep }];
  if (t) sets.push({ name: "test", scores: t.scores, labels: t.data.labels, metrics: t.metrics, sweep: t.sweep });
  const source = doc.data["source"] as DataSource;
  const extras = trained.reportExtras;
  return renderReport({
    ...extras,
    title: `${plugin.title} fraud model — evaluation`,
    threshold: doc.threshold,
    thresholdReason: doc.thresholdReason,
    sets,
    facts: {
      "training seconds": Number(trained.trainSeconds.toFixed(2)),
      "train rows": (doc.data["train"] as DataSource).rows,
      "validation rows": v.data.rows,
      "test rows": t?.data.rows ?? 0,
      ...extras.facts,
      seed: doc.seed ?? 0,
      "data sha256": source.sha256.slice(0, 16),
    },
    operatingPoints: doc.operatingPoints,
  });
}

/** Starts loading the separate test set: on a worker for a file, while this thread reads the rest. */
function startTestLoad(input: DataInput | undefined, pool: WorkerPool | null): Promise<Dataset | null> {
  if (input === undefined) return Promise.resolve(null);
  if (typeof input !== "string" || pool === null) return Promise.resolve(input).then((i) => loadInput(i, "test"));
  return pool.run({ type: "read", path: input }, "read").then((m) => m.dataset);
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
  trained: TrainedModel;
  test: Dataset | null;
  sources: MetricsDocument["data"];
}

/**
 * Loads the data and trains. The test file loads on a worker while this thread reads the training
 * data; the fingerprints are hashed here while the workers train.
 */
async function loadAndTrain<H>(plugin: TrainingPlugin<H>, hp: H, opts: LocalTrainingOptions, seed: number, pool: WorkerPool | null): Promise<Loaded> {
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
    const training = plugin.train({
      train: inputs.train,
      validation: inputs.validation,
      seed,
      hyperparameters: hp,
      rawHyperparameters: opts.hyperparameters ?? {},
      pool,
      variant: opts.balancedVariant === true,
      onProgress: opts.onProgress,
    });
    training.catch(() => undefined); // awaited below
    const sources = dataSources(opts, inputs, inputs.splitTest, seed);
    const trained = await training;
    const test = inputs.splitTest ?? (await testLoad);
    if (opts.test !== undefined && test !== null) sources["test"] = source(opts.test, test);
    return { inputs, trained, test, sources };
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
  const plugin = trainingPlugin(opts.algorithm ?? DEFAULT_ALGORITHM);
  const hp = plugin.parseHyperparameters(opts.hyperparameters ?? {}); // refuse bad hyperparameters before reading any data
  await ensureDir(opts.out); // an unusable output directory fails before any work
  const threads = plugin.threads(hp, { workers: opts.workers, variant: opts.balancedVariant === true });
  const pool = threads > 1 ? WorkerPool.start(threads) : null;
  let loaded: Loaded;
  try {
    loaded = await loadAndTrain(plugin, hp, opts, seed, pool);
  } finally {
    await pool?.close();
  }
  const { inputs, trained, test, sources } = loaded;
  const v = scoreSet(trained, inputs.validation);
  const t = test ? scoreSet(trained, test) : null;
  const sweeps = { validation: v.sweep, test: t?.sweep ?? null };
  const points = trained.operatingPoints
    ? trained.operatingPoints(sweeps, inputs.validation, test)
    : evaluatedOperatingPoints(v.sweep, { beta: 1, targetRecall: 0.8, targetPrecision: 0.8 });
  const metrics = metricsDocument(trained, seed, sources, v, t, points);
  const html = runReport(plugin as TrainingPlugin, trained, metrics, v, t);
  await commitFiles(opts.out, { "model.tar.gz": trained.artifact, "metrics.json": JSON.stringify(metrics, null, 2) + "\n", "report.html": html });
  return { trained, metrics, result: plugin.algorithm === "linear-learner" ? (trained.details as TrainResult) : undefined };
}
