/**
 * The model layer: the {@link Model} interface, the registry keyed by algorithm, the inference
 * protocols, and one folder per algorithm (`linear-learner/`, …). Exposed as `@fraud/trainer/model`.
 * @packageDocumentation
 */
export type { ArtifactMembers, LoadModelOptions, Model, ModelDescription, ModelPlugin } from "./model.js";
export { ProtocolError } from "./protocol.js";
export type { EncodedBody, InferenceProtocol, ProtocolErrorCode } from "./protocol.js";
export { inferenceProtocol, loadModel, modelPlugin, registerModelPlugin } from "./registry.js";
export { createModel } from "./linear-learner/model.js";
export type { LinearLearnerModel, LinearModelParams, ModelSource, PredictInput, PredictorType, RowMajor } from "./linear-learner/model.js";
export { decodeModelArtifact, encodeModelArtifact, loadLinearLearnerModel, writeModelArtifact } from "./linear-learner/artifact.js";
export type { ModelArtifact, ModelArtifactInput, ReadModelOptions } from "./linear-learner/artifact.js";
export { decodeNDArrayList } from "./linear-learner/ndarray-decode.js";
export type { DecodeNDArrayOptions } from "./linear-learner/ndarray-decode.js";
export { encodeNDArrayList } from "./linear-learner/ndarray-encode.js";
export type { EncodeNDArrayOptions, NDArrayInput, NDArrayWriteDtype } from "./linear-learner/ndarray-encode.js";
export type { NDArrayContext, NDArrayDtype, NDArrayEntry, NDArrayStorage, NDArrayVersion } from "./linear-learner/ndarray-format.js";
