/**
 * XGBoost as a training plug-in: {@link trainXGBoost} on the run's training split (early stopping
 * on the validation split when `early_stopping_rounds` is set), the threshold of highest
 * validation accuracy (Linear Learner's default criterion; recorded in the model), and SageMaker
 * XGBoost's `model.tar.gz`.
 * @packageDocumentation
 */
import { sweep } from "../../metrics.js";
import { thresholdFromSweep } from "../../threshold.js";
import type { TrainedModel, TrainingPlugin } from "../training.js";
import { parseXGBoostHyperparameters } from "./hyperparameters.js";
import type { XGBoostHyperparameters } from "./hyperparameters.js";
import { XGBoostModel, encodeXGBoostArtifact } from "./model.js";
import { trainXGBoost } from "./train.js";
import type { TrainXGBoostResult } from "./train.js";

/**
 * The XGBoost training plug-in (registered by default).
 * @public
 */
export const xgboostTraining: TrainingPlugin<XGBoostHyperparameters, TrainXGBoostResult> = {
  algorithm: "xgboost",
  title: "XGBoost",
  supervised: true,
  parseHyperparameters: (raw) => {
    const out: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(raw)) out[k] = typeof v === "boolean" ? String(v) : v;
    return parseXGBoostHyperparameters(out);
  },
  threads: () => 1,
  async train(run): Promise<TrainedModel<TrainXGBoostResult>> {
    const hp = run.hyperparameters;
    const cols = run.train.features.length / run.train.rows;
    const t0 = performance.now();
    const result = trainXGBoost(run.train, {
      hyperparameters: { ...hp, seed: run.seed },
      validation: run.validation,
      cols,
      onRound: (round, metric) => run.onProgress?.({ completed: round + 1, total: hp.num_round, epoch: round, bestValidationLoss: metric }),
    });
    const trainSeconds = (performance.now() - t0) / 1000;
    const unthresholded = new XGBoostModel(result.booster, 0.5);
    const validationScores = unthresholded.scores({ data: run.validation.features, rows: run.validation.rows, cols });
    const s = sweep(validationScores, run.validation.labels);
    const choice = thresholdFromSweep(s, "accuracy", { beta: 1, targetRecall: 0.8, targetPrecision: 0.8 });
    const booster = { ...result.booster, attributes: { ...result.booster.attributes } };
    const model = new XGBoostModel(booster, choice.threshold);
    const hpRecord = { ...hp, seed: run.seed } as unknown as Record<string, unknown>;
    return {
      model,
      artifact: encodeXGBoostArtifact(booster, choice.threshold),
      trainSeconds,
      thresholdReason: choice.reason,
      thresholdCriterion: "accuracy",
      // the threshold does not change the scores: the pipeline need not score these rows again
      validationScores,
      metricsExtras: { hyperparameters: hpRecord, rounds: result.rounds, trees: booster.trees.length, bestIteration: result.bestIteration, validationMetric: hp.eval_metric, validationHistory: result.history },
      reportExtras: {
        facts: { trees: String(booster.trees.length), "best round": String(result.bestIteration + 1), criterion: "accuracy" },
        hyperparameters: hpRecord,
      },
      summary: `threshold ${choice.threshold.toFixed(4)} (accuracy): ${choice.reason}\n${booster.trees.length} trees (${result.rounds} rounds, best ${result.bestIteration + 1}), trained in ${trainSeconds.toFixed(2)} s on ${result.threads === 1 ? "1 thread" : `${result.threads} threads`}`,
      details: result,
    };
  },
};
