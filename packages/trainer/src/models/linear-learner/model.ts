import type { Prediction } from "@fraud/contracts";
import { ModelError } from "../../errors.js";
import type { Model, ModelDescription } from "../model.js";
import type { InferenceProtocol } from "../protocol.js";
import { LINEAR_LEARNER_PROTOCOL } from "./protocol.js";

/** What a Linear Learner model predicts. @public */
export type PredictorType = "binary_classifier" | "regressor";

/** Rows given as a row-major matrix: `rows × featureDim` values (`cols`, when given, must be `featureDim`). @public */
export interface RowMajor {
  /** `rows × featureDim` values, row after row. */
  data: ArrayLike<number>;
  /** Number of rows. */
  rows: number;
  /** Features per row. */
  cols?: number;
}

/** Rows to score: an array of rows, or a row-major matrix (a `FeatureMatrix` of `@fraud/contracts` is one). @public */
export type PredictInput = ArrayLike<number>[] | RowMajor;

/**
 * A loaded Linear Learner model (binary classifier or regressor), ready to score rows.
 * Shared by the local endpoint, the Lambda scorer and `fraud-train evaluate`.
 * @public
 */
export interface LinearLearnerModel extends Model {
  /** Always `linear-learner`. */
  readonly algorithm: "linear-learner";
  /** `binary_classifier` or `regressor` (the same as {@link LinearLearnerModel.predictorType}). */
  readonly kind: PredictorType;
  /** `binary_classifier` or `regressor`. */
  readonly predictorType: PredictorType;
  /** Number of input features (rows of `fc0_weight`). */
  readonly featureDim: number;
  /** Decision threshold in probability space (classifiers; 0.5 in regressors' artifacts). */
  readonly threshold: number;
  /** `fc0_weight[:, 0]`, normalisation folded in. */
  readonly weights: Float32Array;
  /** `fc0_bias`. */
  readonly bias: number;
  /** `loss_type` from the artifact (e.g. `logistic`, `squared_loss`). */
  readonly lossType: string;
  /**
   * Scores rows.
   * @throws {@link ModelError} `BAD_FEATURE_COUNT` when a row does not have `featureDim` values.
   */
  predict(rows: PredictInput): Prediction[];
  /** Raw scores only (same as `predict(...).map(p => p.score)`), into a Float64Array. */
  scores(rows: PredictInput): Float64Array;
}

/** Fields needed to build a {@link LinearLearnerModel} in memory. @public */
export interface LinearModelParams {
  /** `binary_classifier` or `regressor`. */
  predictorType: PredictorType;
  /** One weight per feature. */
  weights: ArrayLike<number>;
  /** Intercept. */
  bias: number;
  /**
   * Threshold in probability space.
   * @defaultValue 0.5
   */
  threshold?: number;
  /**
   * Loss recorded in the artifact.
   * @defaultValue "logistic" for classifiers, "squared_loss" for regressors
   */
  lossType?: string;
  /** Where the model was read from, for {@link Model.describe}. */
  source?: ModelSource;
}

/** The artifact a model was read from. @public */
export interface ModelSource {
  /** Its name (a path, a URI or `model.tar.gz`). */
  name: string;
  /** Hex SHA-256 of its bytes. */
  sha256: string;
}

/** Logistic function, stable for large |z|. @public */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

class LinearModel implements LinearLearnerModel {
  readonly algorithm = "linear-learner" as const;
  readonly protocol: InferenceProtocol = LINEAR_LEARNER_PROTOCOL;
  readonly predictorType: PredictorType;
  readonly featureDim: number;
  readonly threshold: number;
  readonly weights: Float32Array;
  readonly bias: number;
  readonly lossType: string;
  private readonly source: ModelSource | undefined;

  constructor(p: LinearModelParams) {
    this.source = p.source;
    this.predictorType = p.predictorType;
    this.weights = Float32Array.from(p.weights);
    this.featureDim = this.weights.length;
    this.bias = Math.fround(p.bias);
    this.threshold = p.threshold ?? 0.5;
    this.lossType = p.lossType ?? (p.predictorType === "regressor" ? "squared_loss" : "logistic");
  }

  get kind(): PredictorType {
    return this.predictorType;
  }

  describe(): ModelDescription {
    return {
      algorithm: "linear-learner",
      kind: this.predictorType,
      featureDim: this.featureDim,
      threshold: this.threshold,
      format: "SageMaker Linear Learner (MXNet module in model_algo-1)",
      protocol: this.protocol.name,
      ...(this.source ? { sha256: this.source.sha256, source: this.source.name } : {}),
      details: { predictorType: this.predictorType, lossType: this.lossType, bias: this.bias },
    };
  }

  scores(input: PredictInput): Float64Array {
    const d = this.featureDim;
    const w = this.weights;
    const b = this.bias;
    const classify = this.predictorType === "binary_classifier";
    if (Array.isArray(input)) {
      const out = new Float64Array(input.length);
      for (let i = 0; i < input.length; i++) {
        const row = input[i]!;
        if (row.length !== d) throw new ModelError("BAD_FEATURE_COUNT", `row ${i} has ${row.length} features, the model expects ${d}`);
        let z = b;
        for (let j = 0; j < d; j++) z += row[j]! * w[j]!;
        out[i] = classify ? sigmoid(z) : z;
      }
      return out;
    }
    const { data, rows, cols } = input;
    if (cols !== undefined && cols !== d) throw new ModelError("BAD_FEATURE_COUNT", `rows have ${cols} features, the model expects ${d}`);
    if (!Number.isInteger(rows) || rows < 0 || data.length !== rows * d) {
      throw new ModelError("BAD_FEATURE_COUNT", `matrix of ${data.length} values is not ${rows} rows of ${d} features`);
    }
    const out = new Float64Array(rows);
    for (let i = 0, o = 0; i < rows; i++, o += d) {
      let z = b;
      for (let j = 0; j < d; j++) z += data[o + j]! * w[j]!;
      out[i] = classify ? sigmoid(z) : z;
    }
    return out;
  }

  predict(input: PredictInput): Prediction[] {
    const s = this.scores(input);
    const out: Prediction[] = new Array<Prediction>(s.length);
    if (this.predictorType === "binary_classifier") {
      for (let i = 0; i < s.length; i++) out[i] = { score: s[i]!, predictedLabel: s[i]! >= this.threshold ? 1 : 0 };
    } else {
      for (let i = 0; i < s.length; i++) out[i] = { score: s[i]! };
    }
    return out;
  }
}

/**
 * Builds a model from its parameters (no artifact involved).
 *
 * @example
 * ```ts
 * const model = createModel({ predictorType: "binary_classifier", weights: [0.5, -1], bias: 0.1, threshold: 0.3 });
 * model.predict([[1, 2]]); // [{ score: 0.182..., predictedLabel: 0 }]
 * ```
 * @throws {@link ModelError} `INVALID_ARGUMENT` for an empty or non-finite model.
 * @public
 */
export function createModel(params: LinearModelParams): LinearLearnerModel {
  if (params.predictorType !== "binary_classifier" && params.predictorType !== "regressor") {
    throw new ModelError("INVALID_ARGUMENT", `predictor type ${String(params.predictorType)} is not binary_classifier or regressor`);
  }
  if (params.weights.length === 0) throw new ModelError("INVALID_ARGUMENT", "a model needs at least one weight");
  for (let i = 0; i < params.weights.length; i++) {
    if (!Number.isFinite(params.weights[i])) throw new ModelError("INVALID_ARGUMENT", `weight ${i} is not finite: ${params.weights[i]}`);
  }
  if (!Number.isFinite(params.bias)) throw new ModelError("INVALID_ARGUMENT", `bias is not finite: ${params.bias}`);
  const t = params.threshold ?? 0.5;
  if (!(t >= 0 && t <= 1)) throw new ModelError("INVALID_ARGUMENT", `threshold ${t} is outside [0, 1]`);
  return new LinearModel(params);
}
