import {
  ADAM_BETA_1,
  ADAM_BETA_2,
  BIAS_LR_MULT,
  BIAS_WD_MULT,
  LR_SCHEDULER_FACTOR,
  LR_SCHEDULER_MINIMUM_LR,
  LR_SCHEDULER_STEP,
  NUM_MODELS,
  SGD_MOMENTUM,
} from "./constants.js";
import { TrainError } from "./errors.js";
import { clip, quote } from "./text.js";

/** How each Linear Learner model-selection criterion is named. @public */
export type SelectionCriterion = "accuracy" | "f_beta" | "precision_at_target_recall" | "recall_at_target_precision" | "loss_function";

/**
 * Linear Learner hyperparameters after validation, with every `auto` resolved to what this trainer
 * uses (see the package README for the `auto` choices, which SageMaker does not document).
 * @public
 */
export interface Hyperparameters {
  /** Only `binary_classifier` is trained here. */
  predictor_type: "binary_classifier";
  /** Number of features; `auto` takes the data's. */
  feature_dim: number | "auto";
  /** Passes over the training data. @defaultValue 15 */
  epochs: number;
  /** Rows per mini-batch. @defaultValue 1000 */
  mini_batch_size: number;
  /** Models trained in parallel; `auto` = 8 (SageMaker's logs show 32 on GPU-backed hosts). */
  num_models: number;
  /** `auto` = adam. */
  optimizer: "adam" | "sgd" | "rmsprop";
  /** `auto` = logistic. */
  loss: "logistic";
  /** Model 0's learning rate; `auto` = 0.01 for adam/rmsprop, 0.1 for sgd, and a log-uniform spread for the others. */
  learning_rate: number | "auto";
  /** L1 penalty; `auto` = 0 for model 0, spread for the others. */
  l1: number | "auto";
  /** L2 penalty (weight decay); `auto` = 0 for model 0, spread for the others. */
  wd: number | "auto";
  /** Adam β1; `auto` = 0.9. */
  beta_1: number;
  /** Adam β2; `auto` = 0.999. */
  beta_2: number;
  /** SGD momentum; `auto` = 0. */
  momentum: number;
  /** Bias learning-rate multiplier; `auto` = 10. */
  bias_lr_mult: number;
  /** Bias weight-decay multiplier; `auto` = 0. */
  bias_wd_mult: number;
  /** Decay the learning rate every `lr_scheduler_step` mini-batches. @defaultValue true */
  use_lr_scheduler: boolean;
  /** `auto` = 100. */
  lr_scheduler_step: number;
  /** `auto` = 0.99. */
  lr_scheduler_factor: number;
  /** `auto` = 1e-5. */
  lr_scheduler_minimum_lr: number;
  /** Standardise features from a sample. `auto` = true. */
  normalize_data: boolean;
  /** Subtract the feature mean when normalising. `auto` = true (with a bias). */
  unbias_data: boolean;
  /** Rows sampled to compute the normalisation. @defaultValue 10000 */
  num_point_for_scaler: number;
  /** Learn a bias term. @defaultValue true */
  use_bias: boolean;
  /** Weight of positive examples in the loss: a number, `balanced` (n_neg / n_pos), or `auto`. */
  positive_example_weight_mult: number | "balanced" | "auto";
  /** Model selection and threshold tuning criterion. @defaultValue "accuracy" */
  binary_classifier_model_selection_criteria: SelectionCriterion;
  /** β of the F-beta criterion. @defaultValue 1 */
  f_beta: number;
  /** Recall floor of `precision_at_target_recall`. @defaultValue 0.8 */
  target_recall: number;
  /** Precision floor of `recall_at_target_precision`. @defaultValue 0.8 */
  target_precision: number;
  /** Epochs without relative improvement before stopping. @defaultValue 3 */
  early_stopping_patience: number;
  /** Relative validation-loss improvement that counts. @defaultValue 0.001 */
  early_stopping_tolerance: number;
  /** Validation rows used for threshold tuning; `auto` = all. */
  num_calibration_samples: number | "auto";
  /** `uniform` or `normal`. @defaultValue "uniform" */
  init_method: "uniform" | "normal";
  /** Half-width of the uniform initialisation. @defaultValue 0.07 */
  init_scale: number;
  /** Standard deviation of the normal initialisation. @defaultValue 0.01 */
  init_sigma: number;
  /** Initial bias. @defaultValue 0 */
  init_bias: number;
}

type Kind =
  | { t: "enum"; values: readonly string[]; unsupported?: Record<string, string> }
  | { t: "int"; min: number; max?: number; auto?: boolean }
  | { t: "float"; min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean; auto?: boolean; extra?: readonly string[] }
  | { t: "bool"; auto?: boolean };

interface Spec {
  kind: Kind;
  def: string;
  /** Accepted for compatibility, no effect on binary classification. */
  inert?: boolean;
}

const BIN = "binary_classifier";
const SPECS: Record<string, Spec> = {
  predictor_type: {
    kind: { t: "enum", values: [BIN, "multiclass_classifier", "regressor"], unsupported: { multiclass_classifier: "only binary_classifier is trained locally", regressor: "only binary_classifier is trained locally" } },
    def: BIN,
  },
  feature_dim: { kind: { t: "int", min: 1, auto: true }, def: "auto" },
  num_classes: { kind: { t: "int", min: 3, max: 1_000_000 }, def: "3", inert: true },
  accuracy_top_k: { kind: { t: "int", min: 1, max: 1_000_000 }, def: "3", inert: true },
  balance_multiclass_weights: { kind: { t: "bool" }, def: "false", inert: true },
  beta_1: { kind: { t: "float", min: 0, max: 1, maxExclusive: true, auto: true }, def: "auto" },
  beta_2: { kind: { t: "float", min: 0, max: 1, maxExclusive: true, auto: true }, def: "auto" },
  bias_lr_mult: { kind: { t: "float", min: 0, minExclusive: true, auto: true }, def: "auto" },
  bias_wd_mult: { kind: { t: "float", min: 0, auto: true }, def: "auto" },
  binary_classifier_model_selection_criteria: {
    kind: { t: "enum", values: ["accuracy", "f_beta", "precision_at_target_recall", "recall_at_target_precision", "loss_function", "f1", "cross_entropy_loss"] },
    def: "accuracy",
  },
  early_stopping_patience: { kind: { t: "int", min: 1 }, def: "3" },
  early_stopping_tolerance: { kind: { t: "float", min: 0, minExclusive: true }, def: "0.001" },
  epochs: { kind: { t: "int", min: 1 }, def: "15" },
  f_beta: { kind: { t: "float", min: 0, minExclusive: true }, def: "1.0" },
  huber_delta: { kind: { t: "float", min: 0 }, def: "1.0", inert: true },
  init_bias: { kind: { t: "float" }, def: "0" },
  init_method: { kind: { t: "enum", values: ["uniform", "normal"] }, def: "uniform" },
  init_scale: { kind: { t: "float", min: 0, minExclusive: true }, def: "0.07" },
  init_sigma: { kind: { t: "float", min: 0, minExclusive: true }, def: "0.01" },
  l1: { kind: { t: "float", min: 0, auto: true }, def: "auto" },
  learning_rate: { kind: { t: "float", min: 0, minExclusive: true, auto: true }, def: "auto" },
  loss: {
    kind: {
      t: "enum",
      values: ["auto", "logistic", "squared_loss", "absolute_loss", "hinge_loss", "eps_insensitive_squared_loss", "eps_insensitive_absolute_loss", "quantile_loss", "huber_loss", "softmax_loss"],
      unsupported: {
        squared_loss: "a regression loss; binary_classifier uses logistic",
        absolute_loss: "a regression loss; binary_classifier uses logistic",
        eps_insensitive_squared_loss: "a regression loss; binary_classifier uses logistic",
        eps_insensitive_absolute_loss: "a regression loss; binary_classifier uses logistic",
        quantile_loss: "a regression loss; binary_classifier uses logistic",
        huber_loss: "a regression loss; binary_classifier uses logistic",
        softmax_loss: "a multiclass loss; binary_classifier uses logistic",
        hinge_loss: "not supported locally (its scores are not probabilities)",
      },
    },
    def: "auto",
  },
  loss_insensitivity: { kind: { t: "float", min: 0, minExclusive: true }, def: "0.01", inert: true },
  lr_scheduler_factor: { kind: { t: "float", min: 0, max: 1, minExclusive: true, maxExclusive: true, auto: true }, def: "auto" },
  lr_scheduler_minimum_lr: { kind: { t: "float", min: 0, minExclusive: true, auto: true }, def: "auto" },
  lr_scheduler_step: { kind: { t: "int", min: 1, auto: true }, def: "auto" },
  margin: { kind: { t: "float", min: 0 }, def: "1.0", inert: true },
  mini_batch_size: { kind: { t: "int", min: 1 }, def: "1000" },
  momentum: { kind: { t: "float", min: 0, max: 1, maxExclusive: true, auto: true }, def: "auto" },
  normalize_data: { kind: { t: "bool", auto: true }, def: "true" },
  normalize_label: { kind: { t: "bool", auto: true }, def: "auto", inert: true },
  num_calibration_samples: { kind: { t: "int", min: 1, auto: true }, def: "auto" },
  num_models: { kind: { t: "int", min: 1, max: 1024, auto: true }, def: "auto" },
  num_point_for_scaler: { kind: { t: "int", min: 1 }, def: "10000" },
  optimizer: { kind: { t: "enum", values: ["auto", "adam", "sgd", "rmsprop"] }, def: "auto" },
  positive_example_weight_mult: { kind: { t: "float", min: 0, minExclusive: true, auto: true, extra: ["balanced"] }, def: "1.0" },
  quantile: { kind: { t: "float", min: 0, max: 1, minExclusive: true, maxExclusive: true }, def: "0.5", inert: true },
  target_precision: { kind: { t: "float", min: 0, max: 1, minExclusive: true, maxExclusive: true }, def: "0.8" },
  target_recall: { kind: { t: "float", min: 0, max: 1, minExclusive: true, maxExclusive: true }, def: "0.8" },
  unbias_data: { kind: { t: "bool", auto: true }, def: "auto" },
  unbias_label: { kind: { t: "bool", auto: true }, def: "auto", inert: true },
  use_bias: { kind: { t: "bool" }, def: "true" },
  use_lr_scheduler: { kind: { t: "bool" }, def: "true" },
  wd: { kind: { t: "float", min: 0, auto: true }, def: "auto" },
};

/** Every hyperparameter name Linear Learner accepts, sorted. @public */
export const HYPERPARAMETER_NAMES: readonly string[] = Object.keys(SPECS).sort();

function describe(kind: Kind): string {
  const auto = "auto" in kind && kind.auto ? "'auto' or " : "";
  switch (kind.t) {
    case "enum":
      return `one of ${kind.values.join(", ")}`;
    case "bool":
      return `${auto}true or false`;
    case "int":
      return `${auto}an integer ${kind.max === undefined ? `>= ${kind.min}` : `in [${kind.min}, ${kind.max}]`}`;
    case "float": {
      const extra = kind.extra ? `${kind.extra.map((e) => `'${e}'`).join(", ")}, ` : "";
      if (kind.min === undefined && kind.max === undefined) return `${extra}${auto}a number`;
      if (kind.max === undefined) return `${extra}${auto}a number ${kind.minExclusive ? ">" : ">="} ${kind.min}`;
      return `${extra}${auto}a number in ${kind.minExclusive ? "(" : "["}${kind.min ?? "-inf"}, ${kind.max}${kind.maxExclusive ? ")" : "]"}`;
    }
  }
}

function bad(name: string, value: string, kind: Kind): never {
  throw new TrainError("INVALID_ARGUMENT", `hyperparameter ${clip(name)}=${clip(value)} is not valid: must be ${describe(kind)}`);
}

function parseValue(name: string, raw: string, kind: Kind): string | number | boolean {
  const v = raw.trim();
  if ("auto" in kind && kind.auto && v === "auto") return "auto";
  switch (kind.t) {
    case "enum": {
      if (!kind.values.includes(v)) bad(name, raw, kind);
      const why = kind.unsupported?.[v];
      if (why !== undefined) throw new TrainError("INVALID_ARGUMENT", `hyperparameter ${name}=${v} is valid for SageMaker but ${why}`);
      return v;
    }
    case "bool": {
      const l = v.toLowerCase();
      if (l === "true") return true;
      if (l === "false") return false;
      return bad(name, raw, kind);
    }
    case "int": {
      if (!/^[+-]?\d+$/.test(v)) bad(name, raw, kind);
      const n = Number(v);
      if (!Number.isSafeInteger(n) || n < kind.min || (kind.max !== undefined && n > kind.max)) bad(name, raw, kind);
      return n;
    }
    case "float": {
      if (kind.extra?.includes(v)) return v;
      const n = v === "" ? NaN : Number(v);
      if (!Number.isFinite(n)) bad(name, raw, kind);
      if (kind.min !== undefined && (kind.minExclusive ? n <= kind.min : n < kind.min)) bad(name, raw, kind);
      if (kind.max !== undefined && (kind.maxExclusive ? n >= kind.max : n > kind.max)) bad(name, raw, kind);
      return n;
    }
  }
}

/**
 * Validates Linear Learner hyperparameters (values as SageMaker receives them: strings, or numbers
 * and booleans) and resolves defaults and `auto`.
 *
 * @example
 * ```ts
 * const hp = parseHyperparameters({ mini_batch_size: "200", binary_classifier_model_selection_criteria: "precision_at_target_recall", target_recall: 0.9 });
 * ```
 * @throws {@link TrainError} `INVALID_ARGUMENT` naming the parameter and its valid range.
 * @public
 */
export function parseHyperparameters(input: Readonly<Record<string, string | number | boolean>> = {}): Hyperparameters {
  const raw: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(input)) {
    const spec = SPECS[name];
    if (spec === undefined) {
      throw new TrainError("INVALID_ARGUMENT", `unknown hyperparameter ${clip(name)} (valid: ${HYPERPARAMETER_NAMES.join(", ")})`);
    }
    raw[name] = parseValue(name, String(value), spec.kind);
  }
  const get = (name: string): string | number | boolean => raw[name] ?? parseValue(name, SPECS[name]!.def, SPECS[name]!.kind);
  const num = (name: string, auto: number): number => {
    const v = get(name);
    return v === "auto" ? auto : (v as number);
  };
  const bool = (name: string, auto: boolean): boolean => {
    const v = get(name);
    return v === "auto" ? auto : (v as boolean);
  };
  const opt = get("optimizer");
  const optimizer = (opt === "auto" ? "adam" : opt) as Hyperparameters["optimizer"];
  let criterion = get("binary_classifier_model_selection_criteria") as string;
  if (criterion === "f1") criterion = "f_beta";
  if (criterion === "cross_entropy_loss") criterion = "loss_function";
  const useBias = bool("use_bias", true);
  const pw = get("positive_example_weight_mult");
  return {
    predictor_type: "binary_classifier",
    feature_dim: get("feature_dim") as number | "auto",
    epochs: num("epochs", 15),
    mini_batch_size: num("mini_batch_size", 1000),
    num_models: num("num_models", NUM_MODELS),
    optimizer,
    loss: "logistic",
    learning_rate: get("learning_rate") as number | "auto",
    l1: get("l1") as number | "auto",
    wd: get("wd") as number | "auto",
    beta_1: num("beta_1", ADAM_BETA_1),
    beta_2: num("beta_2", ADAM_BETA_2),
    momentum: num("momentum", SGD_MOMENTUM),
    bias_lr_mult: num("bias_lr_mult", BIAS_LR_MULT),
    bias_wd_mult: num("bias_wd_mult", BIAS_WD_MULT),
    use_lr_scheduler: bool("use_lr_scheduler", true),
    lr_scheduler_step: num("lr_scheduler_step", LR_SCHEDULER_STEP),
    lr_scheduler_factor: num("lr_scheduler_factor", LR_SCHEDULER_FACTOR),
    lr_scheduler_minimum_lr: num("lr_scheduler_minimum_lr", LR_SCHEDULER_MINIMUM_LR),
    normalize_data: bool("normalize_data", true),
    unbias_data: bool("unbias_data", useBias),
    num_point_for_scaler: num("num_point_for_scaler", 10000),
    use_bias: useBias,
    positive_example_weight_mult: pw as number | "balanced" | "auto",
    binary_classifier_model_selection_criteria: criterion as SelectionCriterion,
    f_beta: num("f_beta", 1),
    target_recall: num("target_recall", 0.8),
    target_precision: num("target_precision", 0.8),
    early_stopping_patience: num("early_stopping_patience", 3),
    early_stopping_tolerance: num("early_stopping_tolerance", 0.001),
    num_calibration_samples: get("num_calibration_samples") as number | "auto",
    init_method: get("init_method") as "uniform" | "normal",
    init_scale: num("init_scale", 0.07),
    init_sigma: num("init_sigma", 0.01),
    init_bias: num("init_bias", 0),
  };
}

/**
 * Parses `key=value` strings (the CLI's repeated `--hp`) into a record for {@link parseHyperparameters}.
 * @throws {@link TrainError} `INVALID_ARGUMENT` for an entry without `=` or a repeated key.
 * @public
 */
export function parseHyperparameterArgs(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf("=");
    if (i <= 0) throw new TrainError("INVALID_ARGUMENT", `hyperparameter ${quote(p)} is not key=value`);
    const k = p.slice(0, i).trim();
    if (k in out) throw new TrainError("INVALID_ARGUMENT", `hyperparameter ${clip(k)} given twice`);
    out[k] = p.slice(i + 1);
  }
  return out;
}
