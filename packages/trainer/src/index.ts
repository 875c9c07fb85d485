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
