import { COLORS, esc, histogram, lineChart, prSteps, rocPoints, scoreRange } from "./charts.js";
import type { Marker, Series } from "./charts.js";
import { confusionMetrics, sweep, sweepConfusion } from "./metrics.js";
import type { BinaryMetrics, Sweep } from "./metrics.js";
import type { OperatingPoint, OperatingPoints, PointMetrics } from "./operating-points.js";

/** One scored, labelled set shown in the report. @public */
export interface ReportSet {
  /** `validation`, `test`, or a file name. */
  name: string;
  /** Probabilities. */
  scores: ArrayLike<number>;
  /** 0/1 labels. */
  labels: ArrayLike<number>;
  /** Metrics at the model's threshold. */
  metrics: BinaryMetrics;
  /** The scores' sweep, when already computed (saves a sort). */
  sweep?: Sweep;
}

/** Content of the HTML report. @public */
export interface ReportInput {
  /** Page title. */
  title: string;
  /**
   * What the scores are: a classifier's probabilities, or an anomaly detector's scores (any
   * range), shown against the fraud label without the classifier's log loss and selection criteria.
   * @defaultValue "binary_classifier"
   */
  kind?: "binary_classifier" | "anomaly_detector";
  /** Decision threshold (an anomaly detector's: a score at or above it is flagged). */
  threshold: number;
  /** Why that threshold. */
  thresholdReason?: string;
  /** Sets to show (at least one). */
  sets: ReportSet[];
  /** Key facts shown at the top (e.g. training seconds, rows, fingerprint). */
  facts?: Record<string, string | number>;
  /** The thresholds each selection criterion picks (table, and markers on the PR chart). */
  operatingPoints?: OperatingPoints;
  /** Hyperparameters table. */
  hyperparameters?: Record<string, unknown>;
  /** Parallel models table (selected one highlighted). */
  models?: Record<string, number>[];
  /** Index of the selected model in `models`. */
  selectedModel?: number;
  /** Validation loss per epoch of the selected model. */
  lossHistory?: number[];
}

const f4 = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : "–");
const num = (x: number): string => {
  if (Number.isSafeInteger(x)) return x.toLocaleString("en-US");
  return Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(3) : String(Math.round(x * 1e6) / 1e6);
};

/** One-letter tags of the criteria on the PR chart. */
const TAG: Record<string, string> = { accuracy: "A", f_beta: "F", precision_at_target_recall: "P", recall_at_target_precision: "R", loss_function: "L" };

const STYLE = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1120px;padding:0 16px;color:#222}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:14px;margin:4px 0}
.facts{display:flex;flex-wrap:wrap;gap:8px;margin:12px 0}.fact{background:#f4f6f8;border-radius:6px;padding:6px 10px}.fact span{display:block;font-size:11px;color:#666}
.charts{display:flex;flex-wrap:wrap;gap:12px}svg{background:#fff;border:1px solid #e3e3e3;border-radius:6px}svg text{font-size:11px;fill:#333}svg .t{font-size:13px;font-weight:600}
svg .g{stroke:#eee}svg .d{stroke:#bbb;stroke-dasharray:4 3}svg .m{font-size:10px;font-weight:700}
table{border-collapse:collapse;margin:6px 0}th,td{border:1px solid #ddd;padding:3px 8px;text-align:right}th{background:#f4f6f8}td:first-child,th:first-child{text-align:left}
tr.sel td{background:#fff6d6;font-weight:600}.conf td{min-width:70px}.conf td.bad{color:#b00}.cms{display:flex;gap:24px;flex-wrap:wrap}
.why{color:#555}.note{color:#555;font-size:13px;max-width:900px}`;

function table(head: string[], rows: (string | number)[][], highlight: number[] = []): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r, i) => `<tr${highlight.includes(i) ? ' class="sel"' : ""}>${r.map((c) => `<td>${esc(typeof c === "number" ? num(c) : c)}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;
}

function pointCells(m: PointMetrics | null): string[] {
  if (m === null) return ["–", "–", "–"];
  return [f4(m.precision), f4(m.recall), `${m.confusion.tp}/${m.confusion.fp}/${m.confusion.fn}`];
}

function operatingTable(op: OperatingPoints): string {
  const hasTest = op.points.some((p) => p.test !== null);
  const tuned = op.tunedOn === "validation" ? "validation" : "in-sample";
  const head = ["criterion", "weights", "model", "threshold", `${tuned} precision`, `${tuned} recall`, `${tuned} TP/FP/FN`];
  if (hasTest) head.push("test precision", "test recall", "test TP/FP/FN");
  const rows = op.points.map((p) => {
    const name = `${TAG[p.criterion] ?? "?"} ${p.criterion === "loss_function" ? "loss_function (cross_entropy_loss)" : p.criterion}${p.met ? "" : " (target missed)"}`;
    const row = [name, p.weights, `#${p.model}`, f4(p.threshold), ...pointCells(p.tuned)];
    if (hasTest) row.push(...pointCells(p.test));
    return row;
  });
  const selected = op.points.flatMap((p, i) => (p.selected ? [i] : []));
  const where =
    op.tunedOn === "validation"
      ? "Each criterion picks its model of the grid and tunes its threshold on validation, exactly as a run with that criterion would (the grid itself does not depend on the criterion)."
      : "Thresholds tuned on the evaluated rows themselves: optimistic, shown to compare the trade-offs.";
  return `${table(head, rows, selected)}<p class="note">${esc(where)} Highlighted: the threshold saved in the model. Balanced weights (positive_example_weight_mult=balanced): ${esc(op.balanced)}.</p>`;
}

function markers(op: OperatingPoints | undefined, setIndex: number, useTest: boolean): Marker[] {
  if (!op) return [];
  return op.points.flatMap((p: OperatingPoint) => {
    const m = useTest ? p.test : p.tuned;
    if (m === null) return [];
    const tag = TAG[p.criterion] ?? "?";
    return [{ x: m.recall, y: m.precision, label: tag, color: p.weights === "balanced" ? "#555" : COLORS[setIndex % COLORS.length]!, hollow: p.weights === "balanced", title: `${p.criterion} (${p.weights} weights): threshold ${f4(p.threshold)}, precision ${f4(m.precision)}, recall ${f4(m.recall)}` }];
  });
}

function curves(input: ReportInput, sweeps: Sweep[]): string {
  const anomaly = input.kind === "anomaly_detector";
  const pr: Series[] = input.sets.map((set, i) => ({ name: `${set.name} (AP ${f4(set.metrics.prAuc)})`, color: COLORS[i % COLORS.length]!, points: prSteps(sweeps[i]!) }));
  const roc: Series[] = input.sets.map((set, i) => ({ name: `${set.name} (AUC ${f4(set.metrics.rocAuc)})`, color: COLORS[i % COLORS.length]!, points: rocPoints(sweeps[i]!) }));
  const last = input.sets.length - 1;
  const onTest = input.operatingPoints?.tunedOn === "validation" && input.sets[last]!.name === "test";
  const marks = markers(input.operatingPoints, onTest ? last : 0, onTest);
  const main = input.sets[last]!;
  const what = anomaly ? " of the anomaly score" : "";
  return `<div class="charts">${lineChart(`Precision–recall${what} (steps)`, "recall", "precision", pr, { legend: "bottom", markers: marks })}${lineChart(`ROC${what}`, "false positive rate", "true positive rate", roc, { diagonal: true, legend: "bottom" })}${histogram(main.name, main.scores, main.labels, input.threshold, anomaly ? scoreRange(main.scores) : [0, 1])}</div>`;
}

/** Shares of the rows flagged in the anomaly threshold table. */
const FLAG_SHARES = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2];

/** An anomaly score's thresholds: those flagging the top 0.1%…20% of the rows, and the model's. */
function anomalyThresholdTable(input: ReportInput, main: Sweep): string {
  const n = main.positives + main.negatives;
  const picked = new Set<number>([input.threshold]);
  for (const share of FLAG_SHARES) {
    // the lowest distinct score whose cut flags at most `share` of the rows
    let k = -1;
    for (let j = 0; j < main.scores.length && main.tp[j]! + main.fp[j]! <= share * n; j++) k = j;
    if (k >= 0) picked.add(main.scores[k]!);
  }
  const thresholds = [...picked].sort((a, b) => b - a);
  const rows = thresholds.map((t) => {
    const c = sweepConfusion(main, t);
    const m = confusionMetrics(c);
    const flagged = c.tp + c.fp;
    return [t === input.threshold ? `${f4(t)} (model's)` : f4(t), `${flagged.toLocaleString("en-US")} (${((100 * flagged) / Math.max(1, n)).toFixed(2)}%)`, f4(m.precision), f4(m.recall), f4(m.f1), c.tp, c.fp, c.fn];
  });
  return table(["score ≥", "flagged", "precision", "recall", "F1", "TP", "FP", "FN"], rows, [thresholds.indexOf(input.threshold)]);
}

function thresholdTable(input: ReportInput, main: Sweep): string {
  if (input.kind === "anomaly_detector") return anomalyThresholdTable(input, main);
  const thresholds = [...new Set([0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, input.threshold])].sort((a, b) => a - b);
  const rows = thresholds.map((t) => {
    const c = sweepConfusion(main, t);
    const m = confusionMetrics(c);
    return [t === input.threshold ? `${f4(t)} (chosen)` : String(t), f4(m.precision), f4(m.recall), f4(m.f1), c.tp, c.fp, c.fn];
  });
  return table(["threshold", "precision", "recall", "F1", "TP", "FP", "FN"], rows, [thresholds.indexOf(input.threshold)]);
}

function confusionMatrices(sets: ReportSet[]): string {
  return sets
    .map(
      (s) => `<div class="cm"><h3>${esc(s.name)}</h3><table class="conf"><tr><th></th><th>predicted 0</th><th>predicted 1</th></tr>
<tr><th>actual 0</th><td>${s.metrics.confusion.tn}</td><td class="bad">${s.metrics.confusion.fp}</td></tr>
<tr><th>actual 1</th><td class="bad">${s.metrics.confusion.fn}</td><td>${s.metrics.confusion.tp}</td></tr></table></div>`,
    )
    .join("");
}

const METRIC_ROWS: [string, keyof BinaryMetrics][] = [
  ["precision", "precision"],
  ["recall", "recall"],
  ["F1", "f1"],
  ["accuracy", "accuracy"],
  ["balanced accuracy", "balancedAccuracy"],
  ["ROC AUC", "rocAuc"],
  ["PR AUC (average precision)", "prAuc"],
  ["Cohen's kappa", "kappa"],
  ["log loss", "logLoss"],
];

function trainingSections(input: ReportInput): string {
  let html = "";
  if (input.lossHistory && input.lossHistory.length > 0) {
    const h = input.lossHistory;
    const maxL = Math.max(...h.filter(Number.isFinite));
    html += `<h2>Validation loss per epoch (selected model)</h2><div class="charts">${lineChart("Validation loss", "epoch", "loss", [{ name: "validation", color: COLORS[0]!, points: h.map((l, i) => [i + 1, l] as [number, number]) }], { xMax: h.length, yMax: maxL * 1.05, yMin: 0, legend: "top" })}</div>`;
  }
  if (input.models && input.models.length > 0) {
    const keys = Object.keys(input.models[0]!);
    html += `<h2>Models trained in parallel</h2>${table(keys, input.models.map((m) => keys.map((k) => m[k]!)), input.selectedModel === undefined ? [] : [input.selectedModel])}`;
  }
  if (input.hyperparameters) {
    html += `<h2>Hyperparameters</h2>${table(["name", "value"], Object.entries(input.hyperparameters).map(([k, v]) => [k, typeof v === "number" ? v : String(v)]))}`;
  }
  return html;
}

/**
 * Renders the evaluation report: one self-contained HTML page (inline CSS and SVG, no scripts,
 * no network) with the operating point of every selection criterion, stepwise precision–recall
 * and ROC curves, confusion matrices, score histograms per class, a threshold table, the
 * hyperparameters and the parallel models.
 * @example
 * ```ts
 * const html = renderReport({ title: "model", threshold: 0.5, sets: [{ name: "test", scores, labels, metrics }] });
 * ```
 * @public
 */
export function renderReport(input: ReportInput): string {
  const anomaly = input.kind === "anomaly_detector";
  const sweeps = input.sets.map((s) => s.sweep ?? sweep(s.scores, s.labels));
  const main = input.sets[input.sets.length - 1]!;
  const facts = Object.entries(input.facts ?? {})
    .map(([k, v]) => `<div class="fact"><span>${esc(k)}</span><b>${esc(typeof v === "number" ? num(v) : v)}</b></div>`)
    .join("");
  const metricRows = anomaly ? METRIC_ROWS.filter(([, key]) => key !== "logLoss") : METRIC_ROWS;
  const quality = table(["metric", ...input.sets.map((s) => s.name)], metricRows.map(([label, key]) => [label, ...input.sets.map((s) => f4(s.metrics[key] as number))]));
  const qualityNote = anomaly
    ? `<p class="note">The anomaly score is learned without labels; the fraud label only evaluates it. ROC AUC and average precision rank the rows by score; precision, recall, F1, accuracy and kappa are those of flagging the rows at or above the anomaly threshold (${esc(f4(input.threshold))}).</p>`
    : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(input.title)}</title>
<style>
${STYLE}
</style></head><body>
<h1>${esc(input.title)}</h1>
<p class="why">${anomaly ? "Anomaly threshold" : "Threshold"} <b>${f4(input.threshold)}</b>${input.thresholdReason ? ` — ${esc(input.thresholdReason)}` : ""}.</p>
<div class="facts">${facts}</div>
<h2>${anomaly ? "The anomaly score against the fraud label" : "Quality"}</h2>
${quality}${qualityNote}
${input.operatingPoints ? `<h2>Operating points of the selection criteria</h2>\n${operatingTable(input.operatingPoints)}` : ""}
<h2>Curves</h2>
${curves(input, sweeps)}
<h2>Confusion matrices (${anomaly ? "flagged at score ≥" : "threshold"} ${f4(input.threshold)})</h2>
<div class="cms">${confusionMatrices(input.sets)}</div>
<h2>Thresholds (${esc(main.name)})</h2>
${thresholdTable(input, sweeps[sweeps.length - 1]!)}
${trainingSections(input)}</body></html>
`;
}
