/**
 * The one set of training defaults: per algorithm, the hyperparameters every training path uses
 * when the user gives none — `fraud-train local`, `fraud-train sagemaker` (sent explicitly in the
 * `CreateTrainingJob` request), the deploy's `--train` and the demo. The local training plug-ins
 * resolve exactly these values when given nothing (a test holds them together), so a model
 * trained here and one trained on SageMaker start from the same settings.
 * @packageDocumentation
 */
import type { Algorithm } from "@fraud/contracts";
import { TrainError } from "./errors.js";

/**
 * Hyperparameters (SageMaker names, string values as SageMaker receives them) every training path
 * uses unless told otherwise, per algorithm. User values (`--hp key=value`) override them one by one.
 *
 * - `linear-learner`: the container's own defaults, stated explicitly — `mini_batch_size=1000`,
 *   `epochs=15` — for a `binary_classifier`. The original notebook's `mini_batch_size=200` is not a
 *   default anywhere (README: "One set of training defaults"); give `--hp mini_batch_size=200` to
 *   reproduce the notebook.
 * - `xgboost`: `binary:logistic` for `num_round=100` rounds (SageMaker requires `num_round`; 100 is
 *   the local trainer's documented default), watching `logloss` on the validation channel; every
 *   other hyperparameter is the 1.7-1 container's default.
 * - `randomcutforest`: SageMaker's defaults, `num_trees=100`, `num_samples_per_tree=256`
 *   (`feature_dim` comes from the data).
 *
 * @example
 * ```ts
 * TRAINING_DEFAULTS.xgboost.num_round; // "100"
 * await runLocalTraining({ data: "creditcard.csv", out: "out", algorithm: "xgboost", hyperparameters: TRAINING_DEFAULTS.xgboost });
 * ```
 * @public
 */
export const TRAINING_DEFAULTS: Readonly<Record<Algorithm, Readonly<Record<string, string>>>> = Object.freeze({
  "linear-learner": Object.freeze({ predictor_type: "binary_classifier", mini_batch_size: "1000", epochs: "15" }),
  xgboost: Object.freeze({ objective: "binary:logistic", num_round: "100", eval_metric: "logloss" }),
  randomcutforest: Object.freeze({ num_trees: "100", num_samples_per_tree: "256" }),
});

/**
 * An algorithm's training defaults with the user's hyperparameters laid over them, as strings
 * (values trimmed), keys sorted: what a training path sends or resolves.
 *
 * @example
 * ```ts
 * withTrainingDefaults("linear-learner", { mini_batch_size: 200 });
 * // { epochs: "15", mini_batch_size: "200", predictor_type: "binary_classifier" }
 * ```
 * @throws {@link TrainError} `INVALID_ARGUMENT` for an algorithm without defaults or a value that is
 *   not a string, number or boolean.
 * @internal
 */
export function withTrainingDefaults(algorithm: Algorithm, hyperparameters: Readonly<Record<string, string | number | boolean>> = {}): Record<string, string> {
  const defaults = Object.hasOwn(TRAINING_DEFAULTS, algorithm) ? TRAINING_DEFAULTS[algorithm] : undefined;
  if (defaults === undefined) throw new TrainError("INVALID_ARGUMENT", `no training defaults for algorithm ${JSON.stringify(String(algorithm).slice(0, 40))}`);
  const all: Record<string, string> = { ...defaults };
  for (const [k, v] of Object.entries(hyperparameters ?? {})) {
    if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") {
      throw new TrainError("INVALID_ARGUMENT", `hyperparameter ${k.slice(0, 80)} must be a string, number or boolean, got ${v === null ? "null" : typeof v}`);
    }
    all[k] = String(v).trim();
  }
  const out: Record<string, string> = {};
  for (const k of Object.keys(all).sort()) out[k] = all[k]!;
  return out;
}

/**
 * The hyperparameters of a run as one line, `key=value` separated by spaces (keys sorted): how
 * every training path prints them with the run.
 *
 * @example
 * ```ts
 * formatHyperparameters({ mini_batch_size: "1000", epochs: "15" }); // "epochs=15 mini_batch_size=1000"
 * ```
 * @internal
 */
export function formatHyperparameters(hyperparameters: Readonly<Record<string, unknown>>): string {
  return Object.keys(hyperparameters)
    .sort()
    .map((k) => `${k}=${typeof hyperparameters[k] === "object" ? JSON.stringify(hyperparameters[k]) : String(hyperparameters[k])}`)
    .join(" ");
}
