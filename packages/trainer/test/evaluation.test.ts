// Operating points, the stepwise PR curve, metrics.json and the report, in-memory data, outputs and
// the worker pool's failures.
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { generateDataset, writeCreditCardCsv } from "@fraud/simulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SPLIT, TrainError, runEvaluation, runLocalTraining, stratifiedSplit, trainLinearLearner } from "@fraud/trainer";
import type { Dataset, MetricsDocument, TrainResult } from "@fraud/trainer";
import { prSteps } from "../src/charts.js";
import { averagePrecision, chooseThreshold, sweep } from "../src/metrics.js";
import { commitFiles, ensureDir } from "../src/outputs.js";
import { WorkerPool } from "../src/pool.js";
import type { KernelJob } from "../src/kernel.js";

const fast = { epochs: 3, num_models: 4, mini_batch_size: 200 };
const data = generateDataset({ rows: 20_000, seed: 21, fraudRate: 0.02 });
const [train, validation, test] = stratifiedSplit(data, DEFAULT_SPLIT.fractions, 2, DEFAULT_SPLIT.names) as [Dataset, Dataset, Dataset];
const criteria = ["accuracy", "f_beta", "precision_at_target_recall", "recall_at_target_precision", "loss_function"] as const;

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "fraud-train-eval-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("prSteps", () => {
  it("draws a step function whose area is the average precision (property)", () => {
    const scored = fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }).map((s) => s / 30), fc.constantFrom(0, 1)), { minLength: 2, maxLength: 80 }).filter((xs) => xs.some(([, y]) => y === 1));
    fc.assert(
      fc.property(scored, (xs) => {
        const s = sweep(
          xs.map(([v]) => v),
          xs.map(([, y]) => y),
        );
        const pts = prSteps(s);
        let area = 0;
        for (let i = 0; i < pts.length; i += 2) {
          const [x0, y0] = pts[i]!;
          const [x1, y1] = pts[i + 1]!;
          expect(y1).toBe(y0); // horizontal run at one precision
          if (i > 0) expect(x0).toBe(pts[i - 1]![0]); // joined by a vertical drop
          area += (x1 - x0) * y0;
        }
        expect(area).toBeCloseTo(averagePrecision(s), 12);
      }),
    );
  });
});

describe("operating points", () => {
  let run: TrainResult;
  let metrics: MetricsDocument;
  beforeAll(async () => {
    const out = await runLocalTraining({ train, validation, test, out: join(dir, "run"), seed: 4, hyperparameters: fast, balancedVariant: true });
    run = out.result!;
    metrics = out.metrics;
  });

  it("holds one point per criterion and weighting, the saved threshold marked", () => {
    const op = metrics.operatingPoints!;
    expect(op.tunedOn).toBe("validation");
    expect(op.points.map((p) => `${p.weights}:${p.criterion}`)).toEqual([...criteria.map((c) => `given:${c}`), ...criteria.map((c) => `balanced:${c}`)]);
    const saved = op.points.filter((p) => p.selected);
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ criterion: "accuracy", weights: "given", threshold: metrics.threshold, model: run.selectedModel });
    expect(saved[0]!.test!.confusion).toEqual(metrics.test!.confusion);
    expect(metrics.thresholdCriterion).toBe("accuracy");
    expect(op.points.find((p) => p.criterion === "loss_function")!.threshold).toBe(0.5);
  });

  it("tunes each threshold on validation for the model the criterion picks", () => {
    for (const p of metrics.operatingPoints!.points) {
      const outcome = (p.weights === "given" ? run.criteria : run.balanced!.criteria).find((o) => o.criterion === p.criterion)!;
      const scores = outcome.model.scores({ data: validation.features, rows: validation.rows });
      const settings = { beta: 1, targetRecall: 0.8, targetPrecision: 0.8 };
      expect(chooseThreshold(scores, validation.labels, p.criterion, settings).threshold).toBe(p.threshold);
      const testScores = outcome.model.scores({ data: test.features, rows: test.rows });
      const tp = testScores.filter((s, i) => s >= p.threshold && test.labels[i] === 1).length;
      expect(p.test!.confusion.tp).toBe(tp);
    }
  });

  it("trains the balanced grid with n_negative / n_positive on the same mini-batches", () => {
    let pos = 0;
    for (const l of train.labels) pos += l;
    expect(run.balanced!.positiveWeight).toBeCloseTo((train.rows - pos) / pos, 12);
    expect(run.balanced!.models.map((m) => m.learningRate)).toEqual(run.models.map((m) => m.learningRate));
    expect(metrics.balancedModels).toHaveLength(4);
  });

  it.each(["f_beta", "precision_at_target_recall"] as const)("equal what a run with %s picks", async (criterion) => {
    const other = await trainLinearLearner(train, validation, { seed: 4, hyperparameters: { ...fast, binary_classifier_model_selection_criteria: criterion } });
    const outcome = run.criteria.find((o) => o.criterion === criterion)!;
    expect(other.selectedModel).toBe(outcome.modelIndex);
    expect(other.model.threshold).toBe(outcome.choice.threshold);
    expect(Array.from(other.model.weights)).toEqual(Array.from(outcome.model.weights));
  });

  it("keeps every metrics.json field of the contract and the report shows the points", async () => {
    const doc = JSON.parse(await readFile(join(dir, "run", "metrics.json"), "utf8")) as MetricsDocument;
    for (const k of ["threshold", "trainSeconds"] as const) expect(typeof doc[k]).toBe("number");
    for (const k of ["precision", "recall", "f1", "accuracy", "balancedAccuracy", "rocAuc", "prAuc"] as const) expect(typeof doc.test![k]).toBe("number");
    expect(Object.keys(doc.test!.confusion).sort()).toEqual(["fn", "fp", "tn", "tp"]);
    expect(doc.operatingPoints!.points).toHaveLength(10);
    expect(doc.data["test"]).toMatchObject({ rows: test.rows });
    expect(doc.data["source"]).not.toHaveProperty("file");
    const html = await readFile(join(dir, "run", "report.html"), "utf8");
    expect(html).toContain("Operating points of the selection criteria");
    expect(html).toContain("precision_at_target_recall");
    expect(html).toContain("Precision–recall (steps)");
    expect(html).not.toMatch(/<script/i);
  });
});

describe("runLocalTraining and runEvaluation", () => {
  it("trains from one in-memory data set split DEFAULT_SPLIT", async () => {
    const { metrics } = await runLocalTraining({ data, out: join(dir, "mem"), seed: 2, hyperparameters: fast, workers: 1 });
    expect(metrics.data["split"]).toBe("stratified 70/15/15");
    expect([metrics.validation!.rows, metrics.test!.rows]).toEqual([validation.rows, test.rows]);
    expect((await readdir(join(dir, "mem"))).sort()).toEqual(["metrics.json", "model.tar.gz", "report.html"]);
  });

  it("reads the test file on a worker while the training file loads", async () => {
    const trainCsv = join(dir, "train.csv");
    const testCsv = join(dir, "test.csv");
    await writeCreditCardCsv(trainCsv, train);
    await writeCreditCardCsv(testCsv, test);
    const { metrics } = await runLocalTraining({ train: trainCsv, test: testCsv, out: join(dir, "files"), seed: 2, hyperparameters: fast, workers: 2 });
    expect(metrics.data["test"]).toMatchObject({ file: testCsv, rows: test.rows, positives: test.labels.reduce((a, b) => a + b, 0) });
    expect(metrics.data["split"]).toBe("stratified 15% of --train held out for validation");
    expect(metrics.test!.rows).toBe(test.rows);
  });

  it("evaluates with operating points tuned in-sample", async () => {
    const doc = await runEvaluation({ model: join(dir, "run", "model.tar.gz"), data: test, out: join(dir, "eval"), hyperparameters: { target_recall: 0.9 } });
    expect(doc.thresholdCriterion).toBeNull();
    expect(doc.operatingPoints!.tunedOn).toBe("evaluation data");
    const p = doc.operatingPoints!.points.find((x) => x.criterion === "precision_at_target_recall")!;
    expect(p.tuned.recall).toBeGreaterThanOrEqual(0.9);
    expect(p.reason).toContain("in-sample");
  });

  it.each([
    [{ data, train }, "INVALID_ARGUMENT", "give either --data or --train"],
    [{}, "INVALID_ARGUMENT", "give either --data or --train"],
    [{ data, test }, "INVALID_ARGUMENT", "--validation and --test go with --train, not --data"],
    [{ data: { ...data, features: data.features.map((v, i) => (i === 61 ? NaN : v)) } }, "BAD_DATA", "data: row 3 column V1 is NaN (features must be finite numbers)"],
    [{ train, test: join(tmpdir(), "no-such-dir-7f3", "test.csv") }, "IO_ERROR", /test\.csv/],
  ])("refuses bad inputs with a typed error (%#)", async (input, code, message) => {
    const err = await runLocalTraining({ out: join(dir, "bad"), hyperparameters: fast, ...input }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainError);
    expect(err).toMatchObject({ code, message: typeof message === "string" ? message : expect.stringMatching(message) });
    expect(await readdir(join(dir, "bad")).catch(() => [])).toEqual([]);
  });

  it("stops the workers when aborted", async () => {
    const abort = new AbortController();
    const training = trainLinearLearner(train, validation, { hyperparameters: { ...fast, epochs: 50 }, workers: 2, signal: abort.signal, onProgress: () => abort.abort(new Error("stop now")) });
    await expect(training).rejects.toThrow("stop now");
  });
});

describe("outputs", () => {
  it.each([
    ["/proc/fraud-train/out", /^\/proc\/fraud-train: cannot create directory \(E[A-Z]+\)$/],
    ["/dev/null/out", /^\/dev\/null\/out: cannot create directory \(ENOTDIR\)$/],
  ])("refuses %s at once with one line", async (path, message) => {
    await expect(ensureDir(path)).rejects.toMatchObject({ code: "IO_ERROR", message: expect.stringMatching(message) });
  });

  it("commits every file or none, leaving no staging directory", async () => {
    const out = join(dir, "commit", "a", "b");
    await commitFiles(out, { "x.txt": "1", "y.txt": "2" });
    expect((await readdir(out)).sort()).toEqual(["x.txt", "y.txt"]);
    await writeFile(join(out, "z"), "file");
    await expect(commitFiles(join(out, "z"), { "x.txt": "3" })).rejects.toMatchObject({ code: "IO_ERROR" });
    await expect(commitFiles(out, { "x.txt": "3", "nested/y.txt": "4" })).rejects.toMatchObject({ code: "IO_ERROR" });
    expect((await readdir(out)).sort()).toEqual(["x.txt", "y.txt", "z"]);
    expect(await readFile(join(out, "x.txt"), "utf8")).toBe("1");
  });
});

describe("WorkerPool", () => {
  it("turns a failing task into a typed error and keeps serving", async () => {
    const pool = WorkerPool.start(1);
    try {
      const broken = { x: null } as unknown as KernelJob;
      await expect(pool.run({ type: "train", job: broken }, "trained")).rejects.toMatchObject({ name: "TrainError", code: "WORKER_FAILED", message: expect.stringMatching(/^training worker failed: /) });
      await expect(pool.run({ type: "read", path: join(dir, "missing.csv") }, "read")).rejects.toMatchObject({ name: "TrainError", code: "IO_ERROR" });
    } finally {
      await pool.close();
    }
  });
});

describe("--smote: SMOTE on the training split only", () => {
  const copy = (d: Dataset): Dataset => ({ rows: d.rows, features: d.features.slice(), labels: d.labels.slice() });
  const positives = (d: Dataset): number => d.labels.reduce((a, b) => a + b, 0);
  const hyperparameters: Record<string, Record<string, number>> = { "linear-learner": fast, xgboost: { num_round: 8, max_depth: 3 } };

  it.each(["linear-learner", "xgboost"] as const)("%s: oversamples the training frauds, leaves validation and test untouched, and trains a different model", async (algorithm) => {
    const [v0, t0] = [copy(validation), copy(test)];
    const run = (smote: boolean, out: string): ReturnType<typeof runLocalTraining> =>
      runLocalTraining({ train, validation, test, out: join(dir, out), seed: 5, algorithm, hyperparameters: hyperparameters[algorithm], workers: 1, smote });
    const plain = await run(false, `${algorithm}-plain`);
    const smoted = await run(true, `${algorithm}-smote`);
    // the sets given are not modified, and the metrics are of exactly those rows
    expect(validation).toEqual(v0);
    expect(test).toEqual(t0);
    for (const set of ["validation", "test"] as const) expect(smoted.metrics.data[set]).toEqual(plain.metrics.data[set]);
    expect(smoted.metrics.data["train"]).toEqual(plain.metrics.data["train"]); // the split as given: SMOTE is recorded beside it
    expect(smoted.metrics.validation!.rows).toBe(validation.rows);
    expect(smoted.metrics.test!.positives).toBe(positives(test));
    // balanced: as many synthetic frauds as it takes to match the legitimate rows
    const before = { rows: train.rows, positives: positives(train) };
    const after = { rows: 2 * (train.rows - before.positives), positives: train.rows - before.positives };
    expect(smoted.metrics.smote).toEqual({ k: 5, before, after });
    expect(plain.metrics).not.toHaveProperty("smote");
    expect(smoted.metrics.title).toMatch(/ \+ SMOTE$/);
    // the operating points are tuned on validation and evaluated on test, the saved one marked
    const op = smoted.metrics.operatingPoints!;
    expect(op.tunedOn).toBe("validation");
    const saved = op.points.filter((p) => p.selected);
    expect(saved.map((p) => [p.criterion, p.threshold])).toEqual([["accuracy", smoted.metrics.threshold]]);
    expect(saved[0]!.test!.confusion).toEqual(smoted.metrics.test!.confusion);
    expect(saved[0]!.tuned.confusion).toEqual(smoted.metrics.validation!.confusion);
    // a different model: other scores on the same rows
    expect(Array.from(smoted.scores.test!)).not.toEqual(Array.from(plain.scores.test!));
    const [a, b] = await Promise.all([readFile(join(dir, `${algorithm}-plain`, "model.tar.gz")), readFile(join(dir, `${algorithm}-smote`, "model.tar.gz"))]);
    expect(a.equals(b)).toBe(false);
    const html = await readFile(join(dir, `${algorithm}-smote`, "report.html"), "utf8");
    expect(html).toContain(`<title>${smoted.metrics.title} fraud model — evaluation</title>`);
    expect(html).toMatch(/<span>SMOTE<\/span><b>k=5: \d+ → [\d,]+ training frauds<\/b>/);
    expect(html).toMatch(new RegExp(`<span>algorithm</span><b>${smoted.metrics.title!.replace("+", "\\+")} \\(${algorithm}\\)</b>`));
  });

  it("is the same data set for the same seed", async () => {
    const a = await runLocalTraining({ train, validation, test, out: join(dir, "smote-a"), seed: 6, algorithm: "xgboost", hyperparameters: { num_round: 4 }, smote: true });
    const b = await runLocalTraining({ train, validation, test, out: join(dir, "smote-b"), seed: 6, algorithm: "xgboost", hyperparameters: { num_round: 4 }, smote: true });
    expect(Array.from(a.scores.validation)).toEqual(Array.from(b.scores.validation));
  });

  it("refuses an anomaly detector, before reading any data", async () => {
    await expect(runLocalTraining({ data: "/no/such/file.csv", out: join(dir, "smote-rcf"), algorithm: "randomcutforest", smote: true })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      message: "--smote oversamples a classifier's training split; randomcutforest is an anomaly detector",
    });
  });
});

describe("an anomaly detector's metrics and report", () => {
  let doc: MetricsDocument;
  let html = "";
  beforeAll(async () => {
    ({ metrics: doc } = await runLocalTraining({ train, validation, test, out: join(dir, "rcf"), seed: 3, algorithm: "randomcutforest", hyperparameters: { num_trees: 50, num_samples_per_tree: 128 } }));
    html = await readFile(join(dir, "rcf", "report.html"), "utf8");
  });

  it("carries the score's ROC AUC and average precision, and no classifier criteria", () => {
    expect(doc).toMatchObject({ algorithm: "randomcutforest", title: "Random Cut Forest", predictorType: "anomaly_detector" });
    expect(doc).not.toHaveProperty("operatingPoints");
    const a = doc.anomalyScore!;
    expect(a.threshold).toBe(doc.threshold);
    for (const [set, m] of [["validation", doc.validation!], ["test", doc.test!]] as const) {
      expect(a[set]).toEqual({ rocAuc: m.rocAuc, averagePrecision: m.prAuc, flagged: m.confusion.tp + m.confusion.fp, rows: m.rows });
      expect(m.rocAuc).toBeGreaterThan(0.8); // the simulator's frauds lie far out
      expect(m.logLoss).toBeNaN(); // a score is no probability
    }
  });

  it("shows the score's ROC and PR curves against the fraud label and its distribution per class", () => {
    expect(html).toContain("<title>Random Cut Forest anomaly detector — its score against the fraud label</title>");
    expect(html).toContain("<span>algorithm</span><b>Random Cut Forest (randomcutforest)</b>");
    expect(html).toContain('aria-label="Precision–recall of the anomaly score (steps)"');
    expect(html).toContain('aria-label="ROC of the anomaly score"');
    expect(html).toContain("Scores by class — test (log count)");
    expect(html).not.toMatch(/loss_function|Operating points|log loss/);
    // the histogram spans the scores, not [0, 1]: a fraud bar's tooltip reads a range above the threshold
    const bars = [...html.matchAll(/<title>class 1, ([\d.e+-]+)–([\d.e+-]+): (\d+)<\/title>/g)];
    expect(bars.length).toBeGreaterThan(1);
    expect(Math.max(...bars.map((b) => Number(b[2])))).toBeGreaterThan(doc.threshold);
    // the threshold table flags the top shares of the rows, the model's threshold among them
    expect(html).toContain(`${doc.threshold.toFixed(4)} (model's)`);
    expect(html).toMatch(/<th>score ≥<\/th><th>flagged<\/th>/);
  });

  it("evaluate reads it back the same way", async () => {
    const e = await runEvaluation({ model: join(dir, "rcf", "model.tar.gz"), data: test, out: join(dir, "rcf-eval") });
    expect(e).not.toHaveProperty("operatingPoints");
    expect(e.anomalyScore!.test).toEqual({ rocAuc: doc.test!.rocAuc, averagePrecision: doc.test!.prAuc, flagged: doc.anomalyScore!.test!.flagged, rows: test.rows });
    const page = await readFile(join(dir, "rcf-eval", "report.html"), "utf8");
    expect(page).toContain('aria-label="ROC of the anomaly score"');
    expect(page).not.toContain("loss_function");
  });
});
