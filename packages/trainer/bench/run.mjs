// Benchmark: fraud-train (default settings) against scikit-learn's LogisticRegression on the same
// 70/30 split. Data: $BENCH_DATA (e.g. the real creditcard.csv) or a generated 284,807-row set.
// Prints one JSON line per case. Needs python3 (or $PYTHON) with scikit-learn, numpy and pandas.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir, cpus } from "node:os";
import { join } from "node:path";
import { generateDataset, writeCreditCardCsv } from "@fraud/simulator";

const dir = mkdtempSync(join(tmpdir(), "trainer-bench-"));
try {
  let data = process.env.BENCH_DATA;
  if (!data) {
    data = join(dir, "generated.csv");
    await writeCreditCardCsv(data, generateDataset({ rows: 284_807, seed: 7 }));
  }
  console.error(`data ${data}; ${cpus().length} cores, Node ${process.version}`);
  const sk = execFileSync(process.env.PYTHON ?? "python3", ["bench/sklearn_compare.py", data, dir, "0"], { encoding: "utf8" });
  process.stdout.write(sk);
  const cases = [
    ["fraud-train local (defaults)", []],
    ["fraud-train local (mini_batch_size=200, as the original notebook)", ["--hp", "mini_batch_size=200"]],
    ["fraud-train local (precision_at_target_recall, target_recall=0.9)", ["--hp", "binary_classifier_model_selection_criteria=precision_at_target_recall", "--hp", "target_recall=0.9"]],
  ];
  for (const [name, extra] of cases) {
    const out = join(dir, `out-${cases.findIndex((c) => c[0] === name)}`);
    const started = performance.now();
    execFileSync(process.execPath, ["bin/fraud-train.js", "local", "--train", join(dir, "train.csv"), "--test", join(dir, "test.csv"), "--out", out, "--seed", "0", "--quiet", ...extra], { stdio: ["ignore", "ignore", "inherit"] });
    const wall = (performance.now() - started) / 1000;
    const m = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8"));
    const r4 = (x) => Math.round(x * 1e4) / 1e4;
    console.log(JSON.stringify({ case: name, trainSeconds: Number(m.trainSeconds.toFixed(3)), wallSeconds: Number(wall.toFixed(2)), prAuc: r4(m.test.prAuc), rocAuc: r4(m.test.rocAuc), precision: r4(m.test.precision), recall: r4(m.test.recall), threshold: r4(m.threshold) }));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
