// Scoring speed of the Random Cut Forest on one thread, against the literal reference visitor
// (test/randomcutforest/reference.ts) on the same forest and rows, interleaved round by round.
// The forest: 100 trees × 256 samples (the defaults) trained on the simulator's rows; the rows
// scored: other simulator rows (unseen points, as in serving) and training rows (the threshold's
// sample). Reports rows per second of wall time and of this process's CPU time (the machine is
// shared: CPU time is what one core gives), with the load average, and counts the rows whose
// scores differ from the literal visitor's in any bit (0 expected: exit 1 otherwise).
//
// run (from packages/trainer): node --conditions=@fraud/source --import tsx bench/rcf-score.mjs
//   env RCF_SCORE_ROWS (default 20000), RCF_SCORE_ROUNDS (default 5), RCF_TREES (default 100),
//   RCF_SAMPLES (default 256).
import { execFileSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { generateDataset } from "@fraud/simulator";
import { trainRandomCutForest } from "../src/models/randomcutforest/train.ts";
import { referenceForest, referenceScores } from "../test/randomcutforest/reference.ts";

const rows = Number(process.env.RCF_SCORE_ROWS ?? 20_000);
const rounds = Number(process.env.RCF_SCORE_ROUNDS ?? 5);
const trees = Number(process.env.RCF_TREES ?? 100);
const samples = Number(process.env.RCF_SAMPLES ?? 256);
const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");
const emit = (o) => console.log(JSON.stringify({ ...o, load: load() }));

console.error(`${cpus().length} cores (${cpus()[0]?.model ?? "?"}), Node ${process.version}; load ${load()}`);
const train = generateDataset({ rows: 50_000, seed: 7 });
const fresh = generateDataset({ rows, seed: 8 });
const { model } = trainRandomCutForest({ data: train.features, rows: train.rows, cols: 30 }, { seed: 1, hyperparameters: { num_trees: trees, num_samples_per_tree: samples } });
const ref = referenceForest(model.params.forest);
const transform = model.params.transform ?? undefined;
const sets = [
  ["unseen", { data: fresh.features, rows, cols: 30 }],
  ["training", { data: train.features.subarray(0, Math.min(rows, train.rows) * 30), rows: Math.min(rows, train.rows), cols: 30 }],
];

function timed(f) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = f();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { out, wall, cpu: (c.user + c.system) / 1e6 };
}

const best = {};
for (let round = 0; round < rounds; round++) {
  for (const [name, x] of sets) {
    const fast = timed(() => model.scores(x));
    // The reference is slow: it scores a tenth of the rows.
    const n = Math.max(1, Math.floor(x.rows / 10));
    const slow = timed(() => referenceScores(ref, x.data, n, transform));
    let differ = 0;
    for (let i = 0; i < n; i++) if (!Object.is(fast.out[i], slow.out[i])) differ++;
    if (differ > 0) process.exitCode = 1;
    const o = {
      set: name,
      round,
      trees,
      samples,
      rows: x.rows,
      rowsPerSecond: Math.round(x.rows / fast.wall),
      rowsPerCpuSecond: Math.round(x.rows / fast.cpu),
      referenceRowsPerSecond: Math.round(n / slow.wall),
      referenceRowsPerCpuSecond: Math.round(n / slow.cpu),
      comparedRows: n,
      rowsDifferingFromReference: differ,
    };
    emit(o);
    const b = best[name];
    if (b === undefined || o.rowsPerCpuSecond > b.rowsPerCpuSecond) best[name] = o;
  }
}
for (const b of Object.values(best)) emit({ best: true, ...b });
console.error(execFileSync("uptime", { encoding: "utf8" }).trim());
