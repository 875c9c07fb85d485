/**
 * A loaded XGBoost model as the rest of the system sees it ({@link Model}): the booster compiled
 * for prediction, its threshold, the container's protocol, and how to save it as SageMaker's
 * XGBoost `model.tar.gz`.
 * @packageDocumentation
 */
import type { FeatureMatrix, Prediction } from "@fraud/contracts";
import { ModelError } from "../../errors.js";
import { writeGzip, writeTar } from "../../model/archive.js";
import type { Model, ModelDescription } from "../model.js";
import type { XGBoostBooster } from "./booster.js";
import { XGBoostPredictor } from "./predict.js";
import { XGBOOST_PROTOCOL } from "./protocol.js";
import type { XGBoostFormat } from "./read.js";
import { encodeXGBoostModel } from "./write.js";

/** The tar member SageMaker's XGBoost container reads and writes. @public */
export const XGBOOST_MEMBER = "xgboost-model";

/**
 * The learner attribute our models record their decision threshold in (XGBoost keeps attributes
 * with the model and the container ignores them); 0.5 when absent, as in the AWS solution.
 * @public
 */
export const THRESHOLD_ATTRIBUTE = "fraud_threshold";

/** Where a model came from, for {@link Model.describe}. @internal */
export interface XGBoostOrigin {
  format: XGBoostFormat;
  source?: string;
  sha256?: string;
}

/**
 * An XGBoost binary classifier (`binary:logistic`, `reg:logistic`; `binary:logitraw` scores are
 * margins): scores are XGBoost 1.7.4's predictions within 1e-5.
 * @public
 */
export class XGBoostModel implements Model {
  /** Always `xgboost`. */
  readonly algorithm = "xgboost" as const;
  /** `binary_classifier` (probabilities), or `regressor` for `binary:logitraw` (margins). */
  readonly kind: "binary_classifier" | "regressor";
  /** Features every row must have (`num_feature`). */
  readonly featureDim: number;
  /** Decision threshold on the probability. */
  readonly threshold: number;
  /** The XGBoost container's protocol. */
  readonly protocol = XGBOOST_PROTOCOL;
  /** The booster (the threshold is recorded in its attributes when saved). */
  readonly booster: XGBoostBooster;
  private readonly predictor: XGBoostPredictor;
  private readonly origin: XGBoostOrigin;

  /**
   * @param booster - The booster.
   * @param threshold - Decision threshold; by default the booster's recorded one, else 0.5.
   * @param origin - Format and source, for {@link XGBoostModel.describe}.
   * @throws {@link ModelError} `INVALID_ARGUMENT` for a threshold outside [0, 1].
   */
  constructor(booster: XGBoostBooster, threshold?: number, origin: XGBoostOrigin = { format: "json" }) {
    const recorded = booster.attributes[THRESHOLD_ATTRIBUTE];
    const t = threshold ?? (recorded !== undefined && recorded.trim() !== "" ? Number(recorded) : 0.5);
    if (!(t >= 0 && t <= 1)) throw new ModelError(threshold === undefined ? "MODEL_CORRUPT" : "INVALID_ARGUMENT", `threshold ${String(threshold ?? recorded).slice(0, 40)} is outside [0, 1]`);
    this.booster = booster;
    this.threshold = t;
    this.kind = booster.objective === "binary:logitraw" ? "regressor" : "binary_classifier";
    this.featureDim = booster.numFeature;
    this.predictor = new XGBoostPredictor(booster);
    this.origin = origin;
  }

  /** Algorithm, kind, features, threshold, format, trees and version. */
  describe(): ModelDescription {
    const v = this.booster.version;
    return {
      algorithm: "xgboost",
      kind: this.kind,
      featureDim: this.featureDim,
      threshold: this.threshold,
      format: `XGBoost ${{ binf: "legacy binary (binf)", json: "JSON", ubjson: "UBJSON" }[this.origin.format]} model in ${XGBOOST_MEMBER}`,
      protocol: this.protocol.name,
      ...(this.origin.sha256 !== undefined ? { sha256: this.origin.sha256 } : {}),
      ...(this.origin.source !== undefined ? { source: this.origin.source } : {}),
      details: { objective: this.booster.objective, trees: this.booster.trees.length, baseScore: this.booster.baseScore, version: v ? v.join(".") : null },
    };
  }

  /** Probabilities (margins for `binary:logitraw`), NaN = missing. */
  scores(matrix: FeatureMatrix): Float64Array {
    if (typeof matrix !== "object" || matrix === null || !(matrix.data instanceof Float64Array || matrix.data instanceof Float32Array)) {
      throw new ModelError("INVALID_ARGUMENT", "scores needs a feature matrix { data: Float64Array | Float32Array, rows, cols }");
    }
    return this.predictor.probabilities(matrix);
  }

  /** Scores with `predictedLabel = score >= threshold` (classifiers). */
  predict(matrix: FeatureMatrix): Prediction[] {
    const s = this.scores(matrix);
    const out = new Array<Prediction>(s.length);
    const classify = this.kind === "binary_classifier";
    for (let i = 0; i < s.length; i++) out[i] = classify ? { score: s[i]!, predictedLabel: s[i]! >= this.threshold ? 1 : 0 } : { score: s[i]! };
    return out;
  }
}

/**
 * A `model.tar.gz` as SageMaker's XGBoost 1.7-1 container writes and reads it: one member,
 * `xgboost-model`, here in XGBoost's JSON model format (which 1.7's `Booster.load_model` reads from
 * that extension-less file), the threshold recorded as a learner attribute.
 *
 * @example
 * ```ts
 * await writeFile("model.tar.gz", encodeXGBoostArtifact(booster, 0.42));
 * ```
 * @throws {@link ModelError} `INVALID_ARGUMENT` for a malformed booster or a threshold outside [0, 1].
 * @public
 */
export function encodeXGBoostArtifact(booster: XGBoostBooster, threshold = 0.5, options: { format?: "json" | "ubjson"; mtime?: Date } = {}): Uint8Array {
  if (!(threshold >= 0 && threshold <= 1)) throw new ModelError("INVALID_ARGUMENT", `threshold ${String(threshold).slice(0, 40)} is outside [0, 1]`);
  const withThreshold: XGBoostBooster = { ...booster, attributes: { ...booster.attributes, [THRESHOLD_ATTRIBUTE]: String(threshold) } };
  const member = encodeXGBoostModel(withThreshold, options.format ?? "json");
  return writeGzip(writeTar(XGBOOST_MEMBER, member, options.mtime ?? new Date(0)));
}
