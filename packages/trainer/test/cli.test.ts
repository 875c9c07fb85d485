// The fraud-train CLI, run as a child process from the sources.
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_MAX_LINE_BYTES, generateDataset, writeCreditCardCsv } from "@fraud/simulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadModel } from "@fraud/trainer";
import { HAVE_REAL, REAL_DIR as FIXTURES, REAL_SKIP_NOTE } from "./helpers/linear-learner.js";

const here = dirname(fileURLToPath(import.meta.url));
const CLI = resolve(here, "../src/cli.ts");
const REGRESSOR = fileURLToPath(new URL("./fixtures/linear-learner/regressor-3/model.tar.gz", import.meta.url));

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(process.execPath, ["--conditions=@fraud/source", "--import", "tsx", CLI, ...args], { cwd: here }, (err, stdout, stderr) => {
      res({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

let dir = "";
let csv = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "fraud-train-cli-"));
  csv = join(dir, "data.csv");
  await writeCreditCardCsv(csv, generateDataset({ rows: 12_000, seed: 4, fraudRate: 0.02 }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HP = ["--hp", "epochs=3", "--hp", "num_models=2", "--hp", "mini_batch_size=200", "--workers", "1"];
/** Small models for `compare`. */
const COMPARE_HP = ["--hp", "linear-learner.epochs=3", "--hp", "linear-learner.num_models=2", "--hp", "xgboost.num_round=10", "--workers", "1"];

/** `fraud-train compare` given bad flags: exit code and the one line it prints. */
const compareCases: [string, () => Promise<string[]>, number, RegExp][] = (
  [
    ["compare without --data", [], 2, /^fraud-train: required option '--data <file>' not specified\n$/],
    ["compare of an unknown algorithm", ["--algorithms", "linear-learner,svm"], 2, /^fraud-train: option '--algorithms <list>' argument 'linear-learner,svm' is invalid\. --algorithms takes a comma-separated list of linear-learner, xgboost, got "svm"\n$/],
    ["compare of a detector as a classifier", ["--algorithms", "randomcutforest"], 2, /--algorithms: randomcutforest is an anomaly detector; compare it with --detector randomcutforest\n$/],
    ["compare of a classifier twice", ["--algorithms", "xgboost,xgboost"], 2, /--algorithms: xgboost is listed twice\n$/],
    ["compare --smote-variant without XGBoost", ["--algorithms", "linear-learner", "--smote-variant"], 2, /^fraud-train: --smote-variant alone is XGBoost's: add xgboost to --algorithms, or name the classifiers \(--smote-variant linear-learner\)\n$/],
    ["compare --smote-variant of an unknown algorithm", ["--smote-variant", "svm"], 2, /^fraud-train: --smote-variant takes a comma-separated list of linear-learner, xgboost, got "svm"\n$/],
    ["compare --smote-variant of an algorithm not compared", ["--algorithms", "xgboost", "--smote-variant", "linear-learner"], 2, /^fraud-train: --smote-variant linear-learner: not in --algorithms \(xgboost\)\n$/],
    ["compare with a classifier as the detector", ["--detector", "xgboost"], 2, /--detector must be one of randomcutforest, got "xgboost"\n$/],
    ["compare --hp without an algorithm", ["--hp", "max_depth=5"], 2, /^fraud-train: --hp takes algorithm\.key=value \(e\.g\. xgboost\.max_depth=5\), got "max_depth=5"\n$/],
    ["compare --hp of an algorithm not compared", ["--hp", "randomcutforest.num_trees=50"], 2, /^fraud-train: --hp "randomcutforest\.num_trees=50": randomcutforest is not compared here \(linear-learner, xgboost\)\n$/],
    ["compare --hp with a bad value", ["--hp", "xgboost.eta=5"], 1, /^fraud-train: hyperparameter eta=5 is not valid: must be a number in \[0, 1\]\n$/],
    ["compare --hp given twice", ["--hp", "xgboost.eta=0.1", "--hp", "xgboost.eta=0.2"], 1, /^fraud-train: hyperparameter eta given twice\n$/],
    ["compare with an unknown flag", ["--bogus"], 2, /^fraud-train: unknown option '--bogus'\n$/],
    ["compare with a bad --seed", ["--seed", "-1"], 2, /--seed must be an integer >= 0, got "-1"\n$/],
    ["compare of a missing file", ["--data", "/no/such/dir/data.csv"], 1, /^fraud-train: .*\/no\/such\/dir\/data\.csv/],
  ] as [string, string[], number, RegExp][]
).map(([name, extra, code, stderr], i) => [
  name,
  () => Promise.resolve(["compare", ...(name === "compare without --data" || extra.includes("--data") ? [] : ["--data", csv]), "--out", join(dir, `c${i}`), ...extra]),
  code,
  stderr,
]);

describe("fraud-train local and evaluate", () => {
  it("trains, writes the three outputs, and evaluate re-scores the model identically", async () => {
    const out = join(dir, "out");
    const r = await run(["local", "--data", csv, "--out", out, "--seed", "3", ...HP]);
    expect(r.stderr).toContain("shard-epochs");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Linear Learner \(linear-learner\)\nset\s+rows\s+frauds\s+precision/);
    expect((await readdir(out)).sort()).toEqual(["metrics.json", "model.tar.gz", "report.html"]);
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8"));
    for (const k of ["precision", "recall", "f1", "accuracy", "balancedAccuracy", "rocAuc", "prAuc", "kappa"]) expect(typeof metrics.test[k]).toBe("number");
    expect(Object.keys(metrics.test.confusion).sort()).toEqual(["fn", "fp", "tn", "tp"]);
    expect(metrics.test.rows).toBe(1800);
    expect(typeof metrics.trainSeconds).toBe("number");
    expect(metrics.hyperparameters.epochs).toBe(3);
    const model = await loadModel(join(out, "model.tar.gz"));
    expect(model.threshold).toBe(metrics.threshold);
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html).toContain("<svg");
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);

    const evalOut = join(dir, "eval");
    const e = await run(["evaluate", "--model", join(out, "model.tar.gz"), "--data", csv, "--out", evalOut]);
    expect(e.code).toBe(0);
    const em = JSON.parse(readFileSync(join(evalOut, "metrics.json"), "utf8"));
    expect(em.test.rows).toBe(12_000);
    expect(em.threshold).toBe(metrics.threshold);
  });

  it.skipIf(!HAVE_REAL)(`evaluates a real SageMaker artifact only if it has the 30 features${REAL_SKIP_NOTE}`, async () => {
    const out = join(dir, "eval-attrition");
    const e = await run(["evaluate", "--model", join(FIXTURES, "attrition-binary", "model.tar.gz"), "--data", csv, "--out", out]);
    expect(e.code).toBe(1);
    expect(e.stderr).toMatch(/^fraud-train: .*attrition-binary\/model\.tar\.gz: the model expects 20 features, .* has 30 \(Time\.\.Amount\)\n$/);
    expect(existsSync(out)).toBe(false);
  });

  const bad: [string, () => Promise<string[]>, number, RegExp][] = [
    ...(HAVE_REAL
      ? [["a Factorization Machines model", async () => ["evaluate", "--model", join(FIXTURES, "OTHER-fm-movielens-regressor", "model.tar.gz"), "--data", csv, "--out", join(dir, "x1")], 1, /a SageMaker Factorization Machines model .*not Linear Learner\n$/] as [string, () => Promise<string[]>, number, RegExp]]
      : []),
    ["a regressor", async () => ["evaluate", "--model", REGRESSOR, "--data", csv, "--out", join(dir, "x2")], 1, /evaluate needs a binary_classifier or anomaly_detector model, this one is a regressor\n$/],
    ["a corrupt model", async () => { const f = join(dir, "bad.tar.gz"); await writeFile(f, "nope"); return ["evaluate", "--model", f, "--data", csv, "--out", join(dir, "x3")]; }, 1, /bad\.tar\.gz: not a model\.tar\.gz/],
    ["an unknown algorithm", async () => ["local", "--data", csv, "--out", join(dir, "x9"), "--algorithm", "svm"], 2, /--algorithm must be one of linear-learner, xgboost, randomcutforest, got "svm"/],
    ["a bad hyperparameter", async () => ["local", "--data", csv, "--out", join(dir, "x4"), "--hp", "epochs=0"], 1, /^fraud-train: hyperparameter epochs=0 is not valid: must be an integer >= 1\n$/],
    ["an unknown hyperparameter", async () => ["local", "--data", csv, "--out", join(dir, "x5"), "--hp", "speed=9"], 1, /^fraud-train: unknown hyperparameter speed \(valid: /],
    ["a missing data file", async () => ["local", "--data", join(dir, "none.csv"), "--out", join(dir, "x6")], 1, /none\.csv/],
    ["a CSV without the Class column", async () => { const f = join(dir, "nocls.csv"); await writeFile(f, "Time,V1\n1,2\n"); return ["local", "--data", f, "--out", join(dir, "x7")]; }, 1, /^fraud-train: .*nocls\.csv/],
    ["a label of 2", async () => { const f = join(dir, "lbl.csv"); const lines = readFileSync(csv, "utf8").split("\n"); lines[5] = lines[5]!.replace(/,"?0"?$/, ",2"); await writeFile(f, lines.join("\n")); return ["local", "--data", f, "--out", join(dir, "x8")]; }, 1, /lbl\.csv/],
    ["no positives", async () => { const f = join(dir, "neg.csv"); const lines = readFileSync(csv, "utf8").split("\n").filter((l, i) => i === 0 || !/,"?1"?$/.test(l)); await writeFile(f, lines.join("\n")); return ["local", "--data", f, "--out", join(dir, "x9")]; }, 1, /no positive examples \(Class=1\)/],
    ["--data with --train", async () => ["local", "--data", csv, "--train", csv, "--out", join(dir, "x10")], 2, /^fraud-train: option '--data <file>' cannot be used with option '--train <file>'\n$/],
    ["no data at all", async () => ["local", "--out", join(dir, "x11")], 2, /^fraud-train: give --data FILE or --train FILE\n$/],
    ["a missing --out", async () => ["evaluate", "--model", "m", "--data", csv], 2, /^fraud-train: required option '--out <dir>' not specified\n$/],
    ["a line over the CSV reader's limit", async () => { const f = join(dir, "long.csv"); const lines = readFileSync(csv, "utf8").split("\n").slice(0, 3); lines.push("1".repeat(DEFAULT_MAX_LINE_BYTES * 2)); await writeFile(f, lines.join("\n")); return ["local", "--data", f, "--out", join(dir, "x14")]; }, 1, new RegExp(`^fraud-train: .*long\\.csv:4:1: line is longer than ${DEFAULT_MAX_LINE_BYTES} bytes \\(maxLineBytes\\)\\n$`)],
    ["an --out the system refuses", async () => ["local", "--data", csv, "--out", "/proc/fraud-train/out", ...HP], 1, /^fraud-train: \/proc\/fraud-train: cannot create directory \(E[A-Z]+\)\n$/],
    ["a bad --seed", async () => ["local", "--data", csv, "--out", join(dir, "x12"), "--seed", "x".repeat(200)], 2, /--seed must be an integer >= 0, got "x{77}\.\.\."\n$/],
    ["a training hyperparameter given to evaluate", async () => ["evaluate", "--model", "m", "--data", csv, "--out", join(dir, "x13"), "--hp", "epochs=3"], 2, /^fraud-train: --hp epochs: evaluate takes only f_beta, target_recall, target_precision\n$/],
    ["--smote for an anomaly detector", async () => ["local", "--data", csv, "--out", join(dir, "x15"), "--algorithm", "randomcutforest", "--smote"], 2, /^fraud-train: --smote oversamples a classifier's training split; randomcutforest is an anomaly detector\n$/],
    ...compareCases,
  ];
  it.each(bad)("fails cleanly on %s, writing nothing", async (_name, args, code, stderr) => {
    const argv = await args();
    const r = await run(argv);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(stderr);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const out = argv[argv.indexOf("--out") + 1]!;
    if (argv.includes("--out")) expect(existsSync(out) ? await readdir(out) : []).toEqual([]);
  });

  it("reports every criterion's operating point, with the balanced-weight grid on request", async () => {
    const out = join(dir, "balanced");
    const r = await run(["local", "--data", csv, "--out", out, "--balanced-variant", "--quiet", ...HP.slice(0, -2)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^threshold 0\.\d{4} \(accuracy\): highest validation accuracy/m);
    expect(r.stdout).toMatch(/^\* accuracy\s+0\.\d{4}\s+\d\.\d{4}\s+\d\.\d{4}$/m);
    for (const c of ["f_beta", "precision_at_target_recall", "recall_at_target_precision", "loss_function"]) expect(r.stdout).toMatch(new RegExp(`^  ${c} \\(balanced\\)`, "m"));
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8"));
    expect(metrics.operatingPoints.points).toHaveLength(10);
  });

  it("compare: trains every model on one split and prints the combined figures", async () => {
    const out = join(dir, "compare");
    const r = await run(["compare", "--data", csv, "--out", out, "--seed", "2", "--smote-variant", "--detector", "randomcutforest", "--hp", "randomcutforest.num_trees=50", ...COMPARE_HP]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^\[1\/4\] training Linear Learner…\n/);
    expect(r.stderr).toMatch(/\[4\/4\] Random Cut Forest done in [\d.]+ s\n$/);
    expect(r.stdout).toMatch(/^models on the same split \(stratified 70\/15\/15, seed 2\); test: 1800 rows, 36 frauds;/);
    for (const title of ["Linear Learner", "XGBoost", "XGBoost \\+ SMOTE"]) expect(r.stdout).toMatch(new RegExp(`^[* ] ${title}\\s+\\d\\.\\d{4}\\s+\\d\\.\\d{4}`, "m"));
    expect(r.stdout).toMatch(/^Random Cut Forest \(anomaly score\): test ROC AUC \d\.\d{4}, AP \d\.\d{4}; anomaly threshold [\d.]+ flags \d+ test rows/m);
    expect(r.stdout).toMatch(/^ {2}XGBoost \+ SMOTE: alone precision [\d.]+, recall [\d.]+; misses \d+ frauds, the anomaly flag catches \d+ of them \([\d.]+%\); or-rule precision [\d.]+, recall [\d.]+ \(\+\d+ false positives\)$/m);
    const doc = JSON.parse(readFileSync(join(out, "compare.json"), "utf8"));
    expect(doc.classifiers.map((c: { name: string }) => c.name)).toEqual(["linear-learner", "xgboost", "xgboost-smote"]);
    expect((await readdir(out)).sort()).toEqual(["compare.html", "compare.json", "linear-learner", "randomcutforest", "xgboost", "xgboost-smote"]);
  });

  it("local names the algorithm; an anomaly detector prints its score's quality, not classifier criteria", async () => {
    const out = join(dir, "rcf");
    const r = await run(["local", "--data", csv, "--out", out, "--algorithm", "randomcutforest", "--hp", "num_trees=50", "--quiet"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Random Cut Forest \(randomcutforest\)\n/);
    expect(r.stdout).toMatch(/^anomaly score against the fraud label \(anomaly threshold \d+\.\d{4}: mean /m);
    expect(r.stdout).toMatch(/^ {2}test: ROC AUC 0\.\d{4}, AP 0\.\d{4}; the threshold flags \d+ of 1800 rows \([\d.]+%\)$/m);
    expect(r.stdout).not.toMatch(/loss_function|operating points|criterion/);
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8"));
    expect(metrics.anomalyScore.test.rocAuc).toBe(metrics.test.rocAuc);
    expect(metrics.anomalyScore.test.averagePrecision).toBe(metrics.test.prAuc);

    const s = await run(["local", "--data", csv, "--out", join(dir, "smote"), "--algorithm", "xgboost", "--smote", "--hp", "num_round=5", "--quiet"]);
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/^XGBoost \+ SMOTE \(xgboost\)\n/);
    expect(s.stdout).toMatch(/^SMOTE \(k=5\): training split 8400 rows, 168 frauds → 16464 rows, 8232 frauds$/m);
  });

  it("has --help on every command", async () => {
    for (const args of [["--help"], ["local", "--help"], ["evaluate", "--help"], ["compare", "--help"]]) {
      const r = await run(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("Usage: fraud-train");
    }
  });
});
