// Saving a booster as XGBoost does: the JSON model format (the default, readable by XGBoost 1.7's
// `Booster.load_model` from a file with no extension, such as SageMaker's `xgboost-model`) or UBJSON.
import { ModelError } from "../../errors.js";
import { checkBooster } from "./booster.js";
import type { XGBoostBooster } from "./booster.js";
import { boosterToJson, boosterToUbjson } from "./document.js";

/** Formats {@link encodeXGBoostModel} writes. @public */
export type XGBoostWriteFormat = "json" | "ubjson";

/**
 * The bytes of a booster in XGBoost's JSON (default) or UBJSON model format, version 1.7.4.
 *
 * @example
 * ```ts
 * await writeFile("xgboost-model", encodeXGBoostModel(booster)); // xgb.Booster().load_model("xgboost-model")
 * ```
 * @throws {@link ModelError} `INVALID_ARGUMENT` when the booster is malformed or the format unknown.
 * @public
 */
export function encodeXGBoostModel(booster: XGBoostBooster, format: XGBoostWriteFormat = "json"): Uint8Array {
  try {
    checkBooster(booster, "booster");
  } catch (err) {
    throw new ModelError("INVALID_ARGUMENT", (err as Error).message, { cause: err });
  }
  if (format === "json") return new TextEncoder().encode(boosterToJson(booster));
  if (format === "ubjson") return boosterToUbjson(booster);
  throw new ModelError("INVALID_ARGUMENT", `unknown XGBoost model format ${JSON.stringify(String(format)).slice(0, 40)}: use json or ubjson`);
}
