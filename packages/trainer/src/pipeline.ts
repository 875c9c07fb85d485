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
import { pointAt } from "./operating-points.js";
import { SELECTION_CRITERIA } from "./selection.js";
import { thresholdFromSweep } from "./threshold.js";
import type { OperatingPoints } from "./operating-points.js";
import { commitFiles, ensureDir } from "./outputs.js";
import { renderReport } from "./report.js";
import { smote } from "./smote.js";
import type { ReportSet } from "./report.js";
import { scoresOnTwoThreads } from "./parallel-scores.js";
import { WorkerPool } from "./pool.js";
import { StageClock } from "./stages.js";
import type { StageSeconds } from "./stages.js";
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
  /**
   * Oversample the fraud class of the training split with SMOTE (k = 5 nearest neighbours, seeded
   * by `seed`) until it matches the legitimate class, before training; the validation and test
   * sets are not touched. Classifiers only (not an anomaly detector).
   * @defaultValue false
   */
  smote?: boolean;
  /** Progress callback. */
  onProgress?: (p: TrainProgress) => void;
}

/** Rows and frauds of a training split, before or after SMOTE. @public */
export interface SplitCounts {
  /** Rows. */
  rows: number;
  /** Rows labelled fraud (1). */
  positives: number;
}

/** What SMOTE did to the training split (`metrics.json` `smote`). @public */
export interface SmoteSummary {
  /** Nearest fraud neighbours interpolated towards. */
  k: number;
  /** The training split as given. */
  before: SplitCounts;
  /** The training split trained on: the rows as given, then the synthetic frauds. */
  after: SplitCounts;
}

/** The `metrics.json` document. @public */
export interface MetricsDocument {
  /** The algorithm, as SageMaker names it. */
  algorithm: string;
  /** The model's name in reports: the algorithm's (`XGBoost`), with ` + SMOTE` when oversampled. */
  title?: string;
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
  /**
   * Precision and recall at the threshold each selection criterion picks. Written by `local` and
   * `evaluate` for a classifier; absent for an anomaly detector, whose score is no probability.
   */
  operatingPoints?: OperatingPoints;
  /** Seconds of each stage of `fraud-train local` before the outputs are written (see {@link StageSeconds}). */
  stages?: StageSeconds;
  /** SMOTE applied to the training split (`local --smote`); absent when not applied. */
  smote?: SmoteSummary;
  /**
   * An anomaly detector's score against the fraud label: ROC AUC and average precision, and the
   * rows its threshold flags, per labelled set. Absent for a classifier.
   */
  anomalyScore?: AnomalyScoreQuality;
}

/** How well an anomaly score ranks fraud, per labelled set (`metrics.json` `anomalyScore`). @public */
export interface AnomalyScoreQuality {
  /** The anomaly threshold: a score at or above it is flagged. */
  threshold: number;
  /** On the validation set. */
  validation: AnomalyScoreSet | null;
  /** On the test set (null when there is none). */
  test: AnomalyScoreSet | null;
}

/** An anomaly score against the fraud label on one set. @public */
export interface AnomalyScoreSet {
  /** Area under the ROC curve of the score. */
  rocAuc: number;
  /** Average precision of the score. */
  averagePrecision: number;
  /** Rows at or above the threshold. */
  flagged: number;
  /** Rows scored. */
  rows: number;
}

/** What {@link runLocalTraining} returns. @public */
export interface LocalTrainingResult {
  /** What the algorithm's training plug-in produced. */
  trained: TrainedModel;
  /** Linear Learner's training details (undefined for other algorithms). */
  result: TrainResult | undefined;
  /** The metrics.json content. */
  metrics: MetricsDocument;
  /** The trained model's scores of the validation and test rows, in row order. */
  scores: {
    /** One score per validation row. */
    validation: Float64Array;
    /** One score per test row; null without a test set. */
    test: Float64Array | null;
  };
  /** Seconds of each stage, `archive` (writing the outputs) included. */
  stages: StageSeconds;
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

/** Scores a set with the trained model (on two threads when it is slow to score), or takes `known` — the plug-in's own scores of the same rows. */
async function scoreSet(trained: TrainedModel, data: Dataset, known?: Float64Array): Promise<Scored> {
  const { model } = trained;
  const scores = known !== undefined && known.length === data.rows ? known : await scoresOnTwoThreads(model, { data: data.features, rows: data.rows, cols: model.featureDim });
  const s = sweep(scores, data.labels);
  const metrics = evaluateBinary(scores, data.labels, model.threshold, s);
  // an anomaly score is no probability: it has no log loss
  return { data, scores, sweep: s, metrics: model.kind === "anomaly_detector" ? { ...metrics, logLoss: NaN } : metrics };
}

/** An anomaly score's figures on one scored set. */
function anomalySet(x: Scored): AnomalyScoreSet {
  const c = x.metrics.confusion;
  return { rocAuc: x.metrics.rocAuc, averagePrecision: x.metrics.prAuc, flagged: c.tp + c.fp, rows: x.data.rows };
}

/**
 * The operating points of a classifier trained as one model (XGBoost): each criterion's threshold
 * tuned on validation, as the plug-in tunes its own, and evaluated on test too; the saved one marked.
 */
function singleModelPoints(trained: TrainedModel, validation: Sweep, test: Sweep | null): OperatingPoints {
  const settings = { beta: 1, targetRecall: 0.8, targetPrecision: 0.8 };
  const points = SELECTION_CRITERIA.map((criterion) => {
    const choice = thresholdFromSweep(validation, criterion, settings);
    return {
      criterion,
      weights: "given" as const,
      selected: criterion === trained.thresholdCriterion && choice.threshold === trained.model.threshold,
      model: 0,
      threshold: choice.threshold,
      met: choice.met,
      reason: choice.reason,
      tuned: pointAt(validation, choice.threshold),
      test: test ? pointAt(test, choice.threshold) : null,
    };
  });
  return { tunedOn: "validation", balanced: "not applicable (one model, no positive-weight grid)", points };
}

/** The model's name in reports. */
function modelTitle(plugin: TrainingPlugin, smoted: SmoteSummary | null): string {
  return smoted ? `${plugin.title} + SMOTE` : plugin.title;
}

function metricsDocument(plugin: TrainingPlugin, trained: TrainedModel, seed: number, sources: MetricsDocument["data"], v: Scored, t: Scored | null, points: OperatingPoints | undefined, smoted: SmoteSummary | null): MetricsDocument {
  const { model } = trained;
  return {
    algorithm: model.algorithm,
    title: modelTitle(plugin, smoted),
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
    ...(points ? { operatingPoints: points } : {}),
    ...(smoted ? { smote: smoted } : {}),
    ...(model.kind === "anomaly_detector" ? { anomalyScore: { threshold: model.threshold, validation: anomalySet(v), test: t ? anomalySet(t) : null } } : {}),
  };
}

function runReport(plugin: TrainingPlugin, trained: TrainedModel, doc: MetricsDocument, v: Scored, t: Scored | null): string {
  const sets: ReportSet[] = [{ name: "validation", scores: v.scores, labels: v.data.labels, metrics: v.metrics, sweep: v.sweep }];
  if (t) sets.push({ name: "test", scores: t.scores, labels: t.data.labels, metrics: t.metrics, sweep: t.sweep });
  const source = doc.data["source"] as DataSource;
  const extras = trained.reportExtras;
  const anomaly = trained.model.kind === "anomaly_detector";
  return renderReport({
    ...extras,
    title: anomaly ? `${doc.title} anomaly detector — its score against the fraud label` : `${doc.title} fraud model — evaluation`,
    kind: anomaly ? "anomaly_detector" : "binary_classifier",
    threshold: doc.threshold,
    thresholdReason: doc.thresholdReason,
    sets,
    facts: {
      algorithm: `${doc.title} (${trained.model.algorithm})`,
      "training seconds": Number(trained.trainSeconds.toFixed(2)),
      "train rows": (doc.data["train"] as DataSource).rows,
      ...(doc.smote ? { SMOTE: `k=${doc.smote.k}: ${doc.smote.before.positives.toLocaleString("en-US")} → ${doc.smote.after.positives.toLocaleString("en-US")} training frauds` } : {}),
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
  /** What SMOTE did to the training split, when applied. */
  smoted: SmoteSummary | null;
  trained: TrainedModel;
  test: Dataset | null;
  sources: MetricsDocument["data"];
  /**
   * Seconds: SMOTE; the plug-in's `train` call (its training, then its own work after it);
   * hashing the fingerprints; waiting for the separate test file once training is done.
   */
  seconds: { smote: number; plugin: number; fingerprint: number; testRead: number };
}

function since(started: number): number {
  return (performance.now() - started) / 1000;
}

/** SMOTE's nearest fraud neighbours, as imbalanced-learn's default and the AWS solution's variant. */
const SMOTE_K = 5;

function counts(d: Dataset): SplitCounts {
  let positives = 0;
  for (let i = 0; i < d.rows; i++) positives += d.labels[i]!;
  return { rows: d.rows, positives };
}

/** The training split, oversampled with SMOTE when asked (a new data set; the input is untouched). */
function oversampled(train: Dataset, apply: boolean, seed: number): { train: Dataset; smoted: SmoteSummary | null } {
  if (!apply) return { train, smoted: null };
  const out = smote(train, { seed, k: SMOTE_K });
  return { train: out, smoted: { k: SMOTE_K, before: counts(train), after: counts(out) } };
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
    const inputs = await loadRunInputs(opts, seed, pool);
    requireBothClasses(inputs.train, "train");
    requireBothClasses(inputs.validation, "validation");
    const smoteStarted = performance.now();
    const { train, smoted } = oversampled(inputs.train, opts.smote === true, seed);
    const smoteSeconds = since(smoteStarted);
    const trainStarted = performance.now();
    const training = plugin.train({
      train,
      validation: inputs.validation,
      seed,
      hyperparameters: hp,
      rawHyperparameters: opts.hyperparameters ?? {},
      pool,
      variant: opts.balancedVariant === true,
      onProgress: opts.onProgress,
    });
    training.catch(() => undefined); // awaited below
    // a plug-in training on this thread has finished by now; one on the workers trains meanwhile
    const trainReturned = performance.now();
    const sources = dataSources(opts, inputs, inputs.splitTest, seed);
    const hashSeconds = since(trainReturned);
    const trained = await training;
    const pluginSeconds = Math.max(since(trainStarted) - hashSeconds, (trainReturned - trainStarted) / 1000);
    const testStarted = performance.now();
    const test = inputs.splitTest ?? (await testLoad);
    if (opts.test !== undefined && test !== null) sources["test"] = source(opts.test, test);
    return { inputs, smoted, trained, test, sources, seconds: { smote: smoteSeconds, plugin: pluginSeconds, fingerprint: hashSeconds, testRead: since(testStarted) } };
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
  if (opts.smote === true && !plugin.supervised) throw new TrainError("INVALID_ARGUMENT", `--smote oversamples a classifier's training split; ${plugin.algorithm} is an anomaly detector`);
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
  const { inputs, smoted, trained, test, sources, seconds } = loaded;
  const clock = new StageClock();
  clock.add("read", inputs.stages.read + seconds.testRead);
  clock.add("split", inputs.stages.split);
  if (smoted) clock.add("smote", seconds.smote);
  const scaleSeconds = (trained.details as Partial<TrainResult> | undefined)?.scaleSeconds ?? 0;
  clock.add("scale", scaleSeconds);
  clock.add("train", trained.trainSeconds - scaleSeconds);
  clock.add("finish", seconds.plugin - trained.trainSeconds);
  clock.add("fingerprint", seconds.fingerprint);
  const v = await clock.timeAsync("evaluate", () => scoreSet(trained, inputs.validation, trained.validationScores));
  const t = await clock.timeAsync("evaluate", async () => (test ? scoreSet(trained, test) : null));
  const sweeps = { validation: v.sweep, test: t?.sweep ?? null };
  // an anomaly score is no probability: the classifier's selection criteria do not apply to it
  const points = clock.time("operatingPoints", () => trained.operatingPoints
    ? trained.operatingPoints(sweeps, inputs.validation, test)
    : trained.model.kind === "anomaly_detector"
      ? undefined
      : singleModelPoints(trained, v.sweep, t?.sweep ?? null));
  const metrics = clock.time("report", () => metricsDocument(plugin as TrainingPlugin, trained, seed, sources, v, t, points, smoted));
  const html = clock.time("report", () => runReport(plugin as TrainingPlugin, trained, metrics, v, t));
  metrics.stages = clock.stages;
  await clock.timeAsync("archive", () => commitFiles(opts.out, { "model.tar.gz": trained.artifact, "metrics.json": JSON.stringify(metrics, null, 2) + "\n", "report.html": html }));
  return { trained, metrics, result: plugin.algorithm === "linear-learner" ? (trained.details as TrainResult) : undefined, scores: { validation: v.scores, test: t?.scores ?? null }, stages: clock.stages };
}
