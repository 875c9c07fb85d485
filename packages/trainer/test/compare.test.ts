// compareModels (fraud-train compare) and the combined evaluation of a classifier with an anomaly flag.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { generateDataset } from "@fraud/simulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SPLIT, TrainError, combinedEvaluation, compareModels, stratifiedSplit } from "@fraud/trainer";
import type { CombinedEvaluation, CompareOptions, ComparisonDocument, ComparisonResult, Dataset, MetricsDocument } from "@fraud/trainer";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "fraud-train-compare-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The figures counted row by row, the plain way. */
function bruteForce(labels: number[], c: number[], ct: number, d: number[], dt: number): Record<string, number> {
  let tpC = 0, fpC = 0, tpD = 0, fpD = 0, tpE = 0, fpE = 0, caught = 0, added = 0;
  labels.forEach((y, i) => {
    const fc_ = c[i]! >= ct;
    const fd = d[i]! >= dt;
    if (y === 1) {
      tpC += fc_ ? 1 : 0;
      tpD += fd ? 1 : 0;
      tpE += fc_ || fd ? 1 : 0;
      caught += !fc_ && fd ? 1 : 0;
    } else {
      fpC += fc_ ? 1 : 0;
      fpD += fd ? 1 : 0;
      fpE += fc_ || fd ? 1 : 0;
      added += !fc_ && fd ? 1 : 0;
    }
  });
  return { tpC, fpC, tpD, fpD, tpE, fpE, caught, added };
}

describe("combinedEvaluation", () => {
  const rows = fc.array(fc.tuple(fc.constantFrom(0, 1), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 })), { maxLength: 200 });

  it("counts add up, the or-rule catches at least what either model catches (property)", () => {
    fc.assert(
      fc.property(rows, fc.integer({ min: 0, max: 21 }), fc.integer({ min: 0, max: 21 }), (xs, ct, dt) => {
        const labels = xs.map(([y]) => y);
        const c = xs.map(([, s]) => s / 20);
        const d = xs.map(([, , s]) => s / 4);
        const e: CombinedEvaluation = combinedEvaluation({ labels, classifier: { scores: c, threshold: ct / 20 }, detector: { scores: d, threshold: dt / 4 } });
        const frauds = labels.filter((y) => y === 1).length;
        expect([e.rows, e.frauds]).toEqual([xs.length, frauds]);
        for (const r of [e.classifier, e.detector, e.either]) {
          expect(r.tp + r.fn).toBe(frauds);
          expect(r.tp + r.fp).toBe(r.flagged);
          expect(r.fp).toBeLessThanOrEqual(xs.length - frauds);
          expect(r.precision).toBeCloseTo(r.flagged === 0 ? 0 : r.tp / r.flagged, 12);
          expect(r.recall).toBeCloseTo(frauds === 0 ? 0 : r.tp / frauds, 12);
        }
        expect(e.missedByClassifier).toBe(e.classifier.fn);
        expect(e.caughtByDetector).toBeLessThanOrEqual(Math.min(e.missedByClassifier, e.detector.tp));
        expect(e.either.tp).toBe(e.classifier.tp + e.caughtByDetector);
        expect(e.either.fp).toBe(e.classifier.fp + e.addedFalsePositives);
        expect(e.either.tp).toBeLessThanOrEqual(e.classifier.tp + e.detector.tp);
        expect(e.either.tp).toBeGreaterThanOrEqual(Math.max(e.classifier.tp, e.detector.tp));
        expect(e.either.recall).toBeGreaterThanOrEqual(Math.max(e.classifier.recall, e.detector.recall));
        expect(e.caughtShare).toBeCloseTo(e.missedByClassifier === 0 ? 0 : e.caughtByDetector / e.missedByClassifier, 12);
        const b = bruteForce(labels, c, ct / 20, d, dt / 4);
        expect([e.classifier.tp, e.classifier.fp, e.detector.tp, e.detector.fp, e.either.tp, e.either.fp, e.caughtByDetector, e.addedFalsePositives]).toEqual([b.tpC, b.fpC, b.tpD, b.fpD, b.tpE, b.fpE, b.caught, b.added]);
      }),
    );
  });

  it("does not modify its inputs, and a NaN score is never flagged", () => {
    const labels = new Uint8Array([1, 0, 1, 1]);
    const c = new Float64Array([0.9, NaN, 0.1, NaN]);
    const d = new Float64Array([NaN, 3, 5, NaN]);
    const e = combinedEvaluation({ labels, classifier: { scores: c, threshold: 0.5 }, detector: { scores: d, threshold: 2 } });
    expect(e.either).toEqual({ flagged: 3, tp: 2, fp: 1, fn: 1, precision: 2 / 3, recall: 2 / 3 });
    expect([e.missedByClassifier, e.caughtByDetector, e.caughtShare, e.addedFalsePositives]).toEqual([2, 1, 0.5, 1]);
    expect(Array.from(c)).toEqual([0.9, NaN, 0.1, NaN]);
  });

  it.each([
    [{ labels: [0, 1], classifier: { scores: [0.1], threshold: 0.5 }, detector: { scores: [1, 2], threshold: 1 } }, "INVALID_ARGUMENT", "combinedEvaluation: 2 labels, 1 classifier scores and 2 detector scores; they must be as many"],
    [{ labels: [0], classifier: { scores: [0.1], threshold: NaN }, detector: { scores: [1], threshold: 1 } }, "INVALID_ARGUMENT", "combinedEvaluation: classifier threshold NaN is not a finite number"],
    [{ labels: [0], classifier: { scores: [0.1], threshold: 0.5 }, detector: { scores: [1] } }, "INVALID_ARGUMENT", "combinedEvaluation: detector threshold undefined is not a finite number"],
    [{ labels: [0], classifier: null, detector: { scores: [1], threshold: 1 } }, "INVALID_ARGUMENT", "combinedEvaluation: classifier needs { scores, threshold }"],
    [{ labels: [0, 2], classifier: { scores: [0.1, 0.2], threshold: 0.5 }, detector: { scores: [1, 2], threshold: 1 } }, "BAD_DATA", "combinedEvaluation: label 2 of row 2 is not 0 or 1"],
    [null, "INVALID_ARGUMENT", "combinedEvaluation needs { labels, classifier, detector }"],
  ])("refuses bad input with a typed error (%#)", (input, code, message) => {
    let err: unknown;
    try {
      combinedEvaluation(input as never);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TrainError);
    expect(err).toMatchObject({ code, message });
  });
});

describe("compareModels", () => {
  const data = generateDataset({ rows: 12_000, seed: 8, fraudRate: 0.03 });
  const hyperparameters: CompareOptions["hyperparameters"] = {
    "linear-learner": { epochs: 3, num_models: 2, mini_batch_size: 200 },
    xgboost: { num_round: 15, max_depth: 4 },
    randomcutforest: { num_trees: 50, num_samples_per_tree: 128 },
  };
  let result: ComparisonResult;
  let doc: ComparisonDocument;
  const events: string[] = [];
  beforeAll(async () => {
    result = await compareModels({ data, out: join(dir, "cmp"), seed: 2, smoteVariant: true, detector: "randomcutforest", hyperparameters, workers: 1, onModel: (e) => events.push(`${e.phase} ${e.index}/${e.total} ${e.name}`) });
    doc = result.document;
  });

  it("writes compare.json, compare.html and one folder per model, and nothing else", async () => {
    expect((await readdir(join(dir, "cmp"))).sort()).toEqual(["compare.html", "compare.json", "linear-learner", "randomcutforest", "xgboost", "xgboost-smote"]);
    for (const m of ["linear-learner", "xgboost", "xgboost-smote", "randomcutforest"]) expect((await readdir(join(dir, "cmp", m))).sort()).toEqual(["metrics.json", "model.tar.gz", "report.html"]);
    expect(JSON.parse(await readFile(join(dir, "cmp", "compare.json"), "utf8"))).toEqual(JSON.parse(JSON.stringify(doc)));
    expect(events).toEqual(["linear-learner", "xgboost", "xgboost-smote", "randomcutforest"].flatMap((n, i) => [`start ${i + 1}/4 ${n}`, `done ${i + 1}/4 ${n}`]));
    expect(result.runs.map((r) => r.dir)).toEqual(["linear-learner", "xgboost", "xgboost-smote", "randomcutforest"].map((n) => join(dir, "cmp", n)));
  });

  it("trains every model on the same split and evaluates it on the same test rows", async () => {
    const [train, validation, test] = stratifiedSplit(data, DEFAULT_SPLIT.fractions, 2, DEFAULT_SPLIT.names) as [Dataset, Dataset, Dataset];
    const count = (d: Dataset): { rows: number; positives: number } => ({ rows: d.rows, positives: d.labels.reduce((a, b) => a + b, 0) });
    expect(doc).toMatchObject({ version: 1, seed: 2, bestBy: "validation average precision", data: { split: "stratified 70/15/15", train: count(train), validation: count(validation), test: count(test) } });
    expect(doc.data.source).toMatchObject({ rows: 12_000 });
    const metrics = await Promise.all(["linear-learner", "xgboost", "xgboost-smote", "randomcutforest"].map(async (m) => JSON.parse(await readFile(join(dir, "cmp", m, "metrics.json"), "utf8")) as MetricsDocument));
    for (const m of metrics) {
      expect(m.data["train"]).toEqual(metrics[0]!.data["train"]);
      expect(m.data["validation"]).toEqual(metrics[0]!.data["validation"]);
      expect(m.data["test"]).toEqual(metrics[0]!.data["test"]);
      expect(m.seed).toBe(2);
    }
    expect(metrics.map((m) => [m.algorithm, m.title])).toEqual([
      ["linear-learner", "Linear Learner"],
      ["xgboost", "XGBoost"],
      ["xgboost", "XGBoost + SMOTE"],
      ["randomcutforest", "Random Cut Forest"],
    ]);
    expect(metrics[2]!.smote).toEqual({ k: 5, before: count(train), after: { rows: 2 * (train.rows - count(train).positives), positives: train.rows - count(train).positives } });
    // each model's figures are those of its own metrics.json
    [...doc.classifiers, doc.detector!].forEach((c, i) => {
      const m = metrics[i]!;
      expect(c.test.averagePrecision).toBe(m.test!.prAuc);
      expect(c.test.rocAuc).toBe(m.test!.rocAuc);
      expect(c.validation.averagePrecision).toBe(m.validation!.prAuc);
      expect(c.test.confusion).toEqual(m.test!.confusion);
      expect(c.threshold).toBe(m.threshold);
      expect([c.test.precision, c.test.recall]).toEqual([m.test!.precision, m.test!.recall]);
    });
  });

  it("names the classifier of highest validation AP, and combines each classifier with the detector consistently", () => {
    expect(doc.classifiers.map((c) => [c.name, c.title, c.algorithm, c.kind, c.smote === null])).toEqual([
      ["linear-learner", "Linear Learner", "linear-learner", "binary_classifier", true],
      ["xgboost", "XGBoost", "xgboost", "binary_classifier", true],
      ["xgboost-smote", "XGBoost + SMOTE", "xgboost", "binary_classifier", false],
    ]);
    const top = Math.max(...doc.classifiers.map((c) => c.validation.averagePrecision));
    expect(doc.classifiers.find((c) => c.name === doc.best)!.validation.averagePrecision).toBe(top);
    expect(doc.detector).toMatchObject({ name: "randomcutforest", kind: "anomaly_detector", smote: null });
    expect(doc.combined.map((c) => [c.classifier, c.detector])).toEqual(doc.classifiers.map((c) => [c.name, "randomcutforest"]));
    for (const { classifier, evaluation: e } of doc.combined) {
      const c = doc.classifiers.find((x) => x.name === classifier)!;
      const d = doc.detector!;
      expect(e.rows).toBe(doc.data.test.rows);
      expect(e.frauds).toBe(doc.data.test.positives);
      expect([e.classifier.tp, e.classifier.fp, e.classifier.fn]).toEqual([c.test.confusion.tp, c.test.confusion.fp, c.test.confusion.fn]);
      expect([e.detector.tp, e.detector.fp, e.detector.fn]).toEqual([d.test.confusion.tp, d.test.confusion.fp, d.test.confusion.fn]);
      expect(e.either.recall).toBeGreaterThanOrEqual(e.classifier.recall);
      expect(e.either.recall).toBeGreaterThanOrEqual(e.detector.recall);
      expect(e.either.tp).toBe(e.classifier.tp + e.caughtByDetector);
      expect(e.either.flagged).toBe(e.classifier.flagged + e.addedFalsePositives + e.caughtByDetector);
    }
  });

  it("draws every model's PR curve on one chart and links each report, with no script and no network", async () => {
    const html = await readFile(join(dir, "cmp", "compare.html"), "utf8");
    const pr = /<svg[^>]*aria-label="Precision–recall, test \(steps\)".*?<\/svg>/s.exec(html)![0];
    for (const c of [...doc.classifiers, doc.detector!]) {
      expect(pr).toContain(`AP ${c.test.averagePrecision.toFixed(4)}`);
      expect(html).toContain(`<a href="${c.name}/report.html">${c.title}</a>`);
    }
    expect(pr.match(/<path /g)).toHaveLength(4);
    expect(html).toContain("Classifier or anomalous (test set)");
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/i);
  });

  it("a second comparison in the same folder replaces what it writes, each folder as a whole", async () => {
    const again = await compareModels({ data, out: join(dir, "cmp"), seed: 2, algorithms: ["xgboost"], hyperparameters: { xgboost: { num_round: 5 } } });
    expect(again.document.classifiers.map((c) => c.name)).toEqual(["xgboost"]);
    expect(again.document.detector).toBeNull();
    expect(again.document.combined).toEqual([]);
    expect((await readdir(join(dir, "cmp"))).filter((f) => f.startsWith("."))).toEqual([]);
    const written = JSON.parse(await readFile(join(dir, "cmp", "compare.json"), "utf8")) as ComparisonDocument;
    expect(written.classifiers).toHaveLength(1);
    const xgb = JSON.parse(await readFile(join(dir, "cmp", "xgboost", "metrics.json"), "utf8")) as MetricsDocument & { trees: number };
    expect(xgb.trees).toBe(5);
    // the folders of models it did not train are left as they were
    expect((await readdir(join(dir, "cmp"))).sort()).toEqual(["compare.html", "compare.json", "linear-learner", "randomcutforest", "xgboost", "xgboost-smote"]);
  });

  const [train, , test] = stratifiedSplit(data, DEFAULT_SPLIT.fractions, 1, DEFAULT_SPLIT.names) as [Dataset, Dataset, Dataset];
  it.each<[string, Partial<CompareOptions>, string]>([
    ["a detector among the classifiers", { algorithms: ["linear-learner", "randomcutforest"] }, "randomcutforest is an anomaly detector, not a classifier; compare it as the detector"],
    ["a classifier twice", { algorithms: ["xgboost", "xgboost"] }, "algorithm xgboost is listed twice"],
    ["an unknown algorithm", { algorithms: ["svm" as never] }, 'algorithm "svm" is not one of linear-learner, xgboost, randomcutforest'],
    ["no classifier", { algorithms: [] }, "compare needs at least one classifier algorithm"],
    ["XGBoost's SMOTE variant without XGBoost", { algorithms: ["linear-learner"], smoteVariant: true }, "the SMOTE variant is XGBoost's: add xgboost to the algorithms, or name the algorithms whose variant to train"],
    ["a SMOTE variant of an algorithm not compared", { algorithms: ["xgboost"], smoteVariant: ["linear-learner"] }, 'SMOTE variant of "linear-learner": not among the algorithms compared (xgboost)'],
    ["a classifier as the detector", { detector: "xgboost" }, "detector xgboost is a classifier, not an anomaly detector"],
    ["hyperparameters of an algorithm not compared", { hyperparameters: { randomcutforest: { num_trees: 50 } } }, 'hyperparameters for "randomcutforest": not an algorithm compared here (linear-learner, xgboost)'],
    ["a bad hyperparameter", { hyperparameters: { xgboost: { eta: 5 } } }, "hyperparameter eta=5 is not valid: must be a number in [0, 1]"],
    ["train without test", { data: undefined, train }, "compare evaluates every model on one test set: give test with train"],
    ["data and test", { test }, "validation and test go with train, not data"],
  ])("refuses %s before training, writing nothing", async (_name, options, message) => {
    const out = join(dir, "bad");
    const err = await compareModels({ data, out, ...options }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainError);
    expect(err).toMatchObject({ code: "INVALID_ARGUMENT", message });
    expect(existsSync(out) ? await readdir(out) : []).toEqual([]);
  });
});
