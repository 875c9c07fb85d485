// Benchmark of the whole `fraud-train local` command against scikit-learn's read + StandardScaler +
// LogisticRegression fit (bench/sklearn_command.py), on full-precision creditcard-layout files it
// generates (doubles with 16-17 significant digits, as pandas' to_csv writes them): a training file
// of BENCH_TRAIN_ROWS rows (default 199,365, about 113 MB) and a test file of BENCH_TEST_ROWS
// (default 85,442, about 49 MB). Both commands run as child processes, interleaved (ours, theirs,
// RUNS times) so the machine's load hits both alike; wall time from outside, start-up included.
// Prints one JSON line per run and a summary line: median wall seconds, their ratio, the test
// average precision of both, fraud-train's stage seconds, and the load average before and after.
// fraud-train runs twice per round: with its defaults (SageMaker's: the model picked by validation
// accuracy) and with binary_classifier_model_selection_criteria=loss_function (picked by
// validation log loss, the quantity LogisticRegression minimises: the like-for-like comparison).
// Runs fraud-train as users do, bin/fraud-train.js on the build (its nx target builds first), else
// from its TypeScript sources through tsx (slower to start, its workers too: said in the output);
// FRAUD_TRAIN names another launcher. Needs python3 (or $PYTHON) with pandas and scikit-learn;
// the comparison is skipped, visibly, without them.
// usage: node --conditions=@fraud/source --import tsx bench/command.mjs   env BENCH_RUNS (default 3)
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CSV_COLUMNS, generateDataset } from "@fraud/simulator";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TRAIN_ROWS = Number(process.env.BENCH_TRAIN_ROWS ?? 199_365);
const TEST_ROWS = Number(process.env.BENCH_TEST_ROWS ?? 85_442);
const here = fileURLToPath(new URL(".", import.meta.url));
const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Rows of a generated data set written with full double precision (each V nudged off its short decimal). */
function fullPrecisionCsv(path, rows, seed) {
  const data = generateDataset({ rows, seed });
  const lines = [CSV_COLUMNS.map((c) => `"${c}"`).join(",")];
  for (let r = 0; r < data.rows; r++) {
    const f = data.features.subarray(r * 30, r * 30 + 30);
    const row = [String(f[0])];
    for (let c = 1; c < 29; c++) row.push(String(f[c] * (1 + 1e-9 * (((r * 31 + c) % 97) + 1))));
    row.push(String(f[29]), String(data.labels[r]));
    lines.push(row.join(","));
  }
  writeFileSync(path, lines.join("\n") + "\n");
}

const python = [process.env.PYTHON ?? "python3", "/usr/bin/python3"].find((p) => spawnSync(p, ["-c", "import pandas, sklearn"], { stdio: "ignore" }).status === 0);
const built = existsSync(join(here, "..", "dist", "cli.js"));
const launcher = process.env.FRAUD_TRAIN ?? (built ? join(here, "..", "bin", "fraud-train.js") : null);
const ours = launcher ? [process.execPath, [launcher]] : [process.execPath, ["--conditions=@fraud/source", "--import", "tsx", join(here, "..", "src", "cli.ts")]];
const dir = mkdtempSync(join(tmpdir(), "trainer-command-bench-"));
try {
  const train = join(dir, "train.csv");
  const test = join(dir, "test.csv");
  fullPrecisionCsv(train, TRAIN_ROWS, 11);
  fullPrecisionCsv(test, TEST_ROWS, 12);
  const before = load();
  console.error(`train ${TRAIN_ROWS} rows, test ${TEST_ROWS} rows; ${availableParallelism()} cores, Node ${process.version}, load ${before}; fraud-train: ${launcher ?? "the TypeScript sources through tsx (not built)"}${python ? "" : "; scikit-learn comparison skipped: no python3 with pandas and scikit-learn"}`);
  const walls = { ours: [], oursLoss: [], sklearn: [] };
  let last = {};
  for (let i = 0; i < RUNS; i++) {
    const out = join(dir, `out${i}`);
    let t = performance.now();
    const a = spawnSync(ours[0], [...ours[1], "local", "--train", train, "--test", test, "--out", out, "--quiet"], { encoding: "utf8" });
    walls.ours.push((performance.now() - t) / 1000);
    if (a.status !== 0) throw new Error(`fraud-train failed: ${a.stderr}`);
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8"));
    last = { oursAp: metrics.test.prAuc, stages: metrics.stages };
    const line = { run: i + 1, oursSeconds: Number(walls.ours.at(-1).toFixed(2)), oursAp: Number(metrics.test.prAuc.toFixed(4)), stages: metrics.stages };
    t = performance.now();
    const c = spawnSync(ours[0], [...ours[1], "local", "--train", train, "--test", test, "--out", `${out}-loss`, "--quiet", "--hp", "binary_classifier_model_selection_criteria=loss_function"], { encoding: "utf8" });
    walls.oursLoss.push((performance.now() - t) / 1000);
    if (c.status !== 0) throw new Error(`fraud-train failed: ${c.stderr}`);
    last.oursLossAp = JSON.parse(readFileSync(join(`${out}-loss`, "metrics.json"), "utf8")).test.prAuc;
    Object.assign(line, { oursLossSeconds: Number(walls.oursLoss.at(-1).toFixed(2)), oursLossAp: Number(last.oursLossAp.toFixed(4)) });
    if (python) {
      t = performance.now();
      const b = spawnSync(python, [join(here, "sklearn_command.py"), train, test], { encoding: "utf8" });
      walls.sklearn.push((performance.now() - t) / 1000);
      if (b.status !== 0) throw new Error(`scikit-learn failed: ${b.stderr}`);
      const s = JSON.parse(b.stdout);
      last.sklearnAp = s.ap;
      Object.assign(line, { sklearnSeconds: Number(walls.sklearn.at(-1).toFixed(2)), sklearnAp: Number(s.ap.toFixed(4)), sklearnSteps: s });
    }
    line.load = load();
    console.log(JSON.stringify(line));
  }
  const summary = {
    case: "fraud-train local vs scikit-learn",
    runs: RUNS,
    oursMedianSeconds: Number(median(walls.ours).toFixed(2)),
    oursAp: Number(last.oursAp.toFixed(4)),
    oursLossMedianSeconds: Number(median(walls.oursLoss).toFixed(2)),
    oursLossAp: Number(last.oursLossAp.toFixed(4)),
  };
  if (python) {
    Object.assign(summary, {
      sklearnMedianSeconds: Number(median(walls.sklearn).toFixed(2)),
      sklearnAp: Number(last.sklearnAp.toFixed(4)),
      ratioMedian: Number((median(walls.ours) / median(walls.sklearn)).toFixed(2)),
      ratioPairs: walls.ours.map((w, i) => Number((w / walls.sklearn[i]).toFixed(2))),
      apDifference: Number((last.oursAp - last.sklearnAp).toFixed(4)),
      lossRatioMedian: Number((median(walls.oursLoss) / median(walls.sklearn)).toFixed(2)),
      lossApDifference: Number((last.oursLossAp - last.sklearnAp).toFixed(4)),
    });
  } else summary.sklearn = "skipped: no python3 with pandas and scikit-learn";
  summary.load = `${before} -> ${load()}`;
  console.log(JSON.stringify(summary));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
