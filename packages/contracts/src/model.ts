/**
 * What a model is to the rest of the system: its algorithm (named as SageMaker names it), its kind,
 * the rows it scores and the predictions it returns. The model implementations live in
 * `@fraud/trainer/model`; every package that scores, serves or deploys uses these types.
 * @packageDocumentation
 */

/**
 * The model kinds this project trains, serves and deploys, named as SageMaker names the built-in
 * algorithms (`fraud-train local --algorithm NAME`). The first is the default.
 * @public
 */
export const ALGORITHMS = ["linear-learner", "xgboost", "randomcutforest"] as const;

/** One of {@link ALGORITHMS}. @public */
export type Algorithm = (typeof ALGORITHMS)[number];

/** The default algorithm: `linear-learner`. @public */
export const DEFAULT_ALGORITHM: Algorithm = "linear-learner";

/**
 * True when `name` is one of {@link ALGORITHMS}.
 * @example
 * ```ts
 * isAlgorithm("xgboost"); // true
 * ```
 * @public
 */
export function isAlgorithm(name: unknown): name is Algorithm {
  return typeof name === "string" && (ALGORITHMS as readonly string[]).includes(name);
}

/**
 * What a model's score means:
 * - `binary_classifier`: `score` is the probability of class 1 (fraud) and `predictedLabel` is
 *   `score >= threshold ? 1 : 0`;
 * - `regressor`: `score` is the predicted value, no label;
 * - `anomaly_detector`: `score` is an anomaly score (higher is more anomalous) and
 *   `predictedLabel` is 1 when the score is at or above the model's anomaly threshold.
 * @public
 */
export type ModelKind = "binary_classifier" | "regressor" | "anomaly_detector";

/**
 * One prediction for one row.
 * @public
 */
export interface Prediction {
  /** Probability of fraud (classifier), the value (regressor) or the anomaly score (anomaly detector). */
  score: number;
  /** Classifier: the predicted class; anomaly detector: 1 when anomalous; absent for regressors. */
  predictedLabel?: number | undefined;
}

/**
 * Rows to score: `rows × cols` values, row after row. A missing value is `NaN` (models that
 * support missing values, such as XGBoost, send it down the tree's default direction).
 * @public
 */
export interface FeatureMatrix {
  /** Row-major values, `data.length === rows * cols`. */
  data: Float64Array | Float32Array;
  /** Number of rows. */
  rows: number;
  /** Features per row. */
  cols: number;
}
