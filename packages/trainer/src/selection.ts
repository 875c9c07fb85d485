// Model selection after training: every model of the grid, normalisation folded in, is scored on
// the calibration rows once; each criterion then tunes each model's threshold and picks the best
// model. The trained grid does not depend on the criterion (early stopping watches validation
// loss), so the choice every criterion would make is exact without retraining.
import type { Dataset } from "./data.js";
import type { SelectionCriterion } from "./hyperparameters.js";
import type { KernelModel, KernelModelResult } from "./kernel.js";
import { sweep } from "./metrics.js";
import type { Sweep } from "./metrics.js";
import { createModel } from "./models/linear-learner/model.js";
import type { LinearLearnerModel } from "./models/linear-learner/model.js";
import { foldScaler } from "./scaler.js";
import type { Scaler } from "./scaler.js";
import { thresholdFromSweep } from "./threshold.js";
import type { CriterionSettings, ThresholdChoice } from "./threshold.js";

/** Every criterion Linear Learner selects binary classifiers by, in report order. @internal */
export const SELECTION_CRITERIA: readonly SelectionCriterion[] = ["accuracy", "f_beta", "precision_at_target_recall", "recall_at_target_precision", "loss_function"];

/** A trained model ready for selection. @internal */
export interface Candidate {
  /** Index in the grid. */
  index: number;
  /** Weights and bias on raw features. */
  weights: Float64Array;
  bias: number;
  /** Validation loss at the kept epoch. */
  loss: number;
  /** Scores of the calibration rows against their labels. */
  sweep: Sweep;
}

/** What one criterion picks: a model of the grid and its threshold. @internal */
export interface Selection {
  criterion: SelectionCriterion;
  /** Index in the grid. */
  index: number;
  choice: ThresholdChoice;
  /** The criterion's value for the chosen model (`−loss` for `loss_function`). */
  value: number;
  /** The chosen model with its threshold, on raw features. */
  model: LinearLearnerModel;
}

/**
 * Folds the scaler into every model that trained to a finite loss and scores the calibration rows.
 * @internal
 */
export function candidates(results: KernelModelResult[], scaler: Scaler, calibration: Dataset): Candidate[] {
  const out: Candidate[] = [];
  results.forEach((r, index) => {
    if (!Number.isFinite(r.bestLoss)) return;
    const { weights, bias } = foldScaler(r.weights, r.bias, scaler);
    if (!Number.isFinite(bias) || weights.some((w) => !Number.isFinite(w))) return;
    const raw = createModel({ predictorType: "binary_classifier", weights, bias, lossType: "logistic" });
    const scores = raw.scores({ data: calibration.features, rows: calibration.rows });
    out.push({ index, weights, bias, loss: r.bestLoss, sweep: sweep(scores, calibration.labels) });
  });
  return out;
}

/**
 * Selects the model and threshold a criterion prefers: a met target beats a missed one, then the
 * higher criterion value, then the lower validation loss. Undefined when no candidate is left.
 * @internal
 */
export function select(cands: readonly Candidate[], criterion: SelectionCriterion, settings: CriterionSettings): Selection | undefined {
  let best: { c: Candidate; choice: ThresholdChoice; value: number } | undefined;
  for (const c of cands) {
    const choice = thresholdFromSweep(c.sweep, criterion, settings);
    const value = criterion === "loss_function" ? -c.loss : choice.value;
    const better =
      best === undefined ||
      (choice.met && !best.choice.met) ||
      (choice.met === best.choice.met && (value > best.value || (value === best.value && c.loss < best.c.loss)));
    if (better) best = { c, choice, value };
  }
  if (best === undefined) return undefined;
  const { c, choice, value } = best;
  const model = createModel({ predictorType: "binary_classifier", weights: c.weights, bias: c.bias, lossType: "logistic", threshold: choice.threshold });
  return { criterion, index: c.index, choice, value, model };
}

/** Each model's own threshold and criterion value under `criterion` (for the models table). @internal */
export function perModel(cands: readonly Candidate[], criterion: SelectionCriterion, settings: CriterionSettings): Map<number, { threshold: number; value: number }> {
  const out = new Map<number, { threshold: number; value: number }>();
  for (const c of cands) {
    const choice = thresholdFromSweep(c.sweep, criterion, settings);
    out.set(c.index, { threshold: choice.threshold, value: criterion === "loss_function" ? -c.loss : choice.value });
  }
  return out;
}

/** The grid's models as kernel input, with another positive weight. @internal */
export function withPositiveWeight(models: readonly KernelModel[], posWeight: number): KernelModel[] {
  return models.map((m) => ({ ...m, posWeight }));
}
