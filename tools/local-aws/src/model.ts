/**
 * The model the endpoint serves: a loaded model object, or a Linear Learner `model.tar.gz` read
 * through `@fraud/trainer/model` with its size limits.
 * @packageDocumentation
 */
import { loadModel } from "@fraud/trainer/model";
import type { ModelLimits } from "@fraud/trainer/model";
import { LocalAwsError } from "./errors.js";
import type { ModelPrediction } from "./formats.js";

/**
 * What the endpoint needs from a model: the shape of `@fraud/trainer`'s `LinearLearnerModel`.
 * @public
 */
export interface EndpointModel {
  /** `binary_classifier` answers `score` and `predicted_label`; `regressor` only `score`. */
  readonly predictorType: string;
  /** Number of features every row must have. */
  readonly featureDim: number;
  /** Scores row-major rows. */
  predict(rows: { data: ArrayLike<number>; rows: number }): readonly ModelPrediction[];
}

/**
 * Resolves the `model` option: loads an artifact (path or bytes), or checks a model object.
 * @internal
 */
export async function loadEndpointModel(model: EndpointModel | string | Uint8Array, limits: ModelLimits = {}): Promise<EndpointModel> {
  if (typeof model === "string" || model instanceof Uint8Array) {
    try {
      return await loadModel(model, limits);
    } catch (err) {
      const what = typeof model === "string" ? model : `${model.length}-byte artifact`;
      throw new LocalAwsError("MODEL_LOAD_FAILED", `cannot load model ${what}: ${(err as Error).message}`, { cause: err, path: typeof model === "string" ? model : undefined });
    }
  }
  if (typeof model !== "object" || model === null || typeof model.predict !== "function" || !Number.isInteger(model.featureDim)) {
    throw new LocalAwsError("INVALID_ARGUMENT", "model must be a model object, a path or the bytes of a model.tar.gz");
  }
  return model;
}
