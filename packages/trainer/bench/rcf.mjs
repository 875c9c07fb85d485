// Benchmark of the Random Cut Forest: training and scoring speed, and the fraud ROC AUC of its
// anomaly score against scikit-learn's IsolationForest(n_estimators=100, max_samples=256) on the
// same rows, interleaved seed by seed (3 seeds), on two files: the simulator's 284,807 rows and an
// independently generated creditcard-shaped file (bench/rcf_data.py, other distributions).
// Both detectors train on the features alone and score every row; labels are used only for AUC.
//
// run (from packages/trainer): node --conditions=@fraud/source --import tsx bench/rcf.mjs
//   env PYTHON: a python3 with scikit-learn and numpy (default: the first of python3,
//   /usr/bin/python3 that imports sklearn); RCF_BENCH_ROWS: rows of each file (default 284807).
// Prints one JSON line per measurement and a summary, each with the machine's load (uptime).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { generateDataset, readCreditCardCsv, writeCreditCardCsv } from "@fraud/simulator";
import { averagePrecision, rocAuc, sweep } from "../src/metrics.ts";
import { trainRandomCutForest } from "../src/models/randomcutforest/train.ts";

const rows = Number(process.env.RCF_BENCH_ROWS ?? 284_807);
const seeds = [1, 2, 3];
const here = new URL(".", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "rcf-bench-"));
const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");
const emit = (o) => console.log(JSON.stringify({ ...o, load: load() }));

function python() {
  for (const p of [process.env.PYTHON, "python3", "/usr/bin/python3"].filter(Boolean)) {
    try {
      execFileSync(p, ["-c", "import sklearn, numpy"], { stdio: "ignore" });
      return p;
    } catch {
      // next
    }
  }
  throw new Error("no python3 with scikit-learn and numpy (set PYTHON)");
}

function mean(xs) {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

try {
  const py = python();
  console.error(`${cpus().length} cores (${cpus()[0]?.model ?? "?"}), Node ${process.version}, ${py}; load ${load()}`);
  const files = [];
  const simPath = join(dir, "simulator.csv");
  await writeCreditCardCsv(simPath, generateDataset({ rows, seed: 7 }));
  files.push(["simulator", simPath]);
  const indepPath = join(dir, "independent.csv");
  execFileSync(py, [join(here, "rcf_data.py"), indepPath, String(rows), "11"], { stdio: ["ignore", "inherit", "inherit"] });
  files.push(["independent", indepPath]);

  const summary = [];
  for (const [name, path] of files) {
    const data = await readCreditCardCsv(path);
    const x = { data: data.features, rows: data.rows, cols: 30 };
    const ours = [];
    const theirs = [];
    for (const seed of seeds) {
      // Interleaved: ours, then scikit-learn's, for each seed.
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const result = trainRandomCutForest(x, { seed });
      const t1 = performance.now();
      const c1 = process.cpuUsage();
      const scores = result.model.scores(x);
      const t2 = performance.now();
      const c2 = process.cpuUsage();
      const cpu = (a, b) => (b.user + b.system - a.user - a.system) / 1e6;
      const s = sweep(scores, data.labels);
      const o = {
        detector: "rcf",
        file: name,
        seed,
        rocAuc: rocAuc(s),
        ap: averagePrecision(s),
        trainSeconds: (t1 - t0) / 1000,
        trainCpuSeconds: cpu(c0, c1),
        buildSeconds: result.buildSeconds,
        thresholdSeconds: result.thresholdSeconds,
        scoreSeconds: (t2 - t1) / 1000,
        rowsPerSecond: data.rows / ((t2 - t1) / 1000),
        // CPU time of this process: what one core gives, whatever else the shared machine runs.
        rowsPerCpuSecond: data.rows / cpu(c1, c2),
        rows: data.rows,
      };
      emit(o);
      ours.push(o);
      const out = execFileSync(py, [join(here, "rcf_iforest.py"), path, String(seed)], { encoding: "utf8" });
      const r = JSON.parse(out.trim().split("\n").at(-1));
      const p = { detector: "sklearn-iforest", file: name, seed, ...r };
      emit(p);
      theirs.push(p);
    }
    summary.push({
      file: name,
      rows: data.rows,
      rcfRocAuc: mean(ours.map((o) => o.rocAuc)),
      iforestRocAuc: mean(theirs.map((o) => o.rocAuc)),
      rcfAp: mean(ours.map((o) => o.ap)),
      iforestAp: mean(theirs.map((o) => o.ap)),
      rcfTrainSeconds: mean(ours.map((o) => o.trainSeconds)),
      rcfTrainCpuSeconds: mean(ours.map((o) => o.trainCpuSeconds)),
      rcfBuildSeconds: mean(ours.map((o) => o.buildSeconds)),
      rcfRowsPerSecond: mean(ours.map((o) => o.rowsPerSecond)),
      rcfRowsPerCpuSecond: mean(ours.map((o) => o.rowsPerCpuSecond)),
      iforestRowsPerSecond: mean(theirs.map((o) => o.rows / o.scoreSeconds)),
    });
  }
  for (const s of summary) emit({ summary: true, ...s, rocAucGap: s.rcfRocAuc - s.iforestRocAuc });
  console.error(execFileSync("uptime", { encoding: "utf8" }).trim());
} finally {
  rmSync(dir, { recursive: true, force: true });
}
