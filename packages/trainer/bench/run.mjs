// Benchmark: first the whole `fraud-train local` command against scikit-learn on generated
// full-precision files (bench/command.mjs), then `fraud-train local` against scikit-learn's LogisticRegression(max_iter=1000) on the same
// 70/30 split, in the same run (bench/sklearn_compare.py does the split, the scikit-learn fits and
// runs fraud-train). Data: $BENCH_DATA (e.g. the real creditcard.csv) or a generated 284,807-row set.
// Prints one JSON line per case. Needs python3 (or $PYTHON) with scikit-learn, numpy and pandas, and a
// build (bin/fraud-train.js runs dist/).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { generateDataset, writeCreditCardCsv } from "@fraud/simulator";

const dir = mkdtempSync(join(tmpdir(), "trainer-bench-"));
const python = process.env.PYTHON ?? "python3";
try {
  let data = process.env.BENCH_DATA;
  if (!data) {
    data = join(dir, "generated.csv");
    await writeCreditCardCsv(data, generateDataset({ rows: 284_807, seed: 7 }));
  }
  const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");
  console.error(`data ${data}; ${cpus().length} cores, Node ${process.version}, load ${load()}`);
  // The whole command on full-precision files of 113 MB and 49 MB against scikit-learn's read +
  // StandardScaler + LogisticRegression fit, interleaved (bench/command.mjs).
  execFileSync(process.execPath, ["--conditions=@fraud/source", "--import", "tsx", "bench/command.mjs"], { stdio: ["ignore", "inherit", "inherit"] });
  // The full comparison (both scikit-learn fits, then fraud-train with Linear Learner's defaults).
  execFileSync(python, ["bench/sklearn_compare.py", data, dir, "0"], { stdio: ["ignore", "inherit", "inherit"] });
  // Other settings of fraud-train on the same split (the scikit-learn fits are not repeated).
  const cases = [
    ["--hp", "mini_batch_size=200"],
    ["--hp", "binary_classifier_model_selection_criteria=precision_at_target_recall", "--hp", "target_recall=0.9"],
    ["--workers", "1"],
    ["--balanced-variant"],
  ];
  for (const extra of cases) {
    execFileSync(python, ["bench/sklearn_compare.py", data, dir, "0", "--", ...extra], { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, SKLEARN_RAW: "0" } });
  }
  // XGBoost against real XGBoost 1.7.4 (training, quality, prediction), the Random Cut Forest
  // against IsolationForest (quality) and its training and scoring speed.
  for (const bench of ["xgboost.mjs", "rcf.mjs", "rcf-train.mjs", "rcf-score.mjs"]) {
    execFileSync(process.execPath, ["--conditions=@fraud/source", "--import", "tsx", `bench/${bench}`], { stdio: ["ignore", "inherit", "inherit"] });
  }
  // The simulator's calibration target for this trainer, over five seeds (in memory, no CSV).
  execFileSync(process.execPath, ["bench/calibration.mjs"], { stdio: ["ignore", "inherit", "inherit"] });
  console.error(`load at the end ${load()}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
