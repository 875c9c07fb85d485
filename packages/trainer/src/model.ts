/**
 * `@fraud/trainer/model`: the SageMaker Linear Learner model without training, reports or the AWS
 * SDK — `model.tar.gz` read and write in SageMaker's own layout, the MXNet NDArray codec, size
 * limits, `loadModel` and `predict`. The Lambda scorer and the local endpoint import only this
 * entry (it depends on fflate, tar-stream and write-file-atomic).
 *
 * @example
 * ```ts
 * import { loadModel } from "@fraud/trainer/model";
 * const model = await loadModel("model.tar.gz", { maxFeatures: 1000 });
 * model.predict([[0, -1.35, 149.62]]); // [{ score: 0.0012, predictedLabel: 0 }]
 * ```
 * @packageDocumentation
 */
export { ModelError, TrainerError, isModelError, isTrainerError } from "./errors.js";
export type { ModelErrorCode } from "./errors.js";
export { createModel } from "./model/linear.js";
export type { FeatureMatrix, LinearLearnerModel, LinearModelParams, Prediction, PredictInput, PredictorType } from "./model/linear.js";
export { MODEL_LIMITS } from "./model/limits.js";
export type { ModelLimits } from "./model/limits.js";
export { decodeModelArtifact, encodeModelArtifact, loadModel, writeModelArtifact } from "./model/artifact.js";
export type { ModelArtifact, ModelArtifactInput, ReadModelOptions } from "./model/artifact.js";
export { decodeNDArrayList } from "./model/ndarray-decode.js";
export type { DecodeNDArrayOptions } from "./model/ndarray-decode.js";
export { encodeNDArrayList } from "./model/ndarray-encode.js";
export type { EncodeNDArrayOptions, NDArrayInput, NDArrayWriteDtype } from "./model/ndarray-encode.js";
export type { NDArrayContext, NDArrayDtype, NDArrayEntry, NDArrayStorage, NDArrayVersion } from "./model/ndarray-format.js";
