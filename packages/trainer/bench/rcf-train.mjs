// Training speed of the Random Cut Forest: 100 trees × 256 samples (the defaults) on the
// simulator's 284,807 × 30 rows, everything training does (standardising, sampling, building the
// trees, scoring 10,000 training rows for the anomaly threshold), several runs. Reports wall
// seconds, this process's CPU seconds (the machine is shared: CPU time is what it was given) and
// the phases, each with the load average.
//
// run (from packages/trainer): node --conditions=@fraud/source --import tsx bench/rcf-train.mjs
//   env RCF_TRAIN_RUNS (default 5), RCF_BENCH_ROWS (default 284807).
import { execFileSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { generateDataset } from "@fraud/simulator";
import { trainRandomCutForest } from "../src/models/randomcutforest/train.ts";

const runs = Number(process.env.RCF_TRAIN_RUNS ?? 5);
const rows = Number(process.env.RCF_BENCH_ROWS ?? 284_807);
const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");
const emit = (o) => console.log(JSON.stringify({ ...o, load: load() }));

console.error(`${cpus().length} cores (${cpus()[0]?.model ?? "?"}), Node ${process.version}; load ${load()}`);
const data = generateDataset({ rows, seed: 7 });
const x = { data: data.features, rows: data.rows, cols: 30 };
const all = [];
for (let run = 0; run < runs; run++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = trainRandomCutForest(x, { seed: run + 1 });
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const o = { run, rows, trees: 100, samples: 256, wallSeconds: wall, cpuSeconds: (c.user + c.system) / 1e6, buildSeconds: result.buildSeconds, thresholdSeconds: result.thresholdSeconds };
  emit(o);
  all.push(o);
}
const pick = (k) => all.map((o) => o[k]).sort((a, b) => a - b);
emit({ summary: true, runs, wallSeconds: pick("wallSeconds"), cpuSeconds: pick("cpuSeconds") });
console.error(execFileSync("uptime", { encoding: "utf8" }).trim());
