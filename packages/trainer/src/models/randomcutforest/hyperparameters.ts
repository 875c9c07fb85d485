// SageMaker Random Cut Forest hyperparameters: names, ranges and defaults of the built-in
// algorithm (https://docs.aws.amazon.com/sagemaker/latest/dg/rcf_hyperparameters.html).
import { TrainError } from "../../errors.js";
import { clip } from "../../text.js";

/** The metrics SageMaker's RCF reports on a labelled test channel. @public */
export const RCF_EVAL_METRICS = ["accuracy", "precision_recall_fscore"] as const;

/** One of {@link RCF_EVAL_METRICS}. @public */
export type RcfEvalMetric = (typeof RCF_EVAL_METRICS)[number];

/**
 * Random Cut Forest hyperparameters after validation.
 * @public
 */
export interface RcfHyperparameters {
  /** Features per row, 1–10,000; `auto` (local training only: SageMaker requires it) takes the data's. */
  feature_dim: number | "auto";
  /** Trees in the forest, 50–1000. @defaultValue 100 */
  num_trees: number;
  /** Rows sampled for each tree, 1–2048. @defaultValue 256 */
  num_samples_per_tree: number;
  /** Metrics reported on labelled test data. @defaultValue ["accuracy", "precision_recall_fscore"] */
  eval_metrics: RcfEvalMetric[];
}

/** Ranges of the integer hyperparameters (SageMaker's documented bounds). @public */
export const RCF_HYPERPARAMETER_RANGES = Object.freeze({
  feature_dim: { min: 1, max: 10_000 },
  num_trees: { min: 50, max: 1000 },
  num_samples_per_tree: { min: 1, max: 2048 },
});

/** Every hyperparameter name the algorithm takes. @public */
export const RCF_HYPERPARAMETER_NAMES: readonly string[] = ["eval_metrics", "feature_dim", "num_samples_per_tree", "num_trees"];

function invalid(name: string, value: string, must: string): TrainError {
  return new TrainError("INVALID_ARGUMENT", `hyperparameter ${clip(name)}=${clip(value)} is not valid: must be ${must}`);
}

function integer(name: keyof typeof RCF_HYPERPARAMETER_RANGES, raw: string | number | boolean): number {
  const { min, max } = RCF_HYPERPARAMETER_RANGES[name];
  const v = String(raw).trim();
  const n = /^[+-]?\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw invalid(name, String(raw), `an integer in [${min}, ${max}]`);
  return n;
}

/**
 * `eval_metrics` as SageMaker's clients send it: a JSON list (`["accuracy"]`), the Python SDK's
 * `str()` of a list (`['accuracy', 'precision_recall_fscore']`), or a comma-separated list.
 */
function metrics(raw: string | number | boolean): RcfEvalMetric[] {
  const text = String(raw).trim();
  const inner = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  const items = inner
    .split(",")
    .map((s) => s.trim().replace(/^(["'])(.*)\1$/, "$2"))
    .filter((s) => s !== "");
  const must = `a list of ${RCF_EVAL_METRICS.join(", ")}`;
  if (items.length === 0) throw invalid("eval_metrics", String(raw), must);
  const out: RcfEvalMetric[] = [];
  for (const item of items) {
    if (!(RCF_EVAL_METRICS as readonly string[]).includes(item)) throw invalid("eval_metrics", String(raw), must);
    if (!out.includes(item as RcfEvalMetric)) out.push(item as RcfEvalMetric);
  }
  return out;
}

/**
 * Validates Random Cut Forest hyperparameters (values as SageMaker receives them: strings, or
 * numbers) and fills SageMaker's defaults.
 *
 * @example
 * ```ts
 * parseRcfHyperparameters({ num_trees: "50", num_samples_per_tree: 512 });
 * // { feature_dim: "auto", num_trees: 50, num_samples_per_tree: 512, eval_metrics: ["accuracy", "precision_recall_fscore"] }
 * ```
 * @throws {@link TrainError} `INVALID_ARGUMENT`, one line naming the hyperparameter and its value.
 * @public
 */
export function parseRcfHyperparameters(input: Readonly<Record<string, string | number | boolean>> = {}): RcfHyperparameters {
  if (typeof input !== "object" || input === null) throw new TrainError("INVALID_ARGUMENT", "hyperparameters must be an object of name → value");
  const out: RcfHyperparameters = { feature_dim: "auto", num_trees: 100, num_samples_per_tree: 256, eval_metrics: [...RCF_EVAL_METRICS] };
  for (const [name, value] of Object.entries(input)) {
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      throw new TrainError("INVALID_ARGUMENT", `hyperparameter ${clip(name)} must be a string or a number, got ${value === null ? "null" : typeof value}`);
    }
    switch (name) {
      case "feature_dim":
        out.feature_dim = String(value).trim() === "auto" ? "auto" : integer("feature_dim", value);
        break;
      case "num_trees":
        out.num_trees = integer("num_trees", value);
        break;
      case "num_samples_per_tree":
        out.num_samples_per_tree = integer("num_samples_per_tree", value);
        break;
      case "eval_metrics":
        out.eval_metrics = metrics(value);
        break;
      default:
        throw new TrainError("INVALID_ARGUMENT", `unknown randomcutforest hyperparameter ${clip(name)} (valid: ${RCF_HYPERPARAMETER_NAMES.join(", ")})`);
    }
  }
  return out;
}
