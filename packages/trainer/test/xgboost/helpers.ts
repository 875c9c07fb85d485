// Shared by the XGBoost tests: the golden fixtures made by real XGBoost 1.7.4 (copied into
// test/fixtures/xgboost with the script that made them), and the real library when installed.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Folder of the golden fixtures. */
export const FIXTURES = fileURLToPath(new URL("../fixtures/xgboost/", import.meta.url));

/** The fixture cases. */
export const CASES = ["small-missing", "aws-solution-30", "base-score-depth2"] as const;

/** Reads a case's request rows (empty field = NaN) and the library's probabilities and margins. */
export function fixtureCase(name: string): { rows: number[][]; data: Float64Array; cols: number; probability: number[]; margin: number[] } {
  const rows = readFileSync(`${FIXTURES}${name}/input.csv`, "utf8")
    .trim()
    .split("\n")
    .map((l) => l.split(",").map((v) => (v === "" ? NaN : Number(v))));
  const expected = readFileSync(`${FIXTURES}${name}/expected.csv`, "utf8").trim().split("\n").slice(1).map((l) => l.split(",").map(Number));
  return { rows, data: new Float64Array(rows.flat()), cols: rows[0]!.length, probability: expected.map((e) => e[0]!), margin: expected.map((e) => e[1]!) };
}

/** The Python that has XGBoost 1.7.4 (Debian's python3-xgboost). */
export const PYTHON = "/usr/bin/python3";

/** Whether real XGBoost 1.7.4 can be run, and why not. */
export const realXGBoost: { available: boolean; reason: string } = (() => {
  const r = spawnSync(PYTHON, ["-c", "import xgboost, numpy; print(xgboost.__version__)"], { encoding: "utf8" });
  if (r.status !== 0) return { available: false, reason: `${PYTHON} cannot import xgboost (apt-get install python3-xgboost)` };
  const v = r.stdout.trim();
  return v === "1.7.4" ? { available: true, reason: "" } : { available: false, reason: `${PYTHON} has xgboost ${v}, not 1.7.4` };
})();

/**
 * Loads each model with real XGBoost (`Booster().load_model`, one Python process for all) and
 * predicts its rows (NaN = missing); returns the probabilities and margins of each.
 */
export function realPredict(jobs: { path: string; rows: number[][] }[]): { probability: number[]; margin: number[] }[] {
  const script = [
    "import sys, json, numpy as np, xgboost as xgb",
    "out = []",
    "for job in json.load(sys.stdin):",
    "    b = xgb.Booster(); b.load_model(job['path'])",
    "    X = np.array(job['rows'], dtype=np.float32)",
    "    d = xgb.DMatrix(X, missing=np.nan)",
    "    out.append({'probability': [float(v) for v in b.predict(d)], 'margin': [float(v) for v in b.predict(d, output_margin=True)]})",
    "print(json.dumps(out))",
  ].join("\n");
  const input = JSON.stringify(jobs.map((j) => ({ path: j.path, rows: j.rows.map((r) => r.map((v) => (Number.isNaN(v) ? null : v))) }))).replaceAll("null", "NaN");
  const r = spawnSync(PYTHON, ["-c", script], { input, encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`xgboost failed: ${r.stderr.trim().split("\n").slice(-1)[0]}`);
  return JSON.parse(r.stdout) as { probability: number[]; margin: number[] }[];
}
