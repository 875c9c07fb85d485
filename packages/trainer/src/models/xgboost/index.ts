/**
 * XGBoost: readers of every format SageMaker's XGBoost containers write (legacy binary `binf`,
 * JSON, UBJSON), a predictor equal to XGBoost 1.7.4's, a writer XGBoost 1.7.4 loads, a
 * histogram gradient-boosting trainer with XGBoost's `hist` semantics, the model and training
 * plug-ins and the container's inference protocol.
 * @packageDocumentation
 */
export { XGBOOST_OBJECTIVES } from "./booster.js";
export type { XGBoostBooster, XGBoostObjective, XGBoostTree } from "./booster.js";
export { XGBOOST_WRITE_VERSION } from "./document.js";
export { XGBOOST_DEFAULT_NUM_ROUND, XGBOOST_HYPERPARAMETER_NAMES, parseXGBoostHyperparameters } from "./hyperparameters.js";
export type { XGBoostEvalMetric, XGBoostHyperparameters } from "./hyperparameters.js";
export { THRESHOLD_ATTRIBUTE, XGBOOST_MEMBER, XGBoostModel, encodeXGBoostArtifact } from "./model.js";
export { xgboostPlugin } from "./plugin.js";
export { XGBoostPredictor } from "./predict.js";
export type { XGBoostPredictorOptions } from "./predict.js";
export { XGBOOST_PROTOCOL } from "./protocol.js";
export { XGBOOST_MAX_DEPTH, readXGBoostModel } from "./read.js";
export type { ReadXGBoostOptions, ReadXGBoostResult, XGBoostFormat } from "./read.js";
export { trainXGBoost } from "./train.js";
export type { TrainXGBoostOptions, TrainXGBoostResult, XGBoostData } from "./train.js";
export { XGBOOST_PARALLEL_ROWS } from "./train.js";
export { xgboostTraining } from "./training.js";
export { encodeXGBoostModel } from "./write.js";
export type { XGBoostWriteFormat } from "./write.js";
