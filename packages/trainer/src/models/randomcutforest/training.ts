/**
 * Random Cut Forest as a training plug-in: unsupervised (labels only evaluate), threshold = mean +
 * 3 standard deviations of the training scores, artifact `rcf-model.json`.
 * @packageDocumentation
 */
import type { Dataset } from "../../data.js";
import { averagePrecision, confusionAt, rocAuc, sweep } from "../../metrics.js";
import { scoresOnTwoThreads } from "../../parallel-scores.js";
import type { TrainedModel, TrainingPlugin } from "../training.js";
import { encodeRcfArtifact } from "./artifact.js";
import { parseRcfHyperparameters } from "./hyperparameters.js";
import type { RcfHyperparameters } from "./hyperparameters.js";
import { trainRandomCutForest } from "./train.js";
import type { RcfTrainResult } from "./train.js";

/** The label-based figures of an anomaly score on one labelled set, at the model's threshold. */
function evaluation(scores: Float64Array, data: Dataset, threshold: number, metrics: RcfHyperparameters["eval_metrics"]): Record<string, number> {
  const s = sweep(scores, data.labels);
  const c = confusionAt(scores, data.labels, threshold);
  const out: Record<string, number> = { rows: data.rows, rocAuc: rocAuc(s), ap: averagePrecision(s) };
  if (metrics.includes("accuracy")) out["accuracy"] = (c.tp + c.tn) / Math.max(1, data.rows);
  if (metrics.includes("precision_recall_fscore")) {
    const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);
    const f1 = (p: number, r: number): number => (p + r === 0 ? 0 : (2 * p * r) / (p + r));
    const pp = ratio(c.tp, c.tp + c.fp);
    const pr = ratio(c.tp, c.tp + c.fn);
    const np = ratio(c.tn, c.tn + c.fn);
    const nr = ratio(c.tn, c.tn + c.fp);
    Object.assign(out, { positivePrecision: pp, positiveRecall: pr, positiveF1: f1(pp, pr), negativePrecision: np, negativeRecall: nr, negativeF1: f1(np, nr) });
  }
  return out;
}

/**
 * The Random Cut Forest training plug-in: trains on the training rows' features alone (the
 * validation rows, when labelled, only evaluate: ROC AUC and average precision of the score, and
 * `eval_metrics` at the threshold), threshold = mean + 3 standard deviations of the training
 * scores.
 * @public
 */
export const randomCutForestTraining: TrainingPlugin<RcfHyperparameters, RcfTrainResult> = {
  algorithm: "randomcutforest",
  title: "Random Cut Forest",
  supervised: false,
  parseHyperparameters: (raw) => parseRcfHyperparameters(raw),
  threads: () => 1,
  async train(run): Promise<TrainedModel<RcfTrainResult>> {
    const t0 = performance.now();
    const result = trainRandomCutForest({ data: run.train.features, rows: run.train.rows, cols: run.train.features.length / Math.max(1, run.train.rows) }, { hyperparameters: run.rawHyperparameters, seed: run.seed });
    const trainSeconds = (performance.now() - t0) / 1000;
    const model = result.model;
    const rule = model.params.thresholdRule;
    const hp = result.hyperparameters;
    const reason =
      rule.rule === "mean+sd"
        ? `mean ${rule.mean.toFixed(4)} + ${rule.sigmas} × sd ${rule.std.toFixed(4)} of the scores of ${rule.rows} training rows`
        : "given";
    const validationScores = await scoresOnTwoThreads(model, { data: run.validation.features, rows: run.validation.rows, cols: model.featureDim });
    const validation = run.validation.rows > 0 ? evaluation(validationScores, run.validation, model.threshold, hp.eval_metrics) : null;
    return {
      model,
      artifact: encodeRcfArtifact(model.params),
      trainSeconds,
      thresholdReason: reason,
      thresholdCriterion: null,
      validationScores,
      metricsExtras: {
        hyperparameters: { ...hp },
        threshold: model.threshold,
        thresholdRule: rule,
        trainingScores: rule.rule === "mean+sd" ? { mean: rule.mean, std: rule.std, rows: rule.rows } : null,
        forest: { trees: model.forest.trees, nodes: model.forest.nodeStart[model.forest.trees], maxDepth: model.forest.maxDepth, standardized: model.params.transform !== null },
        buildSeconds: result.buildSeconds,
        thresholdSeconds: result.thresholdSeconds,
        ...(validation ? { evalMetrics: { set: "validation", ...validation } } : {}),
      },
      reportExtras: {
        facts: {
          trees: hp.num_trees,
          "samples per tree": hp.num_samples_per_tree,
          "anomaly threshold": Number(model.threshold.toFixed(4)),
          "threshold rule": rule.rule === "mean+sd" ? `mean + ${rule.sigmas} sd of training scores` : "given",
        },
        hyperparameters: { ...hp },
      },
      summary:
        `anomaly threshold ${model.threshold.toFixed(4)}: ${reason}\n` +
        `${hp.num_trees} trees × ${hp.num_samples_per_tree} samples (max depth ${model.forest.maxDepth}), trained in ${trainSeconds.toFixed(2)} s` +
        (validation ? `; validation ROC AUC ${validation["rocAuc"]!.toFixed(4)}, AP ${validation["ap"]!.toFixed(4)}` : ""),
      details: result,
    };
  },
};

