import { confusionAt, confusionMetrics, sweep } from "./metrics.js";
import type { BinaryMetrics } from "./metrics.js";

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
}

/** Content of the HTML report. @public */
export interface ReportInput {
  /** Page title. */
  title: string;
  /** Decision threshold. */
  threshold: number;
  /** Why that threshold. */
  thresholdReason?: string;
  /** Sets to show (at least one). */
  sets: ReportSet[];
  /** Key facts shown at the top (e.g. training seconds, rows, fingerprint). */
  facts?: Record<string, string | number>;
  /** Hyperparameters table. */
  hyperparameters?: Record<string, unknown>;
  /** Parallel models table (selected one highlighted). */
  models?: Record<string, number>[];
  /** Index of the selected model in `models`. */
  selectedModel?: number;
  /** Validation loss per epoch of the selected model. */
  lossHistory?: number[];
}

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];
const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const f4 = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : "–");
const num = (x: number): string => (Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(3) : String(Math.round(x * 1e6) / 1e6));

interface Series {
  name: string;
  color: string;
  points: [number, number][];
}

function thin(points: [number, number][], max = 400): [number, number][] {
  if (points.length <= max) return points;
  const step = points.length / max;
  const out: [number, number][] = [];
  for (let i = 0; i < max; i++) out.push(points[Math.floor(i * step)]!);
  out.push(points[points.length - 1]!);
  return out;
}

/** A small line chart in inline SVG; x and y in [xMin, xMax] × [yMin, yMax]. */
/** Tick label: at most 3 significant digits, so labels fit the margin. */
const tick = (x: number): string => (x === 0 ? "0" : Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3 ? x.toExponential(1) : String(Number(x.toPrecision(3))));

function lineChart(
  title: string,
  xLabel: string,
  yLabel: string,
  series: Series[],
  opts: { xMax?: number; yMax?: number; yMin?: number; diagonal?: boolean; legend?: "top" | "bottom" } = {},
): string {
  const W = 360;
  const H = 280;
  const L = 56;
  const B = 40;
  const T = 24;
  const R = 12;
  const xMax = opts.xMax ?? 1;
  const yMax = opts.yMax ?? 1;
  const yMin = opts.yMin ?? 0;
  const sx = (x: number): number => L + (x / xMax) * (W - L - R);
  const sy = (y: number): number => H - B - ((y - yMin) / (yMax - yMin || 1)) * (H - B - T);
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}">`;
  svg += `<text x="${W / 2}" y="16" text-anchor="middle" class="t">${esc(title)}</text>`;
  for (const t of ticks) {
    const xv = t * xMax;
    const yv = yMin + t * (yMax - yMin);
    svg += `<line x1="${sx(xv)}" y1="${sy(yMin)}" x2="${sx(xv)}" y2="${sy(yMax)}" class="g"/><text x="${sx(xv)}" y="${H - B + 14}" text-anchor="middle">${tick(xv)}</text>`;
    svg += `<line x1="${sx(0)}" y1="${sy(yv)}" x2="${sx(xMax)}" y2="${sy(yv)}" class="g"/><text x="${L - 4}" y="${sy(yv) + 4}" text-anchor="end">${tick(yv)}</text>`;
  }
  if (opts.diagonal) svg += `<line x1="${sx(0)}" y1="${sy(0)}" x2="${sx(1)}" y2="${sy(1)}" class="d"/>`;
  svg += `<text x="${(L + W - R) / 2}" y="${H - 6}" text-anchor="middle">${esc(xLabel)}</text>`;
  svg += `<text transform="translate(12 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`;
  // legend sized to its longest entry (about 6.5 px a character at 11 px), top or bottom right
  const lw = 18 + 6.5 * Math.max(...series.map((x) => x.name.length), 0);
  const ly = opts.legend === "bottom" ? H - B - 6 - series.length * 16 : T + 4;
  series.forEach((s) => {
    const d = s.points.map(([x, y], k) => `${k ? "L" : "M"}${sx(x).toFixed(1)} ${sy(y).toFixed(1)}`).join("");
    svg += `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`;
  });
  svg += `<rect x="${W - R - lw - 6}" y="${ly - 2}" width="${lw + 4}" height="${series.length * 16 + 2}" fill="#fff" fill-opacity="0.85"/>`;
  series.forEach((s, i) => {
    svg += `<rect x="${W - R - lw - 2}" y="${ly + i * 16}" width="10" height="10" fill="${s.color}"/><text x="${W - R - lw + 12}" y="${ly + 9 + i * 16}">${esc(s.name)}</text>`;
  });
  return svg + "</svg>";
}

/** Score histogram per class, log-scaled counts (fraud is rare). */
function histogram(set: ReportSet, threshold: number): string {
  const bins = 20;
  const counts = [new Array<number>(bins).fill(0), new Array<number>(bins).fill(0)];
  for (let i = 0; i < set.labels.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(set.scores[i]! * bins)));
    counts[set.labels[i] === 1 ? 1 : 0]![b]!++;
  }
  const W = 360;
  const H = 280;
  const L = 48;
  const B = 40;
  const T = 24;
  const R = 12;
  const maxLog = Math.log10(Math.max(1, ...counts[0]!, ...counts[1]!) + 1);
  const bw = (W - L - R) / bins;
  const sy = (c: number): number => H - B - (Math.log10(c + 1) / (maxLog || 1)) * (H - B - T);
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="score histogram">`;
  svg += `<text x="${W / 2}" y="16" text-anchor="middle" class="t">Scores by class — ${esc(set.name)} (log count)</text>`;
  for (let p = 0; p <= Math.ceil(maxLog); p++) {
    const y = sy(10 ** p - 1);
    if (y < T - 1) break;
    svg += `<line x1="${L}" y1="${y}" x2="${W - R}" y2="${y}" class="g"/><text x="${L - 4}" y="${y + 4}" text-anchor="end">${10 ** p}</text>`;
  }
  [0, 1].forEach((cls) => {
    counts[cls]!.forEach((c, b) => {
      if (c === 0) return;
      const x = L + b * bw + (cls ? bw / 2 : 1);
      svg += `<rect x="${x.toFixed(1)}" y="${sy(c).toFixed(1)}" width="${(bw / 2 - 1).toFixed(1)}" height="${(H - B - sy(c)).toFixed(1)}" fill="${cls ? COLORS[1] : COLORS[0]}"><title>class ${cls}, ${(b / bins).toFixed(2)}–${((b + 1) / bins).toFixed(2)}: ${c}</title></rect>`;
    });
  });
  const tx = L + threshold * (W - L - R);
  svg += `<line x1="${tx}" y1="${T}" x2="${tx}" y2="${H - B}" stroke="#000" stroke-dasharray="4 3"/>`;
  for (const t of [0, 0.5, 1]) svg += `<text x="${L + t * (W - L - R)}" y="${H - B + 14}" text-anchor="middle">${t}</text>`;
  svg += `<text x="${(L + W - R) / 2}" y="${H - 6}" text-anchor="middle">score (dashed: threshold)</text>`;
  svg += `<rect x="${W - R - 110}" y="${T + 4}" width="10" height="10" fill="${COLORS[0]}"/><text x="${W - R - 96}" y="${T + 13}">legit (0)</text>`;
  svg += `<rect x="${W - R - 110}" y="${T + 20}" width="10" height="10" fill="${COLORS[1]}"/><text x="${W - R - 96}" y="${T + 29}">fraud (1)</text>`;
  return svg + "</svg>";
}

function table(head: string[], rows: (string | number)[][], highlight = -1): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r, i) => `<tr${i === highlight ? ' class="sel"' : ""}>${r.map((c) => `<td>${esc(typeof c === "number" ? num(c) : c)}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;
}

/**
 * Renders the evaluation report: one self-contained HTML page (inline CSS and SVG, no scripts,
 * no network) with PR and ROC curves, confusion matrices, score histograms per class, a threshold
 * table, the hyperparameters and the parallel models.
 * @public
 */
export function renderReport(input: ReportInput): string {
  const sweeps = input.sets.map((s) => ({ set: s, sw: sweep(s.scores, s.labels) }));
  const pr: Series[] = sweeps.map(({ set, sw }, i) => ({
    name: `${set.name} (AP ${f4(set.metrics.prAuc)})`,
    color: COLORS[i % COLORS.length]!,
    points: thin([[0, 1] as [number, number], ...Array.from(sw.scores, (_, k) => [sw.tp[k]! / sw.positives, sw.tp[k]! / (sw.tp[k]! + sw.fp[k]!)] as [number, number])]),
  }));
  const roc: Series[] = sweeps.map(({ set, sw }, i) => ({
    name: `${set.name} (AUC ${f4(set.metrics.rocAuc)})`,
    color: COLORS[i % COLORS.length]!,
    points: thin([[0, 0] as [number, number], ...Array.from(sw.scores, (_, k) => [sw.fp[k]! / sw.negatives, sw.tp[k]! / sw.positives] as [number, number])]),
  }));
  const metricRows: [string, keyof BinaryMetrics][] = [
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
  const thresholds = [...new Set([0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, input.threshold])].sort((a, b) => a - b);
  const main = input.sets[input.sets.length - 1]!;
  const thresholdRows = thresholds.map((t) => {
    const c = confusionAt(main.scores, main.labels, t);
    const m = confusionMetrics(c);
    return [t === input.threshold ? `${f4(t)} (chosen)` : String(t), f4(m.precision), f4(m.recall), f4(m.f1), c.tp, c.fp, c.fn];
  });
  const confusion = input.sets
    .map(
      (s) => `<div class="cm"><h3>${esc(s.name)}</h3><table class="conf"><tr><th></th><th>predicted 0</th><th>predicted 1</th></tr>
<tr><th>actual 0</th><td>${s.metrics.confusion.tn}</td><td class="bad">${s.metrics.confusion.fp}</td></tr>
<tr><th>actual 1</th><td class="bad">${s.metrics.confusion.fn}</td><td>${s.metrics.confusion.tp}</td></tr></table></div>`,
    )
    .join("");
  const facts = Object.entries(input.facts ?? {})
    .map(([k, v]) => `<div class="fact"><span>${esc(k)}</span><b>${esc(typeof v === "number" ? num(v) : v)}</b></div>`)
    .join("");
  let html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(input.title)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1120px;padding:0 16px;color:#222}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:14px;margin:4px 0}
.facts{display:flex;flex-wrap:wrap;gap:8px;margin:12px 0}.fact{background:#f4f6f8;border-radius:6px;padding:6px 10px}.fact span{display:block;font-size:11px;color:#666}
.charts{display:flex;flex-wrap:wrap;gap:12px}svg{background:#fff;border:1px solid #e3e3e3;border-radius:6px}svg text{font-size:11px;fill:#333}svg .t{font-size:13px;font-weight:600}
svg .g{stroke:#eee}svg .d{stroke:#bbb;stroke-dasharray:4 3}
table{border-collapse:collapse;margin:6px 0}th,td{border:1px solid #ddd;padding:3px 8px;text-align:right}th{background:#f4f6f8}td:first-child,th:first-child{text-align:left}
tr.sel td{background:#fff6d6;font-weight:600}.conf td{min-width:70px}.conf td.bad{color:#b00}.cms{display:flex;gap:24px;flex-wrap:wrap}
.why{color:#555}
</style></head><body>
<h1>${esc(input.title)}</h1>
<p class="why">Threshold <b>${f4(input.threshold)}</b>${input.thresholdReason ? ` — ${esc(input.thresholdReason)}` : ""}.</p>
<div class="facts">${facts}</div>
<h2>Quality</h2>
${table(["metric", ...input.sets.map((s) => s.name)], metricRows.map(([label, key]) => [label, ...input.sets.map((s) => f4(s.metrics[key] as number))]))}
<h2>Curves</h2>
<div class="charts">${lineChart("Precision–recall", "recall", "precision", pr, { legend: "bottom" })}${lineChart("ROC", "false positive rate", "true positive rate", roc, { diagonal: true, legend: "bottom" })}${histogram(main, input.threshold)}</div>
<h2>Confusion matrices (threshold ${f4(input.threshold)})</h2>
<div class="cms">${confusion}</div>
<h2>Thresholds (${esc(main.name)})</h2>
${table(["threshold", "precision", "recall", "F1", "TP", "FP", "FN"], thresholdRows, thresholds.indexOf(input.threshold))}
`;
  if (input.lossHistory && input.lossHistory.length > 0) {
    const h = input.lossHistory;
    const maxL = Math.max(...h.filter(Number.isFinite));
    html += `<h2>Validation loss per epoch (selected model)</h2><div class="charts">${lineChart("Validation loss", "epoch", "loss", [{ name: "validation", color: COLORS[0]!, points: h.map((l, i) => [i + 1, l] as [number, number]) }], { xMax: h.length, yMax: maxL * 1.05, yMin: 0, legend: "top" })}</div>`;
  }
  if (input.models && input.models.length > 0) {
    const keys = Object.keys(input.models[0]!);
    html += `<h2>Models trained in parallel</h2>${table(keys, input.models.map((m) => keys.map((k) => m[k]!)), input.selectedModel ?? -1)}`;
  }
  if (input.hyperparameters) {
    html += `<h2>Hyperparameters</h2>${table(["name", "value"], Object.entries(input.hyperparameters).map(([k, v]) => [k, typeof v === "number" ? v : String(v)]))}`;
  }
  return html + `</body></html>\n`;
}
