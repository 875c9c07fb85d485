/**
 * Random Cut Forest: the model plug-in (`plugin.ts`, what the model registry loads), the training
 * plug-in (`training.ts`), the trainer, the artifact and RCF's inference protocol.
 * @packageDocumentation
 */
export { randomCutForestPlugin } from "./plugin.js";
export { randomCutForestTraining } from "./training.js";
export { RCF_PROTOCOL, RCF_REQUEST_TYPES, RCF_RESPONSE_TYPES } from "./protocol.js";
export { RandomCutForestModel } from "./model.js";
export type { RcfModelParams, RcfThresholdRule } from "./model.js";
export { RCF_FORMAT, RCF_FORMAT_VERSION, RCF_MEMBER, decodeRcfMember, encodeRcfArtifact, encodeRcfMember } from "./artifact.js";
export type { EncodeRcfOptions } from "./artifact.js";
export { RCF_EVAL_METRICS, RCF_HYPERPARAMETER_NAMES, RCF_HYPERPARAMETER_RANGES, parseRcfHyperparameters } from "./hyperparameters.js";
export type { RcfEvalMetric, RcfHyperparameters } from "./hyperparameters.js";
export { trainRandomCutForest } from "./train.js";
export type { RcfTrainOptions, RcfTrainResult, RcfTrainingData } from "./train.js";
export type { FeatureTransform, Forest, ForestData } from "./forest.js";
