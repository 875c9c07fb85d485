import { ModelError } from "../errors.js";

/** What a Linear Learner model predicts. @public */
export type PredictorType = "binary_classifier" | "regressor";

/**
 * One prediction, shaped like Linear Learner's JSON response entries.
 * @public
 */
export interface Prediction {
  /** Classifier: probability of class 1 (`sigmoid(x·w + b)`); regressor: `x·w + b`. */
  score: number;
  /** Classifier only: `score >= threshold ? 1 : 0`. */
  predictedLabel?: number;
}

/** A row-major matrix of features. @public */
export interface FeatureMatrix {
  /** `rows × featureDim` values, row after row. */
  data: ArrayLike<number>;
  /** Number of rows. */
  rows: number;
}

/** Rows to score: an array of rows, or a row-major matrix with its row count. @public */
export type PredictInput = ArrayLike<number>[] | FeatureMatrix;

/**
 * A loaded Linear Learner model (binary classifier or regressor), ready to score rows.
 * Shared by the local endpoint, the Lambda scorer and `fraud-train evaluate`.
 * @public
 */
export interface LinearLearnerModel {
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
}

/** Logistic function, stable for large |z|. @public */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

class Model implements LinearLearnerModel {
  readonly predictorType: PredictorType;
  readonly featureDim: number;
  readonly threshold: number;
  readonly weights: Float32Array;
  readonly bias: number;
  readonly lossType: string;

  constructor(p: LinearModelParams) {
    this.predictorType = p.predictorType;
    this.weights = Float32Array.from(p.weights);
    this.featureDim = this.weights.length;
    this.bias = Math.fround(p.bias);
    this.threshold = p.threshold ?? 0.5;
    this.lossType = p.lossType ?? (p.predictorType === "regressor" ? "squared_loss" : "logistic");
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
    const { data, rows } = input as FeatureMatrix;
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
  return new Model(params);
}
