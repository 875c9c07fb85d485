// Benchmark of the XGBoost trainer and predictor against real XGBoost 1.7.4 (`hist`, nthread=2),
// interleaved on the same data in the same run: a simulator data set of 284,807 rows (seed 42),
// split 70/15/15 as `fraud-train` splits it; the AWS solution's hyperparameters (max_depth 5,
// eta 0.2, gamma 4, min_child_weight 6, subsample 0.8, num_round 100, scale_pos_weight
// √(neg/pos)); three seeds; ours on two threads (the default from 50,000 rows). Then prediction
// with 100 trees of depth 5: ours on one core against XGBoost's `inplace_predict` with nthread=1
// on the same model, alternated. Also Linear Learner with its defaults on the same split (trained
// on the training part, validated on the validation part, as `fraud-train local` does), for the
// quality target against it. Prints one JSON line per measurement (with the load average and
// `uptime`) and a summary line.
// Run: node bench/xgboost.mjs   (loads the TypeScript sources through tsx; needs /usr/bin/python3
// with xgboost 1.7.4, else only our side runs). Env: XGB_BENCH_SEEDS (default 0,1,2), XGB_BENCH_ROWS,
// XGB_BENCH_ONE_THREAD=1 (also train ours with threads: 1 after each two-thread run: same model,
// the time the helper thread saves), XGB_BENCH_DATA=file.csv (a creditcard-layout file instead of
// the simulator's data, e.g. one bench/rcf_data.py wrote).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { tsImport } from "tsx/esm/api";

const src = (p) => tsImport(new URL(`../src/${p}`, import.meta.url).href, import.meta.url);
const { generateDataset, readCreditCardCsv } = await tsImport("@fraud/simulator", import.meta.url);
const { stratifiedSplit, DEFAULT_SPLIT } = await src("data.ts");
const { averagePrecision, sweep } = await src("metrics.ts");
const { trainXGBoost } = await src("models/xgboost/train.ts");
const { XGBoostPredictor } = await src("models/xgboost/predict.ts");
const { trainLinearLearner } = await src("train.ts");
const { encodeXGBoostModel } = await src("models/xgboost/write.ts");

const PYTHON = "/usr/bin/python3";
const rows = Number(process.env.XGB_BENCH_ROWS ?? 284_807);
const seeds = (process.env.XGB_BENCH_SEEDS ?? "0,1,2").split(",").map(Number);
const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");
const uptime = () => {
  try {
    return execFileSync("uptime", { encoding: "utf8" }).trim();
  } catch {
    return `load average: ${load()}`;
  }
};
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

// inplace_predict (margins) on one thread, best of `reps`: wall and CPU seconds
const PY_PREDICT = `
import sys, json, time, numpy as np, xgboost as xgb
d, cols, model, reps = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
X = np.fromfile(f"{d}/test.x", dtype=np.float32).reshape(-1, cols)
b = xgb.Booster(); b.load_model(model); b.set_param({"nthread": 1})
m = b.inplace_predict(X, predict_type="margin")
best, bestCpu = float("inf"), float("inf")
for _ in range(reps):
    t0 = time.perf_counter(); c0 = time.process_time()
    m = b.inplace_predict(X, predict_type="margin")
    best = min(best, time.perf_counter() - t0); bestCpu = min(bestCpu, time.process_time() - c0)
np.asarray(m, dtype=np.float32).tofile(f"{d}/xgb-margins.f32")
print(json.dumps({"seconds": best, "cpuSeconds": bestCpu}))
`;

try {
  const data = process.env.XGB_BENCH_DATA ? await readCreditCardCsv(process.env.XGB_BENCH_DATA) : generateDataset({ rows, seed: 42 });
  const [train, validation, test] = stratifiedSplit(data, DEFAULT_SPLIT.fractions, 42, DEFAULT_SPLIT.names);
  const cols = 30;
  for (const [name, d] of [["train", train], ["test", test]]) {
    writeFileSync(join(dir, `${name}.x`), Float32Array.from(d.features));
    writeFileSync(join(dir, `${name}.y`), d.labels);
  }
  let pos = 0;
  for (const l of train.labels) pos += l;
  const spw = Math.sqrt((train.rows - pos) / pos);
  console.error(`${process.env.XGB_BENCH_DATA ?? "simulator data"}: ${data.rows} rows (train ${train.rows}, test ${test.rows}); ${cpus().length} cores, ${cpus()[0]?.model}, Node ${process.version}, load ${load()}; xgboost ${hasXgb ? "1.7.4" : "absent"}`);
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
    const { booster, threads } = trainXGBoost(train, { hyperparameters: { max_depth: 5, eta: 0.2, gamma: 4, min_child_weight: 6, subsample: 0.8, num_round: 100, scale_pos_weight: spw, seed }, cols });
    const seconds = (performance.now() - t0) / 1000;
    const c1 = process.cpuUsage(c0);
    const cpuSeconds = (c1.user + c1.system) / 1e6;
    const p = new XGBoostPredictor(booster).probabilities({ data: test.features, rows: test.rows, cols });
    const ap = averagePrecision(sweep(p, test.labels));
    ours.push({ seconds, cpuSeconds, ap });
    console.log(JSON.stringify({ case: "train-aws-hp", impl: `ours-${threads}-threads`, seed, seconds, cpuSeconds, testAp: ap, load: load(), uptime: uptime() }));
    if (process.env.XGB_BENCH_ONE_THREAD === "1") {
      const t1 = performance.now();
      const c2 = process.cpuUsage();
      const one = trainXGBoost(train, { hyperparameters: { max_depth: 5, eta: 0.2, gamma: 4, min_child_weight: 6, subsample: 0.8, num_round: 100, scale_pos_weight: spw, seed }, cols, threads: 1 });
      const c3 = process.cpuUsage(c2);
      const same = Buffer.from(encodeXGBoostModel(one.booster)).equals(Buffer.from(encodeXGBoostModel(booster)));
      console.log(JSON.stringify({ case: "train-aws-hp", impl: "ours-1-thread", seed, seconds: (performance.now() - t1) / 1000, cpuSeconds: (c3.user + c3.system) / 1e6, sameModelAsTwoThreads: same, load: load(), uptime: uptime() }));
    }
  }
  // Linear Learner, defaults, same split: the quality bar XGBoost must clear by 0.05 AP (on the
  // calling thread: the same model as with workers)
  const ll = await trainLinearLearner(train, validation, { seed: 0, workers: 1 });
  const llAp = averagePrecision(sweep(ll.model.scores({ data: test.features, rows: test.rows, cols }), test.labels));
  console.log(JSON.stringify({ case: "linear-learner-defaults", testAp: llAp, trainSeconds: ll.trainSeconds, load: load() }));
  // Embedded prediction: 100 trees of depth 5 on one core.
  const { booster } = trainXGBoost(train, { hyperparameters: { max_depth: 5, eta: 0.2, num_round: 100, min_child_weight: 0, seed: 0 }, cols });
  const nodes = booster.trees.reduce((s, t) => s + t.left.length, 0);
  const predictor = new XGBoostPredictor(booster);
  const x32 = Float32Array.from(test.features);
  const modelPath = join(dir, "predict-model.json");
  writeFileSync(modelPath, encodeXGBoostModel(booster));
  const ourPredict = () => {
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
    return { seconds: best, cpuSeconds: bestCpu };
  };
  const predicts = { ours: [], xgboost: [] };
  for (let round = 0; round < 3; round++) {
    if (hasXgb) {
      const r = JSON.parse(execFileSync(PYTHON, ["-c", PY_PREDICT, dir, String(cols), modelPath, "7"], { encoding: "utf8", env: { ...process.env, OMP_NUM_THREADS: "1" } }));
      predicts.xgboost.push(r);
      console.log(JSON.stringify({ case: "predict-100-trees-depth5", impl: "xgboost-1.7.4-inplace_predict-nthread1", rows: test.rows, seconds: r.seconds, rowsPerSecond: Math.round(test.rows / r.seconds), rowsPerCpuSecond: Math.round(test.rows / r.cpuSeconds), load: load(), uptime: uptime() }));
    }
    const r = ourPredict();
    predicts.ours.push(r);
    console.log(JSON.stringify({ case: "predict-100-trees-depth5", impl: `ours-${predictor.layout}`, rows: test.rows, trees: booster.trees.length, nodes, seconds: r.seconds, rowsPerSecond: Math.round(test.rows / r.seconds), rowsPerCpuSecond: Math.round(test.rows / r.cpuSeconds), load: load(), uptime: uptime() }));
  }
  if (hasXgb) {
    // the same margins as XGBoost's, bit for bit
    const theirs = new Float32Array(readFileSync(join(dir, "xgb-margins.f32")).buffer.slice(0));
    const ours = predictor.margins({ data: x32, rows: test.rows, cols });
    let differ = 0;
    for (let i = 0; i < ours.length; i++) if (!Object.is(ours[i], theirs[i])) differ++;
    console.log(JSON.stringify({ case: "predict-margins-equal", rows: ours.length, differingRows: differ }));
  }
  const bestOf = (a, k) => Math.min(...a.map((x) => x[k]));
  const mean = (a, k) => a.reduce((s, x) => s + x[k], 0) / a.length;
  const summary = { case: "summary", oursSeconds: mean(ours, "seconds"), oursCpuSeconds: mean(ours, "cpuSeconds"), oursAp: mean(ours, "ap"), linearLearnerAp: llAp, apOverLinearLearner: mean(ours, "ap") - llAp, oursPredictRowsPerSecond: Math.round(test.rows / bestOf(predicts.ours, "seconds")), oursPredictRowsPerCpuSecond: Math.round(test.rows / bestOf(predicts.ours, "cpuSeconds")) };
  if (theirs.length) Object.assign(summary, { xgboostSeconds: mean(theirs, "seconds"), xgboostCpuSeconds: mean(theirs, "cpuSeconds"), xgboostAp: mean(theirs, "ap"), timeRatio: mean(ours, "seconds") / mean(theirs, "seconds"), apDelta: mean(ours, "ap") - mean(theirs, "ap"), xgboostPredictRowsPerSecond: Math.round(test.rows / bestOf(predicts.xgboost, "seconds")), xgboostPredictRowsPerCpuSecond: Math.round(test.rows / bestOf(predicts.xgboost, "cpuSeconds")) });
  console.log(JSON.stringify({ ...summary, load: load(), uptime: uptime() }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
