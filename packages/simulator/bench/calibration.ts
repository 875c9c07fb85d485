// The difficulty shape at full size: for each seed, a generated 284,807-row data set, a stratified
// 70/30 split and a plain standardised logistic regression (the measurement of test/shape.ts).
// One JSON line per seed on stdout, then a summary line with the ranges.
//
//   nx run simulator:calibration                      # seeds 101..105
//   CALIBRATION_SEEDS=1,2,3 CALIBRATION_ROWS=284807 nx run simulator:calibration
import { generateDataset } from "@fraud/simulator";
import { shapeFigures } from "../test/shape.js";
import type { ShapeFigures } from "../test/shape.js";

const rows = Number(process.env["CALIBRATION_ROWS"] ?? 284_807);
const seeds = (process.env["CALIBRATION_SEEDS"] ?? "101,102,103,104,105").split(",").map(Number);

/** The targets the figures must meet. */
const TARGETS: Record<keyof Omit<ShapeFigures, "testFrauds">, [number, number]> = {
  averagePrecision: [0.65, 0.88],
  precisionAt05: [0.7, 0.97],
  recallAt05: [0.55, 0.85],
  bestRecallAtPrecision10: [0.82, 0.97],
};

const all: ShapeFigures[] = [];
for (const seed of seeds) {
  const t0 = performance.now();
  const figures = shapeFigures(generateDataset({ rows, seed }));
  all.push(figures);
  const round = Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, Math.round(v * 1000) / 1000]));
  console.log(JSON.stringify({ seed, rows, ...round, seconds: +((performance.now() - t0) / 1000).toFixed(2) }));
}
const summary: Record<string, unknown> = { seeds, rows };
let ok = true;
for (const [key, [lo, hi]] of Object.entries(TARGETS) as [keyof typeof TARGETS, [number, number]][]) {
  const values = all.map((f) => f[key]);
  const min = Math.min(...values);
  const max = Math.max(...values);
  summary[key] = { min: +min.toFixed(3), max: +max.toFixed(3), target: [lo, hi] };
  if (min < lo || max > hi) ok = false;
}
console.log(JSON.stringify({ summary: "ranges", ...summary, withinTargets: ok }));
process.exitCode = ok ? 0 : 1;
