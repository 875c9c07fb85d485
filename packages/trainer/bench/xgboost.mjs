// Benchmark of the XGBoost trainer and predictor against real XGBoost 1.7.4 (`hist`, nthread=2),
// interleaved on the same data in the same run: a simulator data set of 284,807 rows (seed 42),
// split 70/15/15 as `fraud-train` splits it; the AWS solution's hyperparameters (max_depth 5,
// eta 0.2, gamma 4, min_child_weight 6, subsample 0.8, num_round 100, scale_pos_weight
// √(neg/pos)); three seeds. Prints one JSON line per measurement and a summary line.
// Run: node bench/xgboost.mjs   (loads the TypeScript sources through tsx; needs /usr/bin/python3
// with xgboost 1.7.4, else only our side runs). Env: XGB_BENCH_SEEDS (default 0,1,2), XGB_BENCH_ROWS.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { tsImport } from "tsx/esm/api";

const src = (p) => tsImport(new URL(`../src/${p}`, import.meta.url).href, import.meta.url);
const { generateDataset } = await tsImport("@fraud/simulator", import.meta.url);
const { stratifiedSplit, DEFAULT_SPLIT } = await src("data.ts");
const { averagePrecision, sweep } = await src("metrics.ts");
const { trainXGBoost } = await src("models/xgboost/train.ts");
const { XGBoostPredictor } = await src("models/xgboost/predict.ts");

const PYTHON = "/usr/bin/python3";
const rows = Number(process.env.XGB_BENCH_ROWS ?? 284_807);
const seeds = (process.env.XGB_BENCH_SEEDS ?? "0,1,2").split(",").map(Number);
const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");
const dir = mkdtempSync(join(tmpdir(), "xgb-bench-"));
const hasXgb = spawnSync(PYTHON, ["-c", "import xgboost; assert xgboost.__version__ == '1.7.4'"]).status === 0;

const PY = `
import sys, json, time, numpy as np, xgboost as xgb
from sklearn.metrics import average_precision_score
d, cols, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def load(name):
    X = np.fromfile(f"{d}/{name}.x", dtype=np.float32).reshape(-1, cols)
    y = np.fromfile(f"{d}/{name}.y", dtype=np.uint8).astype(np.float32)
    return X, y
Xtr, ytr = load("train"); Xte, yte = load("test")
spw = float(np.sqrt((ytr == 0).sum() / (ytr == 1).sum()))
params = {"objective": "binary:logistic", "max_depth": 5, "eta": 0.2, "gamma": 4, "min_child_weight": 6, "subsample": 0.8,
          "scale_pos_weight": spw, "tree_method": "hist", "nthread": 2, "seed": seed}
t0 = time.perf_counter(); c0 = time.process_time()
dtr = xgb.DMatrix(Xtr, label=ytr, nthread=2)
b = xgb.train(params, dtr, 100)
secs = time.perf_counter() - t0; cpu = time.process_time() - c0
dte = xgb.DMatrix(Xte, nthread=2)
t1 = time.perf_counter(); p = b.predict(dte); psecs = time.perf_counter() - t1
print(json.dumps({"seconds": secs, "cpuSeconds": cpu, "ap": float(average_precision_score(yte, p)), "predictSeconds": psecs}))
`;

try {
  const data = generateDataset({ rows, seed: 42 });
  const [train, , test] = stratifiedSplit(data, DEFAULT_SPLIT.fractions, 42, DEFAULT_SPLIT.names);
  const cols = 30;
  for (const [name, d] of [["train", train], ["test", test]]) {
    writeFileSync(join(dir, `${name}.x`), Float32Array.from(d.features));
    writeFileSync(join(dir, `${name}.y`), d.labels);
  }
  let pos = 0;
  for (const l of train.labels) pos += l;
  const spw = Math.sqrt((train.rows - pos) / pos);
  console.error(`${rows} rows (train ${train.rows}, test ${test.rows}); ${cpus().length} cores, ${cpus()[0]?.model}, Node ${process.version}, load ${load()}; xgboost ${hasXgb ? "1.7.4" : "absent"}`);
  const ours = [];
  const theirs = [];
  for (const seed of seeds) {
    if (hasXgb) {
      const r = JSON.parse(execFileSync(PYTHON, ["-c", PY, dir, String(cols), String(seed)], { encoding: "utf8" }));
      theirs.push(r);
      console.log(JSON.stringify({ case: "train-aws-hp", impl: "xgboost-1.7.4-hist-nthread2", seed, seconds: r.seconds, cpuSeconds: r.cpuSeconds, testAp: r.ap, load: load() }));
    }
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const { booster } = trainXGBoost(train, { hyperparameters: { max_depth: 5, eta: 0.2, gamma: 4, min_child_weight: 6, subsample: 0.8, num_round: 100, scale_pos_weight: spw, seed }, cols });
    const seconds = (performance.now() - t0) / 1000;
    const c1 = process.cpuUsage(c0);
    const cpuSeconds = (c1.user + c1.system) / 1e6;
    const p = new XGBoostPredictor(booster).probabilities({ data: test.features, rows: test.rows, cols });
    const ap = averagePrecision(sweep(p, test.labels));
    ours.push({ seconds, cpuSeconds, ap });
    console.log(JSON.stringify({ case: "train-aws-hp", impl: "ours", seed, seconds, cpuSeconds, testAp: ap, load: load() }));
  }
  // Embedded prediction: 100 trees of depth 5 on one core.
  const { booster } = trainXGBoost(train, { hyperparameters: { max_depth: 5, eta: 0.2, num_round: 100, min_child_weight: 0, seed: 0 }, cols });
  const nodes = booster.trees.reduce((s, t) => s + t.left.length, 0);
  const predictor = new XGBoostPredictor(booster);
  const x32 = Float32Array.from(test.features);
  predictor.margins({ data: x32, rows: test.rows, cols });
  let best = Infinity;
  let bestCpu = Infinity;
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    predictor.margins({ data: x32, rows: test.rows, cols });
    const c1 = process.cpuUsage(c0);
    best = Math.min(best, (performance.now() - t0) / 1000);
    bestCpu = Math.min(bestCpu, (c1.user + c1.system) / 1e6);
  }
  console.log(JSON.stringify({ case: "predict-100-trees-depth5", impl: "ours", rows: test.rows, trees: booster.trees.length, nodes, seconds: best, rowsPerSecond: Math.round(test.rows / best), rowsPerCpuSecond: Math.round(test.rows / bestCpu), load: load() }));
  const mean = (a, k) => a.reduce((s, x) => s + x[k], 0) / a.length;
  const summary = { case: "summary", oursSeconds: mean(ours, "seconds"), oursCpuSeconds: mean(ours, "cpuSeconds"), oursAp: mean(ours, "ap") };
  if (theirs.length) Object.assign(summary, { xgboostSeconds: mean(theirs, "seconds"), xgboostCpuSeconds: mean(theirs, "cpuSeconds"), xgboostAp: mean(theirs, "ap"), timeRatio: mean(ours, "seconds") / mean(theirs, "seconds"), apDelta: mean(ours, "ap") - mean(theirs, "ap") });
  console.log(JSON.stringify({ ...summary, load: load() }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
