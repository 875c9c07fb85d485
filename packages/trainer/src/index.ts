/**
 * `@fraud/trainer`: a Linear-Learner-compatible trainer, evaluation reports and SageMaker
 * Linear Learner model artifacts (read and write), without AWS.
 *
 * SageMaker training jobs live under the `@fraud/trainer/sagemaker` entry point.
 * @packageDocumentation
 */
export { ModelError, TrainError, TrainerError, isModelError, isTrainError } from "./errors.js";
export type { ModelErrorCode, TrainErrorCode } from "./errors.js";
export { createModel, sigmoid } from "./model.js";
export type { FeatureMatrix, LinearLearnerModel, LinearModelParams, Prediction, PredictInput, PredictorType } from "./model.js";
export { NDARRAY_LIST_MAGIC, NDARRAY_MAGIC, decodeNDArrayList, encodeNDArrayList } from "./ndarray.js";
export type {
  DecodeNDArrayOptions,
  EncodeNDArrayOptions,
  NDArrayContext,
  NDArrayDtype,
  NDArrayEntry,
  NDArrayInput,
  NDArrayStorage,
  NDArrayVersion,
} from "./ndarray.js";
export {
  MAX_ARTIFACT_BYTES,
  MODEL_MEMBER,
  decodeModelArtifact,
  encodeModelArtifact,
  loadModel,
  modelFromArtifact,
  writeFileAtomic,
  writeModelArtifact,
} from "./artifact.js";
export type { ModelArtifact, ModelArtifactInput } from "./artifact.js";
export { createRng } from "./rng.js";
export type { Rng } from "./rng.js";
export { HYPERPARAMETER_NAMES, parseHyperparameterArgs, parseHyperparameters } from "./hyperparameters.js";
export type { Hyperparameters, SelectionCriterion } from "./hyperparameters.js";
export { FEATURE_NAMES, countPositives, fingerprint, requireBothClasses, stratifiedSplit, takeRows, validateDataset } from "./data.js";
export type { DataFingerprint, Dataset } from "./data.js";
export { averagePrecision, chooseThreshold, recallFloor, confusionAt, confusionMetrics, evaluateBinary, rocAuc, sweep } from "./metrics.js";
export type { BinaryMetrics, Confusion, CriterionSettings, Sweep, ThresholdChoice } from "./metrics.js";
export { trainLinearLearner } from "./train.js";
export type { ModelSummary, Scaler, TrainOptions, TrainProgress, TrainResult } from "./train.js";
export { renderReport } from "./report.js";
export type { ReportInput, ReportSet } from "./report.js";
export { runEvaluation, runLocalTraining } from "./pipeline.js";
export type { DataSource, EvaluationOptions, LocalTrainingOptions, LocalTrainingResult, MetricsDocument } from "./pipeline.js";
