// The README's "Measured against the profile" figures: fraud-class moments and quartiles from a
// fraud-rich sample (seed 2025, 300,000 rows at rate 0.3), overall amounts from seed 2024
// (400,000 rows), each against data/creditcard-profile.json, and the largest deviation from a
// profile mean or standard deviation as a share of the tests' tolerance (10 % or 0.05).
//
//   node --conditions=@fraud/source --import tsx bench/profile.ts     (from packages/simulator)
import { readFileSync } from "node:fs";
import { FEATURE_NAMES, generateDataset } from "@fraud/simulator";
const profile = JSON.parse(readFileSync(new URL("../data/creditcard-profile.json", import.meta.url), "utf8"));
const rich = generateDataset({ rows: 300_000, seed: 2025, fraudRate: 0.3 });
const overall = generateDataset({ rows: 400_000, seed: 2024 });
const col = (d: typeof rich, j: number, cls?: number) => { const v: number[] = []; for (let r = 0; r < d.rows; r++) if (cls === undefined || d.labels[r] === cls) v.push(d.features[r * 30 + j]!); return v; };
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sd = (v: number[]) => { const m = mean(v); return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length); };
const q = (v: number[], p: number) => { const s = Float64Array.from(v).sort(); const pos = (s.length - 1) * p; const lo = Math.floor(pos); return s[lo]! + (pos - lo) * (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!); };
for (const name of ["V1", "V2", "V3", "V4", "V8", "V10", "V12", "V14", "V17", "V21", "V23", "V27", "Time", "Amount"]) {
  const j = FEATURE_NAMES.indexOf(name);
  const f = col(rich, j, 1);
  const p = profile.columns[name].class1;
  console.log(name, `mean ${mean(f).toFixed(2)} (${p.mean.toFixed(2)})`, `sd ${sd(f).toFixed(2)} (${p.std?.toFixed(2)})`, `p25 ${q(f, 0.25).toFixed(2)} (${p.p25?.toFixed(2)})`, `p50 ${q(f, 0.5).toFixed(2)} (${p.p50?.toFixed(2)})`, `p75 ${q(f, 0.75).toFixed(2)} (${p.p75?.toFixed(2)})`);
}
const a = col(overall, 29);
console.log("Amount overall", `median ${q(a, 0.5).toFixed(2)} mean ${mean(a).toFixed(2)} p25 ${q(a, 0.25).toFixed(2)} p75 ${q(a, 0.75).toFixed(2)} max ${a.reduce((x, y) => Math.max(x, y), 0).toFixed(0)}`);
let worst = 0, worstName = "";
for (let j = 0; j < 30; j++) {
  const name = FEATURE_NAMES[j]!;
  for (const [d, cls, key] of [[overall, 0, "class0"], [rich, 1, "class1"], [overall, undefined, "all"]] as const) {
    const v = col(d, j, cls);
    const t = profile.columns[name][key];
    for (const [got, want] of [[mean(v), t.mean], [sd(v), t.std]] as const) {
      if (want === null) continue;
      const rel = Math.abs(got - want) / Math.max(0.1 * Math.abs(want), 0.05);
      if (rel > worst) { worst = rel; worstName = `${name} ${key} ${got.toFixed(3)} vs ${want}`; }
    }
  }
}
console.log("largest deviation as a share of the tolerance:", worst.toFixed(2), worstName);
