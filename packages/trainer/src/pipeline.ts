import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { readCreditCardCsv } from "@fraud/simulator";
import { encodeModelArtifact, loadModel } from "./model.js";
import { FEATURE_NAMES, fingerprint, requireBothClasses, stratifiedSplit, validateDataset } from "./data.js";
import type { DataFingerprint, Dataset } from "./data.js";
import { TrainError } from "./errors.js";
import { parseHyperparameters } from "./hyperparameters.js";
import { evaluateBinary } from "./metrics.js";
import type { BinaryMetrics } from "./metrics.js";
import { renderReport } from "./report.js";
import type { ReportSet } from "./report.js";
import { trainLinearLearner } from "./train.js";
import type { TrainProgress, TrainResult } from "./train.js";

/** Inputs of {@link runLocalTraining} (the `fraud-train local` command). @public */
export interface LocalTrainingOptions {
  /** One CSV split 70/15/15 (stratified, seeded). Exclusive with `train`. */
  data?: string;
  /** Training CSV. */
  train?: string;
  /** Validation CSV; without it a stratified 15% of `train` is held out. */
  validation?: string;
  /** Test CSV (only with `train`). */
  test?: string;
  /** Output directory for model.tar.gz, metrics.json and report.html. */
  out: string;
  /** Seed of the split and the training. @defaultValue 0 */
  seed?: number;
  /** Linear Learner hyperparameters. */
  hyperparameters?: Record<string, string>;
  /** Worker threads (see {@link TrainOptions}). */
  workers?: number;
  /** Progress callback. */
  onProgress?: (p: TrainProgress) => void;
}

/** A data file's fingerprint. @public */
export interface DataSource extends DataFingerprint {
  /** The file read, when the set came straight from one. */
  file?: string;
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
}

async function readData(path: string, name: string): Promise<Dataset> {
  let data: Dataset;
  try {
    data = await readCreditCardCsv(path);
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e.code === "ENOENT") throw new TrainError("IO_ERROR", `${path}: no such file`, { cause: err });
    throw new TrainError(e.code === undefined || e.code.startsWith("E") ? "IO_ERROR" : "BAD_DATA", e.message, { cause: err });
  }
  validateDataset(data, path);
  if (data.rows === 0) throw new TrainError("BAD_DATA", `${path}: no data rows (${name})`);
  return data;
}

/** Writes several files into `dir` so that either all appear or none (temp files, then renames). */
async function commitFiles(dir: string, files: Record<string, Uint8Array | string>): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tag = randomBytes(6).toString("hex");
  const tmps: [string, string][] = [];
  try {
    for (const [name, data] of Object.entries(files)) {
      const tmp = join(dir, `.${name}.${tag}.tmp`);
      tmps.push([tmp, join(dir, name)]);
      await writeFile(tmp, data);
    }
    for (const [tmp, final] of tmps) await rename(tmp, final);
  } catch (err) {
    for (const [tmp] of tmps) await rm(tmp, { force: true });
    throw new TrainError("IO_ERROR", `${dir}: cannot write outputs (${(err as Error).message})`, { cause: err });
  }
}

/** What {@link runLocalTraining} returns. @public */
export interface LocalTrainingResult {
  /** Training details. */
  result: TrainResult;
  /** The metrics.json content. */
  metrics: MetricsDocument;
}

/**
 * `fraud-train local`: reads CSVs, splits, trains, evaluates, and writes `model.tar.gz`,
 * `metrics.json` and `report.html` into `out` (all three or none).
 * @throws {@link TrainError} for bad arguments, data or hyperparameters.
 * @public
 */
export async function runLocalTraining(opts: LocalTrainingOptions): Promise<LocalTrainingResult> {
  const seed = opts.seed ?? 0;
  if ((opts.data === undefined) === (opts.train === undefined)) throw new TrainError("BAD_DATA", "give either --data or --train");
  if (opts.data !== undefined && (opts.validation !== undefined || opts.test !== undefined)) {
    throw new TrainError("BAD_DATA", "--validation and --test go with --train, not --data");
  }
  // Validate hyperparameters before reading any data.
  parseHyperparameters(opts.hyperparameters);
  let train: Dataset;
  let validation: Dataset;
  let test: Dataset | null;
  const sources: MetricsDocument["data"] = {};
  if (opts.data !== undefined) {
    const all = await readData(opts.data, "data");
    requireBothClasses(all, opts.data);
    [train, validation, test] = stratifiedSplit(all, [0.7, 0.15, 0.15], seed, ["train", "validation", "test"]) as [Dataset, Dataset, Dataset];
    sources["source"] = { file: opts.data, ...fingerprint(all) };
    sources["split"] = "stratified 70/15/15";
  } else {
    const full = await readData(opts.train!, "train");
    if (opts.validation !== undefined) {
      train = full;
      validation = await readData(opts.validation, "validation");
    } else {
      requireBothClasses(full, opts.train!);
      [train, validation] = stratifiedSplit(full, [0.85, 0.15], seed, ["train", "validation"]) as [Dataset, Dataset];
      sources["split"] = "stratified 15% of --train held out for validation";
    }
    test = opts.test !== undefined ? await readData(opts.test, "test") : null;
    sources["source"] = { file: opts.train!, ...fingerprint(full) };
  }
  requireBothClasses(train, "train");
  requireBothClasses(validation, "validation");
  sources["train"] = fingerprint(train);
  sources["validation"] = fingerprint(validation);
  sources["test"] = test ? { ...(opts.test ? { file: opts.test } : {}), ...fingerprint(test) } : null;
  sources["seed"] = seed;

  const result = await trainLinearLearner(train, validation, {
    seed,
    ...(opts.hyperparameters ? { hyperparameters: opts.hyperparameters } : {}),
    ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  const model = result.model;
  const score = (d: Dataset): Float64Array => model.scores({ data: d.features, rows: d.rows });
  const vScores = score(validation);
  const vMetrics = evaluateBinary(vScores, validation.labels, model.threshold);
  const tScores = test ? score(test) : null;
  const tMetrics = test && tScores ? evaluateBinary(tScores, test.labels, model.threshold) : null;
  const sel = result.models[result.selectedModel]!;
  const models = result.models.map((m) => ({ ...m }) as unknown as Record<string, number>);
  const metrics: MetricsDocument = {
    algorithm: "linear-learner",
    predictorType: "binary_classifier",
    threshold: model.threshold,
    thresholdReason: result.threshold.reason,
    criterion: result.hyperparameters.binary_classifier_model_selection_criteria,
    trainSeconds: result.trainSeconds,
    seed,
    hyperparameters: { ...result.hyperparameters },
    selectedModel: { ...sel } as unknown as Record<string, number>,
    models,
    validationLossHistory: result.validationLossHistory,
    features: FEATURE_NAMES,
    data: sources,
    validation: vMetrics,
    test: tMetrics,
  };
  const sets: ReportSet[] = [{ name: "validation", scores: vScores, labels: validation.labels, metrics: vMetrics }];
  if (test && tScores && tMetrics) sets.push({ name: "test", scores: tScores, labels: test.labels, metrics: tMetrics });
  const html = renderReport({
    title: "Linear Learner fraud model — evaluation",
    threshold: model.threshold,
    thresholdReason: result.threshold.reason,
    sets,
    facts: {
      "training seconds": Number(result.trainSeconds.toFixed(2)),
      "train rows": train.rows,
      "validation rows": validation.rows,
      "test rows": test?.rows ?? 0,
      "selected model": `#${sel.index} (lr ${sel.learningRate.toPrecision(3)}, l1 ${sel.l1.toPrecision(2)}, wd ${sel.wd.toPrecision(2)})`,
      criterion: result.hyperparameters.binary_classifier_model_selection_criteria,
      seed,
      "data sha256": (sources["source"] as DataFingerprint).sha256.slice(0, 16),
    },
    hyperparameters: { ...result.hyperparameters },
    models,
    selectedModel: result.selectedModel,
    lossHistory: result.validationLossHistory,
  });
  const artifact = await encodeModelArtifact({
    predictorType: "binary_classifier",
    weights: model.weights,
    bias: model.bias,
    threshold: model.threshold,
    lossType: "logistic",
    metricsParams: {
      f_beta: result.hyperparameters.f_beta,
      positive_example_weight_mult: result.positiveWeight,
    },
  });
  await commitFiles(opts.out, { "model.tar.gz": artifact, "metrics.json": JSON.stringify(metrics, null, 2) + "\n", "report.html": html });
  return { result, metrics };
}

/** Inputs of {@link runEvaluation} (the `fraud-train evaluate` command). @public */
export interface EvaluationOptions {
  /** A Linear Learner binary-classifier model.tar.gz (ours or SageMaker's). */
  model: string;
  /** Labelled CSV (creditcard.csv layout). */
  data: string;
  /** Output directory for metrics.json and report.html. */
  out: string;
  /** Override the model's threshold. */
  threshold?: number;
}

/**
 * `fraud-train evaluate`: scores a labelled CSV with any Linear Learner binary classifier and
 * writes `metrics.json` (its `test` section) and `report.html` into `out` (both or none).
 * @throws {@link ModelError} for a bad model, {@link TrainError} for bad data.
 * @public
 */
export async function runEvaluation(opts: EvaluationOptions): Promise<MetricsDocument> {
  const model = await loadModel(opts.model);
  if (model.predictorType !== "binary_classifier") {
    throw new TrainError("BAD_DATA", `${opts.model}: evaluate needs a binary_classifier model, this one is a ${model.predictorType}`);
  }
  if (model.featureDim !== FEATURE_NAMES.length) {
    throw new TrainError("BAD_DATA", `${opts.model}: the model expects ${model.featureDim} features, ${opts.data} has ${FEATURE_NAMES.length} (${FEATURE_NAMES[0]}..${FEATURE_NAMES.at(-1)})`);
  }
  const threshold = opts.threshold ?? model.threshold;
  if (!(threshold >= 0 && threshold <= 1)) throw new TrainError("BAD_DATA", `threshold ${threshold} is outside [0, 1]`);
  const data = await readData(opts.data, "data");
  const started = performance.now();
  const scores = model.scores({ data: data.features, rows: data.rows });
  const metrics = evaluateBinary(scores, data.labels, threshold);
  const doc: MetricsDocument = {
    algorithm: "linear-learner",
    predictorType: model.predictorType,
    threshold,
    thresholdReason: opts.threshold === undefined ? "the model's own threshold (additional-params.json)" : "given with --threshold",
    trainSeconds: 0,
    features: FEATURE_NAMES,
    data: { model: opts.model, test: { file: opts.data, ...fingerprint(data) } },
    validation: null,
    test: metrics,
  };
  const html = renderReport({
    title: `Linear Learner model evaluation — ${opts.model}`,
    threshold,
    thresholdReason: doc.thresholdReason,
    sets: [{ name: opts.data.split("/").pop() ?? "data", scores, labels: data.labels, metrics }],
    facts: { rows: data.rows, frauds: metrics.positives, "scoring seconds": Number(((performance.now() - started) / 1000).toFixed(3)), features: model.featureDim },
  });
  await commitFiles(opts.out, { "metrics.json": JSON.stringify(doc, null, 2) + "\n", "report.html": html });
  return doc;
}
