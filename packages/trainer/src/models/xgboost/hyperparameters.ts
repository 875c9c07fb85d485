// SageMaker XGBoost's hyperparameters (names, meanings, ranges and defaults of the 1.7-1
// container), validated one by one with a one-line error naming the value. Values arrive as
// SageMaker passes them: strings, or numbers.
import { TrainError } from "../../errors.js";
import { clip } from "../../text.js";

/** The evaluation metrics early stopping may watch. @public */
export type XGBoostEvalMetric = "logloss" | "aucpr" | "auc" | "error";

/**
 * XGBoost hyperparameters after validation, with SageMaker's names and defaults.
 * @public
 */
export interface XGBoostHyperparameters {
  /**
   * Boosting rounds (trees). Required by SageMaker; locally it defaults to 100.
   * @defaultValue 100
   */
  num_round: number;
  /** Learning rate, [0, 1]. @defaultValue 0.3 */
  eta: number;
  /** Minimum loss reduction to keep a split (`min_split_loss`), ≥ 0. @defaultValue 0 */
  gamma: number;
  /** Deepest tree, 1–24 (0, "no limit", needs the lossguide policy, which is not offered). @defaultValue 6 */
  max_depth: number;
  /** Minimum hessian sum of a child, ≥ 0. @defaultValue 1 */
  min_child_weight: number;
  /** Largest absolute leaf weight before the learning rate, ≥ 0 (0 = no limit). @defaultValue 0 */
  max_delta_step: number;
  /** Share of rows sampled for each tree, (0, 1]. @defaultValue 1 */
  subsample: number;
  /** Share of features sampled for each tree, (0, 1]. @defaultValue 1 */
  colsample_bytree: number;
  /** Share of the tree's features sampled for each level, (0, 1]. @defaultValue 1 */
  colsample_bylevel: number;
  /** Share of the level's features sampled for each node, (0, 1]. @defaultValue 1 */
  colsample_bynode: number;
  /** L2 regularisation of the leaf weights, ≥ 0. @defaultValue 1 */
  lambda: number;
  /** L1 regularisation of the leaf weights, ≥ 0. @defaultValue 0 */
  alpha: number;
  /** Weight of positive rows in the gradient, > 0. @defaultValue 1 */
  scale_pos_weight: number;
  /** Histogram bins per feature, 2–256. @defaultValue 256 */
  max_bin: number;
  /** Initial prediction (a probability), (0, 1). @defaultValue 0.5 */
  base_score: number;
  /** The objective; all three train the logistic loss. @defaultValue "binary:logistic" */
  objective: "binary:logistic" | "reg:logistic" | "binary:logitraw";
  /** Metric watched on the validation set. @defaultValue "logloss" */
  eval_metric: XGBoostEvalMetric;
  /** Stop when the validation metric has not improved for this many rounds; null = never. @defaultValue null */
  early_stopping_rounds: number | null;
  /** Random seed of row and feature sampling. @defaultValue 0 */
  seed: number;
}

/** The local default of `num_round` (SageMaker requires it). @public */
export const XGBOOST_DEFAULT_NUM_ROUND = 100;

type Spec =
  | { t: "int"; min: number; max?: number; def: number | null }
  | { t: "float"; min: number; minOpen?: boolean; max?: number; maxOpen?: boolean; def: number }
  | { t: "enum"; values: readonly string[]; def: string; unsupported?: Readonly<Record<string, string>> };

const SPECS: Readonly<Record<string, Spec>> = {
  num_round: { t: "int", min: 1, max: 100_000, def: XGBOOST_DEFAULT_NUM_ROUND },
  eta: { t: "float", min: 0, max: 1, def: 0.3 },
  gamma: { t: "float", min: 0, def: 0 },
  max_depth: { t: "int", min: 1, max: 24, def: 6 },
  min_child_weight: { t: "float", min: 0, def: 1 },
  max_delta_step: { t: "float", min: 0, def: 0 },
  subsample: { t: "float", min: 0, minOpen: true, max: 1, def: 1 },
  colsample_bytree: { t: "float", min: 0, minOpen: true, max: 1, def: 1 },
  colsample_bylevel: { t: "float", min: 0, minOpen: true, max: 1, def: 1 },
  colsample_bynode: { t: "float", min: 0, minOpen: true, max: 1, def: 1 },
  lambda: { t: "float", min: 0, def: 1 },
  alpha: { t: "float", min: 0, def: 0 },
  scale_pos_weight: { t: "float", min: 0, minOpen: true, def: 1 },
  max_bin: { t: "int", min: 2, max: 256, def: 256 },
  base_score: { t: "float", min: 0, minOpen: true, max: 1, maxOpen: true, def: 0.5 },
  objective: {
    t: "enum",
    values: ["binary:logistic", "reg:logistic", "binary:logitraw", "reg:squarederror", "reg:linear", "binary:hinge", "multi:softmax", "multi:softprob", "count:poisson", "rank:pairwise", "reg:gamma", "reg:tweedie", "survival:cox", "reg:absoluteerror", "reg:pseudohubererror", "reg:squaredlogerror"],
    def: "binary:logistic",
    unsupported: Object.fromEntries(["reg:squarederror", "reg:linear", "binary:hinge", "multi:softmax", "multi:softprob", "count:poisson", "rank:pairwise", "reg:gamma", "reg:tweedie", "survival:cox", "reg:absoluteerror", "reg:pseudohubererror", "reg:squaredlogerror"].map((o) => [o, "this trainer only trains binary:logistic, reg:logistic and binary:logitraw"])),
  },
  eval_metric: { t: "enum", values: ["logloss", "aucpr", "auc", "error", "rmse", "mae", "map", "ndcg", "merror", "mlogloss"], def: "logloss", unsupported: Object.fromEntries(["rmse", "mae", "map", "ndcg", "merror", "mlogloss"].map((m) => [m, "this trainer watches logloss, aucpr, auc or error"])) },
  early_stopping_rounds: { t: "int", min: 1, max: 100_000, def: null },
  seed: { t: "int", min: -(2 ** 31), max: 2 ** 31 - 1, def: 0 },
  booster: { t: "enum", values: ["gbtree", "gblinear", "dart"], def: "gbtree", unsupported: { gblinear: "only gbtree is trained here", dart: "only gbtree is trained here" } },
  tree_method: { t: "enum", values: ["auto", "hist", "approx", "exact", "gpu_hist"], def: "hist", unsupported: { exact: "this trainer builds histograms (use hist)", gpu_hist: "this trainer runs on the CPU (use hist)" } },
  grow_policy: { t: "enum", values: ["depthwise", "lossguide"], def: "depthwise", unsupported: { lossguide: "this trainer grows depthwise" } },
  sampling_method: { t: "enum", values: ["uniform", "gradient_based"], def: "uniform", unsupported: { gradient_based: "it needs a GPU" } },
  num_parallel_tree: { t: "int", min: 1, max: 1, def: 1 },
  max_leaves: { t: "int", min: 0, max: 0, def: 0 },
  nthread: { t: "int", min: 1, max: 1024, def: 1 },
  verbosity: { t: "int", min: 0, max: 3, def: 1 },
  silent: { t: "int", min: 0, max: 1, def: 0 },
  csv_weights: { t: "int", min: 0, max: 0, def: 0 },
  process_type: { t: "enum", values: ["default", "update"], def: "default", unsupported: { update: "this trainer grows new trees only" } },
};

/** Names of the accepted hyperparameters, sorted. @public */
export const XGBOOST_HYPERPARAMETER_NAMES: readonly string[] = Object.keys(SPECS).sort();

function range(s: Spec): string {
  if (s.t === "enum") return `one of ${s.values.filter((v) => !s.unsupported?.[v]).join(", ")}`;
  const lo = s.t === "float" && s.minOpen ? "(" : "[";
  const hi = s.t === "float" && s.maxOpen ? ")" : "]";
  const kind = s.t === "int" ? "an integer" : "a number";
  return s.max === undefined ? `${kind} ${lo === "(" ? ">" : ">="} ${s.min}` : `${kind} in ${lo}${s.min}, ${s.max}${hi}`;
}

function parseOne(name: string, raw: string | number, s: Spec): string | number {
  const v = String(raw).trim();
  const bad = (): never => {
    throw new TrainError("INVALID_ARGUMENT", `hyperparameter ${clip(name)}=${clip(String(raw))} is not valid: must be ${range(s)}`);
  };
  if (s.t === "enum") {
    if (!s.values.includes(v)) bad();
    const why = s.unsupported?.[v];
    if (why !== undefined) throw new TrainError("INVALID_ARGUMENT", `hyperparameter ${name}=${v} is valid for SageMaker but ${why}`);
    return v;
  }
  if (s.t === "int" && !/^[+-]?\d+$/.test(v)) bad();
  const n = v === "" ? NaN : Number(v);
  if (!Number.isFinite(n)) bad();
  if (s.t === "int" && !Number.isSafeInteger(n)) bad();
  const minOpen = s.t === "float" && s.minOpen;
  const maxOpen = s.t === "float" && s.maxOpen;
  if (minOpen ? n <= s.min : n < s.min) bad();
  if (s.max !== undefined && (maxOpen ? n >= s.max : n > s.max)) bad();
  return n;
}

/**
 * Validates XGBoost hyperparameters (SageMaker's names; values as strings or numbers) and fills
 * the defaults.
 *
 * @example
 * ```ts
 * parseXGBoostHyperparameters({ max_depth: "5", eta: "0.2", gamma: "4", min_child_weight: "6", subsample: "0.8", num_round: "100" });
 * ```
 * @throws {@link TrainError} `INVALID_ARGUMENT` naming the parameter, the value and its range.
 * @public
 */
export function parseXGBoostHyperparameters(input: Readonly<Record<string, string | number | null>> = {}): XGBoostHyperparameters {
  if (typeof input !== "object" || input === null) throw new TrainError("INVALID_ARGUMENT", `hyperparameters must be an object of name → value, got ${clip(String(input))}`);
  const got: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(input)) {
    const spec = SPECS[name];
    if (value === null && spec !== undefined && spec.def === null) continue;
    if (spec === undefined) throw new TrainError("INVALID_ARGUMENT", `unknown XGBoost hyperparameter ${clip(name)} (valid: ${XGBOOST_HYPERPARAMETER_NAMES.join(", ")})`);
    if (typeof value !== "string" && typeof value !== "number") throw new TrainError("INVALID_ARGUMENT", `hyperparameter ${clip(name)} must be a string or a number, got ${typeof value}`);
    got[name] = parseOne(name, value, spec);
  }
  const get = <T extends string | number | null>(name: string): T => (got[name] ?? SPECS[name]!.def) as T;
  return {
    num_round: get("num_round"),
    eta: get("eta"),
    gamma: get("gamma"),
    max_depth: get("max_depth"),
    min_child_weight: get("min_child_weight"),
    max_delta_step: get("max_delta_step"),
    subsample: get("subsample"),
    colsample_bytree: get("colsample_bytree"),
    colsample_bylevel: get("colsample_bylevel"),
    colsample_bynode: get("colsample_bynode"),
    lambda: get("lambda"),
    alpha: get("alpha"),
    scale_pos_weight: get("scale_pos_weight"),
    max_bin: get("max_bin"),
    base_score: get("base_score"),
    objective: get("objective"),
    eval_metric: get("eval_metric"),
    early_stopping_rounds: get("early_stopping_rounds"),
    seed: get("seed"),
  };
}
