// Operating points: the precision and recall a user gets at the threshold each Linear Learner
// selection criterion picks, on validation (where the threshold is tuned) and on test, for the
// run's positive-example weight and, when trained, the `balanced` one.
import type { Dataset } from "./data.js";
import type { SelectionCriterion } from "./hyperparameters.js";
import { confusionMetrics, sweep, sweepConfusion } from "./metrics.js";
import type { Confusion, Sweep } from "./metrics.js";
import type { LinearLearnerModel } from "./models/linear-learner/model.js";
import { SELECTION_CRITERIA } from "./selection.js";
import { thresholdFromSweep } from "./threshold.js";
import type { CriterionSettings } from "./threshold.js";
import type { CriterionOutcome, TrainResult } from "./train.js";

/** Precision, recall and counts at one threshold. @public */
export interface PointMetrics {
  /** tp / (tp + fp); 0 when nothing is predicted positive. */
  precision: number;
  /** tp / (tp + fn). */
  recall: number;
  /** Harmonic mean of precision and recall. */
  f1: number;
  /** Counts at the threshold. */
  confusion: Confusion;
}

/** The threshold one criterion picks and what it gives. @public */
export interface OperatingPoint {
  /** The selection criterion (`loss_function` is also called `cross_entropy_loss`). */
  criterion: SelectionCriterion;
  /** `given`: the run's `positive_example_weight_mult`; `balanced`: the balanced-weight grid. */
  weights: "given" | "balanced";
  /** Whether this is the threshold (and model) the run saved. */
  selected: boolean;
  /** Index of the model the criterion picks in its grid (0 for a single evaluated model). */
  model: number;
  /** Threshold in probability space. */
  threshold: number;
  /** Whether the criterion's target (recall or precision floor) was reached where it was tuned. */
  met: boolean;
  /** Why this threshold. */
  reason: string;
  /** Metrics on the rows the threshold was tuned on. */
  tuned: PointMetrics;
  /** Metrics on held-out test rows, when there are any. */
  test: PointMetrics | null;
}

/** Operating points and where they were tuned. @public */
export interface OperatingPoints {
  /** `validation` for a trained model; `evaluation data` when `evaluate` tunes on the scored rows. */
  tunedOn: "validation" | "evaluation data";
  /** Whether the balanced-weight grid is included, and if not why. */
  balanced: string;
  /** One point per criterion and weighting. */
  points: OperatingPoint[];
}

/** Metrics at `threshold` read from a sweep. @internal */
export function pointAt(s: Sweep, threshold: number): PointMetrics {
  const confusion = sweepConfusion(s, threshold);
  const m = confusionMetrics(confusion);
  return { precision: m.precision, recall: m.recall, f1: m.f1, confusion };
}

/** Caches one sweep per model (`key`: weighting and grid index) over a data set. */
class SweepCache {
  private readonly cache = new Map<string, Sweep>();
  constructor(
    private readonly data: Dataset,
    known?: [string, Sweep],
  ) {
    if (known) this.cache.set(known[0], known[1]);
  }
  get(key: string, model: LinearLearnerModel): Sweep {
    let s = this.cache.get(key);
    if (s === undefined) {
      s = sweep(model.scores({ data: this.data.features, rows: this.data.rows }), this.data.labels);
      this.cache.set(key, s);
    }
    return s;
  }
}

function pointsOf(outcomes: CriterionOutcome[], weights: OperatingPoint["weights"], selected: SelectionCriterion | null, validation: SweepCache, test: SweepCache | null): OperatingPoint[] {
  return outcomes.map((o) => ({
    criterion: o.criterion,
    weights,
    selected: o.criterion === selected,
    model: o.modelIndex,
    threshold: o.choice.threshold,
    met: o.choice.met,
    reason: o.choice.reason,
    tuned: pointAt(validation.get(`${weights}:${o.modelIndex}`, o.model), o.choice.threshold),
    test: test ? pointAt(test.get(`${weights}:${o.modelIndex}`, o.model), o.choice.threshold) : null,
  }));
}

/**
 * Operating points of a trained grid: for every criterion (and the balanced grid when trained), the
 * model and threshold it picks on validation and the precision/recall on validation and test.
 * @internal
 */
export function trainedOperatingPoints(result: TrainResult, validation: Dataset, test: Dataset | null, known: { validation: Sweep; test: Sweep | null }): OperatingPoints {
  // `known`: the selected model's sweeps, already computed for the evaluation.
  const key = `given:${result.selectedModel}`;
  const v = new SweepCache(validation, [key, known.validation]);
  const t = test ? new SweepCache(test, known.test ? [key, known.test] : undefined) : null;
  const own = result.hyperparameters.binary_classifier_model_selection_criteria;
  const points = pointsOf(result.criteria, "given", own, v, t);
  let balanced = "not trained (pass --balanced-variant to train the balanced-weight grid in the same pass, twice the training work)";
  if (result.hyperparameters.positive_example_weight_mult === "balanced") balanced = "the run itself uses positive_example_weight_mult=balanced";
  if (result.balanced) {
    points.push(...pointsOf(result.balanced.criteria, "balanced", null, v, t));
    balanced = `trained over the same mini-batches with positive weight ${result.balanced.positiveWeight.toPrecision(4)} (n_negative / n_positive)`;
  }
  return { tunedOn: "validation", balanced, points };
}

/**
 * Operating points of one model on labelled data: the thresholds each criterion would pick on these
 * very rows (in-sample, so optimistic), with the model's own threshold marked.
 * @internal
 */
export function evaluatedOperatingPoints(s: Sweep, settings: CriterionSettings): OperatingPoints {
  const points = SELECTION_CRITERIA.map((criterion) => {
    const choice = thresholdFromSweep(s, criterion, settings);
    const tuned = pointAt(s, choice.threshold);
    return { criterion, weights: "given" as const, selected: false, model: 0, threshold: choice.threshold, met: choice.met, reason: choice.reason.replace(/validation/g, "in-sample"), tuned, test: null };
  });
  return { tunedOn: "evaluation data", balanced: "not available for an evaluated model (needs training)", points };
}
