// Threshold tuning by Linear Learner's `binary_classifier_model_selection_criteria`.
import type { SelectionCriterion } from "./hyperparameters.js";
import { confusionMetrics, sweep, sweepConfusion } from "./metrics.js";
import type { BinaryMetrics, Sweep } from "./metrics.js";

/** Settings of the threshold-tuning criteria. @public */
export interface CriterionSettings {
  /** β of `f_beta`. */
  beta: number;
  /** Recall floor of `precision_at_target_recall`. */
  targetRecall: number;
  /** Precision floor of `recall_at_target_precision`. */
  targetPrecision: number;
}

/** A tuned threshold and why it was chosen. @public */
export interface ThresholdChoice {
  /** Threshold in probability space. */
  threshold: number;
  /** Criterion value reached on the tuning data (higher is better). */
  value: number;
  /** Whether a target (recall/precision floor) was reached; always true for other criteria. */
  met: boolean;
  /** One sentence explaining the choice. */
  reason: string;
}

const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : String(x));

/**
 * The validation recall `precision_at_target_recall` requires: the target plus one standard error of
 * a binomial proportion over the validation positives, so that the recall reached on validation
 * holds on unseen data despite the few frauds a validation set holds (74 in the public data's 15%). With
 * 1,000 positives the margin is under 0.01; it never exceeds 1.
 *
 * @example
 * ```ts
 * recallFloor(0.9, 74); // 0.9349
 * ```
 * @public
 */
export function recallFloor(target: number, positives: number): number {
  if (positives <= 0) return target;
  return Math.min(1, target + Math.sqrt((target * (1 - target)) / positives));
}

/** Threshold of cut `k` (predict 1 for the first k+1 distinct scores): halfway to the next score. */
function cutThreshold(s: Sweep, k: number): number {
  if (k < 0) return s.scores.length === 0 ? 0.5 : (s.scores[0]! + 1) / 2;
  const hi = s.scores[k]!;
  const lo = k + 1 < s.scores.length ? s.scores[k + 1]! : 0;
  return (hi + lo) / 2;
}

/** The best cut for a criterion; `value` is -Infinity when no cut meets a target. */
function bestCut(s: Sweep, criterion: Exclude<SelectionCriterion, "loss_function">, settings: CriterionSettings): { best: number; value: number } {
  const P = s.positives;
  const N = s.negatives;
  const floor = recallFloor(settings.targetRecall, P);
  const b2 = settings.beta * settings.beta;
  let best = -1;
  let bestValue = -Infinity;
  let bestTie = -Infinity;
  // Cut -1 predicts nothing positive: impossible when a score is already 1.
  const firstCut = s.scores.length > 0 && s.scores[0]! >= 1 ? 0 : -1;
  for (let k = firstCut; k < s.scores.length; k++) {
    const tp = k < 0 ? 0 : s.tp[k]!;
    const fp = k < 0 ? 0 : s.fp[k]!;
    const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
    const recall = P === 0 ? 0 : tp / P;
    let value: number;
    let tie = 0;
    if (criterion === "accuracy") value = (tp + N - fp) / (P + N);
    else if (criterion === "f_beta") value = tp === 0 ? 0 : ((1 + b2) * tp) / ((1 + b2) * tp + b2 * (P - tp) + fp);
    else if (criterion === "precision_at_target_recall") {
      if (recall < floor) continue;
      value = precision;
      tie = recall;
    } else {
      if (precision < settings.targetPrecision || tp === 0) continue;
      value = recall;
      tie = precision;
    }
    if (value > bestValue || (value === bestValue && tie > bestTie)) {
      best = k;
      bestValue = value;
      bestTie = tie;
    }
  }
  return { best, value: bestValue };
}

/** The most precise non-empty cut (the fallback when no cut reaches the precision target). */
function mostPreciseCut(s: Sweep): { best: number; value: number } {
  let best = -1;
  let value = -Infinity;
  for (let k = 0; k < s.scores.length; k++) {
    const precision = s.tp[k]! / (s.tp[k]! + s.fp[k]!);
    if (precision > value) {
      value = precision;
      best = k;
    }
  }
  return { best, value };
}

type Rates = Pick<BinaryMetrics, "precision" | "recall" | "accuracy">;

function reasonFor(criterion: SelectionCriterion, settings: CriterionSettings, m: Rates, value: number, met: boolean, positives: number): string {
  switch (criterion) {
    case "loss_function":
      return "loss_function selects by validation loss and keeps the 0.5 threshold";
    case "accuracy":
      return `highest validation accuracy (${fmt(m.accuracy)})`;
    case "f_beta":
      return `highest validation F${settings.beta} (${fmt(value)})`;
    case "precision_at_target_recall": {
      const floor = recallFloor(settings.targetRecall, positives);
      return `highest validation precision (${fmt(m.precision)}) with recall >= ${settings.targetRecall} plus one standard error over ${positives} positives, i.e. >= ${fmt(floor)} (recall ${fmt(m.recall)})`;
    }
    default:
      return met
        ? `highest validation recall (${fmt(m.recall)}) with precision >= ${settings.targetPrecision} (precision ${fmt(m.precision)})`
        : `no threshold reaches precision ${settings.targetPrecision} on validation; the most precise one gives ${fmt(m.precision)}`;
  }
}

/**
 * {@link chooseThreshold} from a precomputed sweep (one sort serves every criterion).
 * @internal
 */
export function thresholdFromSweep(s: Sweep, criterion: SelectionCriterion, settings: CriterionSettings): ThresholdChoice {
  let threshold = 0.5;
  let value: number;
  let met = true;
  if (criterion === "loss_function") {
    value = confusionMetrics(sweepConfusion(s, threshold)).accuracy;
  } else {
    let cut = bestCut(s, criterion, settings);
    if (criterion === "recall_at_target_precision" && cut.value === -Infinity) {
      met = false;
      cut = mostPreciseCut(s);
    }
    threshold = cutThreshold(s, cut.best);
    value = cut.value;
  }
  const m = confusionMetrics(sweepConfusion(s, threshold));
  return { threshold, value, met, reason: reasonFor(criterion, settings, m, value, met, s.positives) };
}

/**
 * Picks the threshold that optimises a Linear Learner `binary_classifier_model_selection_criteria`
 * on labelled scores. Thresholds sit halfway between consecutive distinct scores.
 * `loss_function` keeps 0.5. `precision_at_target_recall` requires the validation recall to reach
 * {@link recallFloor} (the target plus one standard error), not just the target.
 *
 * @example
 * ```ts
 * const choice = chooseThreshold(scores, labels, "f_beta", { beta: 1, targetRecall: 0.8, targetPrecision: 0.8 });
 * choice.threshold; // the F1-maximising cut
 * ```
 * @public
 */
export function chooseThreshold(scores: ArrayLike<number>, labels: ArrayLike<number>, criterion: SelectionCriterion, settings: CriterionSettings): ThresholdChoice {
  return thresholdFromSweep(sweep(scores, labels), criterion, settings);
}
