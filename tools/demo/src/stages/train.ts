/**
 * Stage 3: the classifiers — Linear Learner (the one set of training defaults every path uses,
 * `TRAINING_DEFAULTS` of `@fraud/trainer`) and XGBoost (the AWS solution's hyperparameters over them) — and the Random Cut Forest anomaly detector
 * (the AWS solution's `num_trees` 50 × `num_samples_per_tree` 512), all trained on the splits the
 * encode stage made (in memory: the CSV just written is not parsed again) and evaluated on the same
 * held-out test split. The classifier with the higher validation average precision is served.
 * @packageDocumentation
 */
import { join } from "node:path";
import type { Algorithm } from "@fraud/contracts";
import { TRAINING_DEFAULTS, runLocalTraining } from "@fraud/trainer";
import type { LocalTrainingResult, MetricsDocument, TrainProgress } from "@fraud/trainer";
import type { ResolvedOptions } from "../options.js";
import { runStage } from "../stages.js";
import type { Reporter, StageTimes } from "../stages.js";
import type { EncodedSplits } from "./data.js";

/** One trained model. @internal */
export interface TrainedModel {
  /** The algorithm, as SageMaker names it. */
  algorithm: Algorithm;
  /** Folder holding `model.tar.gz`, `metrics.json`, `report.html`. */
  dir: string;
  /** `metrics.json` as written. */
  metrics: MetricsDocument;
  /** Its scores of the test split, in row order. */
  testScores: Float64Array;
}

/** The stage's models: both classifiers, the one served, and the anomaly detector. @internal */
export interface TrainedModels {
  /** The classifiers, in training order. */
  classifiers: TrainedModel[];
  /** The classifier with the higher validation average precision: the one the endpoint serves. */
  served: TrainedModel;
  /** The Random Cut Forest. */
  detector: TrainedModel;
  /** Fraud labels of the test split, in row order. */
  testLabels: Uint8Array;
}

/** Each model's folder under the run folder, and its training settings. @internal */
export const DEMO_MODELS = [
  { algorithm: "linear-learner", dir: "model", title: "Linear Learner", what: "the training defaults", hyperparameters: {} },
  // the AWS solution's XGBoost hyperparameters (its notebook's; scale_pos_weight left at 1)
  { algorithm: "xgboost", dir: "model-xgboost", title: "XGBoost", what: "max_depth 5, eta 0.2, gamma 4, min_child_weight 6, subsample 0.8, 100 rounds", hyperparameters: { max_depth: 5, eta: 0.2, gamma: 4, min_child_weight: 6, subsample: 0.8, num_round: 100 } },
  { algorithm: "randomcutforest", dir: "model-rcf", title: "Random Cut Forest", what: "50 trees × 512 samples", hyperparameters: { num_trees: 50, num_samples_per_tree: 512 } },
] as const satisfies readonly { algorithm: Algorithm; dir: string; title: string; what: string; hyperparameters: Record<string, string | number> }[];

/** A model's name in progress lines and the summary. @internal */
export function modelTitle(algorithm: Algorithm): string {
  return DEMO_MODELS.find((m) => m.algorithm === algorithm)!.title;
}

/** How the threshold was chosen, for the progress line and the summary. @internal */
export function thresholdChoice(metrics: MetricsDocument): string {
  const criterion = metrics.thresholdCriterion ?? metrics.criterion;
  return criterion ? `${criterion}: ${metrics.thresholdReason}` : metrics.thresholdReason;
}

/** Stage `train`. @internal */
export function trainModels(o: ResolvedOptions, encoded: EncodedSplits, reporter: Reporter, times: StageTimes): Promise<TrainedModels> {
  const [train, validation, test] = encoded.splits;
  // every run states the hyperparameters it trains with: the training defaults, then the demo's own
  const settings = (m: (typeof DEMO_MODELS)[number]): string =>
    Object.entries({ ...TRAINING_DEFAULTS[m.algorithm], ...m.hyperparameters })
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
  const what = DEMO_MODELS.map((m) => `${m.title} (${m.what}: ${settings(m)})`).join(", ");
  return runStage("train", reporter, times, `training ${what} on the same split`, async () => {
    const trained: TrainedModel[] = [];
    for (const [i, m] of DEMO_MODELS.entries()) {
      const dir = join(o.out, m.dir);
      const result: LocalTrainingResult = await runLocalTraining({
        train,
        validation,
        test,
        out: dir,
        seed: o.seed,
        algorithm: m.algorithm,
        hyperparameters: m.hyperparameters,
        onProgress: (p: TrainProgress) => reporter.progress("train", i * 100 + Math.round((100 * p.completed) / Math.max(1, p.total)), DEMO_MODELS.length * 100),
      });
      trained.push({ algorithm: m.algorithm, dir, metrics: result.metrics, testScores: result.scores.test! });
    }
    const classifiers = trained.filter((t) => t.metrics.predictorType !== "anomaly_detector");
    const detector = trained.find((t) => t.metrics.predictorType === "anomaly_detector")!;
    const served = classifiers.reduce((best, c) => ((c.metrics.validation?.prAuc ?? 0) > (best.metrics.validation?.prAuc ?? 0) ? c : best));
    const line = classifiers
      .map((c) => `${modelTitle(c.algorithm)} test PR AUC ${c.metrics.test!.prAuc.toFixed(3)} (validation ${(c.metrics.validation?.prAuc ?? 0).toFixed(3)})`)
      .concat(`Random Cut Forest fraud ROC AUC ${detector.metrics.test!.rocAuc.toFixed(3)}`)
      .join(", ");
    return [{ classifiers, served, detector, testLabels: test.labels }, `${line}; serving ${modelTitle(served.algorithm)}`];
  });
}
