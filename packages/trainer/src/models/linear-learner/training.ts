/**
 * Linear Learner as a training plug-in: the parallel grid of `train.ts` on the pipeline's worker
 * pool, threshold selection by `binary_classifier_model_selection_criteria`, and SageMaker's
 * `model.tar.gz`.
 * @packageDocumentation
 */
import { parseHyperparameters } from "../../hyperparameters.js";
import type { Hyperparameters } from "../../hyperparameters.js";
import { trainedOperatingPoints } from "../../operating-points.js";
import type { WorkerPool } from "../../pool.js";
import { threadCount, trainOnPool } from "../../train.js";
import type { ModelSummary, TrainResult } from "../../train.js";
import type { TrainedModel, TrainingPlugin } from "../training.js";
import { encodeModelArtifact } from "./artifact.js";

const asRecord = (m: ModelSummary): Record<string, number> => ({ ...m });

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

function summary(result: TrainResult, criterion: string): string {
  const sel = result.models[result.selectedModel]!;
  return (
    `threshold ${result.model.threshold.toFixed(4)} (${criterion}): ${result.threshold.reason}\n` +
    `model #${sel.index} of ${result.models.length} (lr ${sel.learningRate.toPrecision(3)}, l1 ${sel.l1.toPrecision(2)}, wd ${sel.wd.toPrecision(2)}, best epoch ${sel.bestEpoch + 1}), ` +
    `trained in ${result.trainSeconds.toFixed(2)} s on ${result.workers} thread(s)`
  );
}

/**
 * The Linear Learner training plug-in (registered by default).
 * @public
 */
export const linearLearnerTraining: TrainingPlugin<Hyperparameters, TrainResult> = {
  algorithm: "linear-learner",
  title: "Linear Learner",
  supervised: true,
  parseHyperparameters: (raw) => parseHyperparameters(raw),
  threads: (hp, o) => threadCount(o.workers, hp.num_models * (o.variant ? 2 : 1)),
  async train(run): Promise<TrainedModel<TrainResult>> {
    const hp = run.hyperparameters;
    const result = await trainOnPool(
      run.train,
      run.validation,
      { seed: run.seed, hyperparameters: run.rawHyperparameters, balancedVariant: run.variant, ...(run.onProgress ? { onProgress: run.onProgress } : {}) },
      run.pool as WorkerPool | null, // the pipeline's pool is a WorkerPool
    );
    const sel = result.models[result.selectedModel]!;
    const criterion = hp.binary_classifier_model_selection_criteria;
    return {
      model: result.model,
      artifact: await artifactOf(result),
      trainSeconds: result.trainSeconds,
      thresholdReason: result.threshold.reason,
      thresholdCriterion: criterion,
      metricsExtras: {
        criterion,
        hyperparameters: { ...hp },
        selectedModel: asRecord(sel),
        models: result.models.map(asRecord),
        ...(result.balanced ? { balancedModels: result.balanced.models.map(asRecord) } : {}),
        validationLossHistory: result.validationLossHistory,
      },
      reportExtras: {
        facts: {
          "selected model": `#${sel.index} (lr ${sel.learningRate.toPrecision(3)}, l1 ${sel.l1.toPrecision(2)}, wd ${sel.wd.toPrecision(2)})`,
          criterion,
        },
        hyperparameters: { ...hp },
        models: result.models.map(asRecord),
        selectedModel: result.selectedModel,
        lossHistory: result.validationLossHistory,
      },
      summary: summary(result, criterion),
      operatingPoints: (sweeps, validation, test) => trainedOperatingPoints(result, validation, test, sweeps),
      details: result,
    };
  },
};
