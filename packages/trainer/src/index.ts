/**
 * `@fraud/trainer`: a Linear-Learner-compatible trainer and its evaluation reports.
 *
 * The other entry points: `@fraud/trainer/model` (the model artifact, `loadModel`, `predict`;
 * no training code), `@fraud/trainer/aws` (regions, images, S3 URIs, names, `sagemaker.json`,
 * stack outputs; no AWS SDK) and `@fraud/trainer/sagemaker` (training jobs on SageMaker).
 *
 * @example
 * ```ts
 * import { runLocalTraining } from "@fraud/trainer";
 * const { metrics } = await runLocalTraining({ data: "creditcard.csv", out: "runs/1", seed: 7 });
 * ```
 * @packageDocumentation
 */
export { ModelError, TrainError, TrainerError, isModelError, isTrainError, isTrainerError } from "./errors.js";
export type { ModelErrorCode, TrainErrorCode } from "./errors.js";
export { parseHyperparameters } from "./hyperparameters.js";
export type { Hyperparameters, SelectionCriterion } from "./hyperparameters.js";
export { DEFAULT_SPLIT, stratifiedSplit } from "./data.js";
export type { DataFingerprint, Dataset, SplitSpec } from "./data.js";
export { evaluateBinary } from "./metrics.js";
export type { BinaryMetrics, Confusion, CriterionSettings, Sweep, ThresholdChoice } from "./metrics.js";
export { trainLinearLearner } from "./train.js";
export type { CriterionOutcome, ModelSummary, Scaler, TrainOptions, TrainProgress, TrainResult, TrainVariant } from "./train.js";
export type { OperatingPoint, OperatingPoints, PointMetrics } from "./operating-points.js";
export { runEvaluation, runLocalTraining } from "./pipeline.js";
export type { AnomalyScoreQuality, AnomalyScoreSet, DataInput, DataSource, EvaluationOptions, LocalTrainingOptions, LocalTrainingResult, MetricsDocument, SmoteSummary, SplitCounts } from "./pipeline.js";
export type { StageSeconds } from "./stages.js";
export { combinedEvaluation, compareModels } from "./compare.js";
export type { CombinedEntry, CombinedEvaluation, CombinedEvaluationInput, CompareOptions, CompareProgress, ComparedModel, ComparisonDocument, ComparisonResult, ComparisonRun, ModelFigures, RuleFigures, ScoredRule } from "./compare.js";
// The model, also here until every caller imports it from `@fraud/trainer/model` (deprecated here).
export { createModel, loadLinearLearnerModel, loadModel, writeModelArtifact } from "./model.js";
export type { LinearLearnerModel, Model, ModelArtifactInput, Prediction, PredictorType } from "./model.js";
export type { RawHyperparameters, TrainedModel, TrainingPlugin, TrainingPool, TrainingReportExtras, TrainingRun } from "./models/training.js";
export { TRAINING_DEFAULTS } from "./defaults.js";
