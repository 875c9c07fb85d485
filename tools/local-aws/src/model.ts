/**
 * The model the endpoint serves: a loaded model object, or a `model.tar.gz` of any registered
 * algorithm, read through `@fraud/trainer/model`'s registry with its size limits.
 * @packageDocumentation
 */
import { loadModel } from "@fraud/trainer/model";
import type { Model, ModelLimits } from "@fraud/trainer/model";
import { LocalAwsError } from "./errors.js";

/**
 * Resolves the `model` option: loads an artifact (path or bytes), or checks a model object.
 * @internal
 */
export async function loadEndpointModel(model: Model | string | Uint8Array, limits: ModelLimits = {}): Promise<Model> {
  if (typeof model === "string" || model instanceof Uint8Array) {
    try {
      return await loadModel(model, limits);
    } catch (err) {
      const what = typeof model === "string" ? model : `${model.length}-byte artifact`;
      throw new LocalAwsError("MODEL_LOAD_FAILED", `cannot load model ${what}: ${(err as Error).message}`, { cause: err, path: typeof model === "string" ? model : undefined });
    }
  }
  if (
    typeof model !== "object" ||
    model === null ||
    typeof model.predict !== "function" ||
    !Number.isInteger(model.featureDim) ||
    typeof model.protocol !== "object" ||
    model.protocol === null ||
    typeof model.protocol.parseRequest !== "function"
  ) {
    throw new LocalAwsError("INVALID_ARGUMENT", "model must be a model object (with featureDim, predict and protocol), a path or the bytes of a model.tar.gz");
  }
  return model;
}
