import type { SageMakerMetrics } from "./evaluate.js";

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const num = (x: number, digits = 4): string => (Number.isFinite(x) ? x.toFixed(digits) : "n/a");

/**
 * Renders the self-contained HTML report of a SageMaker-trained model: the job, the local test
 * split's metrics and confusion matrix, and SageMaker's own final metrics.
 * @public
 */
export function renderReport(m: SageMakerMetrics): string {
  const t = m.test;
  const c = t.confusion;
  const rows = (pairs: [string, string][]): string => pairs.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join("\n");
  const s = m.sagemaker;
  const job: [string, string][] = [
    ["Training job", s.jobName],
    ["Region", s.region],
    ["Image", s.image],
    ["Model data", s.modelDataUrl],
    ["Instances", `${s.instanceCount ?? 1} × ${s.instanceType ?? "?"}${s.spot ? " (managed spot)" : ""}`],
    ["Training time", `${m.trainSeconds} s${s.billableSeconds !== undefined ? ` (billable ${s.billableSeconds} s)` : ""}`],
  ];
  const metrics: [string, string][] = [
    ["Rows / positives", `${t.rows} / ${t.positives}`],
    ["Threshold", num(m.threshold, 6)],
    ["Precision", num(t.precision)],
    ["Recall", num(t.recall)],
    ["F1", num(t.f1)],
    ["Accuracy", num(t.accuracy)],
    ["Balanced accuracy", num(t.balancedAccuracy)],
    ["ROC AUC", num(t.rocAuc)],
    ["PR AUC (average precision)", num(t.prAuc)],
    ["Cohen's kappa", num(t.kappa)],
    ["Log loss", num(t.logLoss)],
  ];
  const fm = Object.entries(s.finalMetrics ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const hp = Object.entries(s.hyperparameters ?? {});
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Fraud model report — ${esc(s.jobName)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem;color:#222}
table{border-collapse:collapse;margin:0 0 1.5rem}
th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
th{background:#f4f4f4;font-weight:600}
td.n{text-align:right;font-variant-numeric:tabular-nums}
</style>
</head>
<body>
<h1>Linear Learner trained on SageMaker</h1>
<h2>Job</h2>
<table>
${rows(job)}
</table>
<h2>Test split (evaluated locally)</h2>
<table>
${rows(metrics)}
</table>
<h3>Confusion matrix</h3>
<table>
<tr><th></th><th>predicted 0</th><th>predicted 1</th></tr>
<tr><th>actual 0</th><td class="n">${c.tn}</td><td class="n">${c.fp}</td></tr>
<tr><th>actual 1</th><td class="n">${c.fn}</td><td class="n">${c.tp}</td></tr>
</table>
<h2>SageMaker final metrics</h2>
${fm.length === 0 ? "<p>None reported.</p>" : `<table>\n${rows(fm.map(([k, v]) => [k, num(v, 6)]))}\n</table>`}
<h2>Hyperparameters</h2>
${hp.length === 0 ? "<p>None.</p>" : `<table>\n${rows(hp)}\n</table>`}
</body>
</html>
`;
}
