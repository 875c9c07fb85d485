import { performance } from "node:perf_hooks";
import type { Algorithm } from "@fraud/contracts";
import { loadModel } from "./models/registry.js";
import { FEATURE_NAMES } from "./data.js";
import { TrainError } from "./errors.js";
import { parseHyperparameters } from "./hyperparameters.js";
import { loadInput, source } from "./inputs.js";
import type { DataInput } from "./inputs.js";
import { evaluateBinary, sweep } from "./metrics.js";
import { evaluatedOperatingPoints } from "./operating-points.js";
import { commitFiles } from "./outputs.js";
import { scoresOnTwoThreads } from "./parallel-scores.js";
import type { MetricsDocument } from "./pipeline.js";
import { renderReport } from "./report.js";

const TITLES: Record<Algorithm, string> = { "linear-learner": "Linear Learner", xgboost: "XGBoost", randomcutforest: "Random Cut Forest" };

/** Inputs of {@link runEvaluation} (the `fraud-train evaluate` command). @public */
export interface EvaluationOptions {
  /** A model.tar.gz of any registered algorithm (ours or SageMaker's): a binary classifier or an anomaly detector. */
  model: string;
  /** Labelled data: a creditcard.csv-layout file or a data set in memory. */
  data: DataInput;
  /** Output directory for metrics.json and report.html. */
  out: string;
  /** Override the model's threshold. */
  threshold?: number;
  /**
   * Settings of the criteria whose operating points the report shows (`f_beta`, `target_recall`,
   * `target_precision`; Linear Learner's defaults otherwise).
   */
  hyperparameters?: Readonly<Record<string, string | number | boolean>>;
}

/**
 * `fraud-train evaluate`: scores labelled data with any registered model (a binary classifier or
 * an anomaly detector, recognised from the artifact) and
 * writes `metrics.json` (its `test` section) and `report.html` into `out` (both or none). The
 * operating points are tuned on the scored rows themselves (in-sample).
 * @example
 * ```ts
 * const doc = await runEvaluation({ model: "model.tar.gz", data: "creditcard.csv", out: "runs/eval" });
 * doc.test?.prAuc;
 * ```
 * @throws `ModelError` for a bad model, {@link TrainError} for bad data or arguments.
 * @public
 */
export async function runEvaluation(opts: EvaluationOptions): Promise<MetricsDocument> {
  const hp = parseHyperparameters(opts.hyperparameters);
  const model = await loadModel(opts.model);
  const dataName = typeof opts.data === "string" ? opts.data : "data";
  if (model.kind !== "binary_classifier" && model.kind !== "anomaly_detector") {
    throw new TrainError("INVALID_ARGUMENT", `${opts.model}: evaluate needs a binary_classifier or anomaly_detector model, this one is a ${model.kind}`);
  }
  if (model.featureDim !== FEATURE_NAMES.length) {
    throw new TrainError("INVALID_ARGUMENT", `${opts.model}: the model expects ${model.featureDim} features, ${dataName} has ${FEATURE_NAMES.length} (${FEATURE_NAMES[0]}..${FEATURE_NAMES.at(-1)})`);
  }
  const threshold = opts.threshold ?? model.threshold;
  if (model.kind === "binary_classifier" && !(threshold >= 0 && threshold <= 1)) throw new TrainError("INVALID_ARGUMENT", `threshold ${threshold} is outside [0, 1]`);
  if (!Number.isFinite(threshold)) throw new TrainError("INVALID_ARGUMENT", `threshold ${threshold} is not a finite number`);
  const data = await loadInput(opts.data, "data");
  const started = performance.now();
  const scores = await scoresOnTwoThreads(model, { data: data.features, rows: data.rows, cols: model.featureDim });
  const s = sweep(scores, data.labels);
  const anomaly = model.kind === "anomaly_detector";
  const evaluated = evaluateBinary(scores, data.labels, threshold, s);
  // an anomaly score is no probability: no log loss, no classifier selection criteria
  const metrics = anomaly ? { ...evaluated, logLoss: NaN } : evaluated;
  const flagged = metrics.confusion.tp + metrics.confusion.fp;
  const doc: MetricsDocument = {
    algorithm: model.algorithm,
    title: TITLES[model.algorithm],
    predictorType: model.kind,
    threshold,
    thresholdReason: opts.threshold === undefined ? "the model's own threshold (from its artifact)" : "given with --threshold",
    thresholdCriterion: null,
    trainSeconds: 0,
    features: FEATURE_NAMES,
    data: { model: opts.model, test: source(opts.data, data) },
    validation: null,
    test: metrics,
    ...(anomaly
      ? { anomalyScore: { threshold, validation: null, test: { rocAuc: metrics.rocAuc, averagePrecision: metrics.prAuc, flagged, rows: data.rows } } }
      : { operatingPoints: evaluatedOperatingPoints(s, { beta: hp.f_beta, targetRecall: hp.target_recall, targetPrecision: hp.target_precision }) }),
  };
  const html = renderReport({
    title: `${TITLES[model.algorithm]} ${anomaly ? "anomaly detector" : "model"} evaluation — ${opts.model}`,
    kind: anomaly ? "anomaly_detector" : "binary_classifier",
    threshold,
    thresholdReason: doc.thresholdReason,
    sets: [{ name: dataName.split("/").pop() ?? "data", scores, labels: data.labels, metrics, sweep: s }],
    facts: { algorithm: `${TITLES[model.algorithm]} (${model.algorithm})`, rows: data.rows, frauds: metrics.positives, "scoring seconds": Number(((performance.now() - started) / 1000).toFixed(3)), features: model.featureDim },
    operatingPoints: doc.operatingPoints,
  });
  await commitFiles(opts.out, { "metrics.json": JSON.stringify(doc, null, 2) + "\n", "report.html": html });
  return doc;
}
