
/** Confusion matrix counts. @public */
export interface Confusion {
  /** True negatives. */
  tn: number;
  /** False positives. */
  fp: number;
  /** False negatives. */
  fn: number;
  /** True positives. */
  tp: number;
}

/** Binary-classification quality of scores against labels at one threshold. @public */
export interface BinaryMetrics {
  /** Rows scored. */
  rows: number;
  /** Rows labelled 1. */
  positives: number;
  /** Threshold applied (`score >= threshold` is class 1). */
  threshold: number;
  /** tp / (tp + fp); 0 when nothing is predicted positive. */
  precision: number;
  /** tp / (tp + fn). */
  recall: number;
  /** Harmonic mean of precision and recall. */
  f1: number;
  /** (tp + tn) / rows. */
  accuracy: number;
  /** Mean of recall and specificity. */
  balancedAccuracy: number;
  /** Area under the ROC curve (ties counted half). */
  rocAuc: number;
  /** Average precision, scikit-learn's definition: Σ (Rₙ − Rₙ₋₁) Pₙ over distinct scores. */
  prAuc: number;
  /** Cohen's kappa of predictions against labels. */
  kappa: number;
  /** Mean binary cross-entropy (unweighted). */
  logLoss: number;
  /** Counts at `threshold`. */
  confusion: Confusion;
}

/**
 * Scores grouped by distinct value, highest first, with cumulative counts: predicting class 1 for
 * `score >= scores[k]` gives `tp[k]` true and `fp[k]` false positives.
 * @public
 */
export interface Sweep {
  /** Distinct scores, descending. */
  scores: Float64Array;
  /** Cumulative true positives at each cut. */
  tp: Float64Array;
  /** Cumulative false positives at each cut. */
  fp: Float64Array;
  /** Total positives. */
  positives: number;
  /** Total negatives. */
  negatives: number;
}

/**
 * Builds the {@link Sweep} of scores against labels: O(n log n) typed-array sorts, no per-row
 * allocation.
 * @public
 */
export function sweep(scores: ArrayLike<number>, labels: ArrayLike<number>): Sweep {
  let np = 0;
  for (let i = 0; i < labels.length; i++) np += labels[i] === 1 ? 1 : 0;
  const pos = new Float64Array(np);
  const neg = new Float64Array(labels.length - np);
  for (let i = 0, a = 0, b = 0; i < labels.length; i++) {
    if (labels[i] === 1) pos[a++] = scores[i]!;
    else neg[b++] = scores[i]!;
  }
  pos.sort();
  neg.sort();
  const outS = new Float64Array(labels.length);
  const outTp = new Float64Array(labels.length);
  const outFp = new Float64Array(labels.length);
  let i = pos.length - 1;
  let j = neg.length - 1;
  let tp = 0;
  let fp = 0;
  let k = 0;
  while (i >= 0 || j >= 0) {
    const s = Math.max(i >= 0 ? pos[i]! : -Infinity, j >= 0 ? neg[j]! : -Infinity);
    while (i >= 0 && pos[i] === s) {
      tp++;
      i--;
    }
    while (j >= 0 && neg[j] === s) {
      fp++;
      j--;
    }
    outS[k] = s;
    outTp[k] = tp;
    outFp[k] = fp;
    k++;
  }
  return { scores: outS.slice(0, k), tp: outTp.slice(0, k), fp: outFp.slice(0, k), positives: np, negatives: labels.length - np };
}

/**
 * Confusion counts at `threshold` read from a sweep (binary search; `score >= threshold` is 1).
 * @public
 */
export function sweepConfusion(s: Sweep, threshold: number): Confusion {
  let lo = 0;
  let hi = s.scores.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s.scores[mid]! >= threshold) lo = mid + 1;
    else hi = mid;
  }
  const tp = lo === 0 ? 0 : s.tp[lo - 1]!;
  const fp = lo === 0 ? 0 : s.fp[lo - 1]!;
  return { tp, fp, fn: s.positives - tp, tn: s.negatives - fp };
}

/** ROC AUC from a sweep (trapezoids, so ties count half). @public */
export function rocAuc(s: Sweep): number {
  if (s.positives === 0 || s.negatives === 0) return NaN;
  let area = 0;
  let ptp = 0;
  let pfp = 0;
  for (let k = 0; k < s.scores.length; k++) {
    area += ((s.fp[k]! - pfp) * (s.tp[k]! + ptp)) / 2;
    ptp = s.tp[k]!;
    pfp = s.fp[k]!;
  }
  return area / (s.positives * s.negatives);
}

/** Average precision (PR AUC) from a sweep, scikit-learn's `average_precision_score`. @public */
export function averagePrecision(s: Sweep): number {
  if (s.positives === 0) return NaN;
  let ap = 0;
  let prevRecall = 0;
  for (let k = 0; k < s.scores.length; k++) {
    const recall = s.tp[k]! / s.positives;
    const precision = s.tp[k]! / (s.tp[k]! + s.fp[k]!);
    ap += (recall - prevRecall) * precision;
    prevRecall = recall;
  }
  return ap;
}

function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

/** Metrics derived from confusion counts alone. @public */
export function confusionMetrics(c: Confusion): Pick<BinaryMetrics, "precision" | "recall" | "f1" | "accuracy" | "balancedAccuracy" | "kappa"> {
  const n = c.tn + c.fp + c.fn + c.tp;
  const precision = ratio(c.tp, c.tp + c.fp);
  const recall = ratio(c.tp, c.tp + c.fn);
  const specificity = ratio(c.tn, c.tn + c.fp);
  const accuracy = ratio(c.tp + c.tn, n);
  const pe = n === 0 ? 0 : ((c.tp + c.fp) * (c.tp + c.fn) + (c.tn + c.fn) * (c.tn + c.fp)) / (n * n);
  return {
    precision,
    recall,
    f1: ratio(2 * precision * recall, precision + recall),
    accuracy,
    balancedAccuracy: (recall + specificity) / 2,
    kappa: pe === 1 ? 0 : (accuracy - pe) / (1 - pe),
  };
}

/**
 * Evaluates classifier scores (probabilities) against 0/1 labels at a threshold.
 * @example
 * ```ts
 * const m = evaluateBinary(model.scores(test), test.labels, model.threshold);
 * console.log(m.prAuc, m.confusion);
 * ```
 * @public
 */
export function evaluateBinary(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold: number, swept?: Sweep): BinaryMetrics {
  const c: Confusion = { tn: 0, fp: 0, fn: 0, tp: 0 };
  let ll = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = scores[i]!;
    const y = labels[i] === 1;
    const hat = p >= threshold;
    if (y) {
      if (hat) c.tp++;
      else c.fn++;
    } else if (hat) c.fp++;
    else c.tn++;
    const q = Math.min(Math.max(y ? p : 1 - p, 1e-15), 1);
    ll -= Math.log(q);
  }
  const s = swept ?? sweep(scores, labels);
  return {
    rows: labels.length,
    positives: s.positives,
    threshold,
    ...confusionMetrics(c),
    rocAuc: rocAuc(s),
    prAuc: averagePrecision(s),
    logLoss: labels.length === 0 ? NaN : ll / labels.length,
    confusion: c,
  };
}

export { chooseThreshold, recallFloor } from "./threshold.js";
export type { CriterionSettings, ThresholdChoice } from "./threshold.js";

/** Confusion counts at one threshold. @public */
export function confusionAt(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold: number): Confusion {
  const c: Confusion = { tn: 0, fp: 0, fn: 0, tp: 0 };
  for (let i = 0; i < labels.length; i++) {
    const hat = scores[i]! >= threshold;
    if (labels[i] === 1) {
      if (hat) c.tp++;
      else c.fn++;
    } else if (hat) c.fp++;
    else c.tn++;
  }
  return c;
}
