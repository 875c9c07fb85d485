/**
 * `@fraud/trainer/model`: models without training, reports or the AWS SDK — the {@link Model}
 * interface every algorithm implements, the registry keyed by algorithm (`loadModel` recognises
 * the kind from the artifact), each algorithm's SageMaker inference protocol, size limits, and
 * Linear Learner's `model.tar.gz` read and write with its MXNet NDArray codec. The Lambda scorer
 * and the local endpoint import only this entry (it depends on fflate, tar-stream and
 * write-file-atomic).
 *
 * @example
 * ```ts
 * import { loadModel } from "@fraud/trainer/model";
 * const model = await loadModel("model.tar.gz", { maxFeatures: 1000 });
 * model.describe(); // { algorithm: "linear-learner", kind: "binary_classifier", featureDim: 30, … }
 * model.predict({ data: new Float64Array(30), rows: 1, cols: 30 }); // [{ score: 0.0012, predictedLabel: 0 }]
 * ```
 * @packageDocumentation
 */
export { ModelError, TrainerError, isModelError, isTrainerError } from "./errors.js";
export type { ModelErrorCode } from "./errors.js";
export type { FeatureMatrix, ModelKind, Prediction } from "@fraud/contracts";
export { MODEL_LIMITS } from "./model/limits.js";
export type { ModelLimits } from "./model/limits.js";
export * from "./models/index.js";
