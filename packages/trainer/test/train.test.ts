// Hyperparameters, metrics, splitting and the training algorithm, on generated data.
import fc from "fast-check";
import { generateDataset } from "@fraud/simulator";
import { describe, expect, it } from "vitest";
import { TrainError, evaluateBinary, parseHyperparameters, stratifiedSplit, trainLinearLearner } from "@fraud/trainer";
import type { Dataset } from "@fraud/trainer";
import { validateDataset } from "../src/data.js";
import { parseHyperparameterArgs } from "../src/hyperparameters.js";
import { averagePrecision, chooseThreshold, recallFloor, rocAuc, sweep } from "../src/metrics.js";

const names = ["train", "validation", "test"];

describe("parseHyperparameters", () => {
  it("resolves Linear Learner defaults", () => {
    const hp = parseHyperparameters({});
    expect(hp).toMatchObject({
      predictor_type: "binary_classifier",
      epochs: 15,
      mini_batch_size: 1000,
      optimizer: "adam",
      loss: "logistic",
      binary_classifier_model_selection_criteria: "accuracy",
      early_stopping_patience: 3,
      early_stopping_tolerance: 0.001,
      positive_example_weight_mult: 1,
      normalize_data: true,
      target_recall: 0.8,
    });
    expect(parseHyperparameters({ binary_classifier_model_selection_criteria: "f1", positive_example_weight_mult: "balanced", mini_batch_size: "200" })).toMatchObject({
      binary_classifier_model_selection_criteria: "f_beta",
      positive_example_weight_mult: "balanced",
      mini_batch_size: 200,
    });
  });
  it.each([
    [{ mini_batch_size: "0" }, "hyperparameter mini_batch_size=0 is not valid: must be an integer >= 1"],
    [{ epochs: "1.5" }, "hyperparameter epochs=1.5 is not valid: must be an integer >= 1"],
    [{ learning_rate: "-1" }, "hyperparameter learning_rate=-1 is not valid: must be 'auto' or a number > 0"],
    [{ target_recall: "1" }, "hyperparameter target_recall=1 is not valid: must be a number in (0, 1)"],
    [{ optimizer: "lbfgs" }, "hyperparameter optimizer=lbfgs is not valid: must be one of auto, adam, sgd, rmsprop"],
    [{ positive_example_weight_mult: "heavy" }, "hyperparameter positive_example_weight_mult=heavy is not valid: must be 'balanced', 'auto' or a number > 0"],
    [{ normalize_data: "yes" }, "hyperparameter normalize_data=yes is not valid: must be 'auto' or true or false"],
    [{ predictor_type: "regressor" }, "hyperparameter predictor_type=regressor is valid for SageMaker but only binary_classifier is trained locally"],
    [{ loss: "hinge_loss" }, "hyperparameter loss=hinge_loss is valid for SageMaker but not supported locally (its scores are not probabilities)"],
    [{ learning_rat: "0.1" }, /^unknown hyperparameter learning_rat \(valid: accuracy_top_k, /],
    [{ epochs: "9".repeat(500) }, `hyperparameter epochs=${"9".repeat(77)}... is not valid: must be an integer >= 1`],
  ])("rejects %j", (input, message) => {
    expect(() => parseHyperparameters(input)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT", message: typeof message === "string" ? message : expect.stringMatching(message) }));
  });
  it("parses --hp key=value pairs", () => {
    expect(parseHyperparameterArgs(["a=1", "b=x=y"])).toEqual({ a: "1", b: "x=y" });
    expect(() => parseHyperparameterArgs(["novalue"])).toThrow('hyperparameter "novalue" is not key=value');
    expect(() => parseHyperparameterArgs(["a=1", "a=2"])).toThrow("hyperparameter a given twice");
  });
});

describe("metrics", () => {
  const scored = fc
    .array(fc.tuple(fc.integer({ min: 0, max: 20 }).map((s) => s / 20), fc.constantFrom(0, 1)), { minLength: 2, maxLength: 60 })
    .filter((xs) => xs.some(([, y]) => y === 1) && xs.some(([, y]) => y === 0));

  it("ROC AUC equals the pairwise ranking probability (property)", () => {
    fc.assert(
      fc.property(scored, (xs) => {
        const pos = xs.filter(([, y]) => y === 1).map(([s]) => s);
        const neg = xs.filter(([, y]) => y === 0).map(([s]) => s);
        let wins = 0;
        for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
        const auc = rocAuc(sweep(xs.map(([s]) => s), xs.map(([, y]) => y)));
        expect(auc).toBeCloseTo(wins / (pos.length * neg.length), 12);
      }),
    );
  });

  it("average precision matches its definition over distinct thresholds (property)", () => {
    fc.assert(
      fc.property(scored, (xs) => {
        const thresholds = [...new Set(xs.map(([s]) => s))].sort((a, b) => b - a);
        const P = xs.filter(([, y]) => y === 1).length;
        let ap = 0;
        let prev = 0;
        for (const t of thresholds) {
          const tp = xs.filter(([s, y]) => s >= t && y === 1).length;
          const pp = xs.filter(([s]) => s >= t).length;
          ap += (tp / P - prev) * (tp / pp);
          prev = tp / P;
        }
        expect(averagePrecision(sweep(xs.map(([s]) => s), xs.map(([, y]) => y)))).toBeCloseTo(ap, 12);
      }),
    );
  });

  it("computes the confusion-matrix metrics", () => {
    const m = evaluateBinary([0.9, 0.8, 0.3, 0.2, 0.6, 0.1], [1, 1, 1, 0, 0, 0], 0.5);
    expect(m.confusion).toEqual({ tp: 2, fn: 1, fp: 1, tn: 2 });
    expect([m.precision, m.recall, m.accuracy, m.balancedAccuracy]).toEqual([2 / 3, 2 / 3, 4 / 6, 2 / 3]);
    expect(m.kappa).toBeCloseTo((4 / 6 - 0.5) / 0.5, 12);
    expect(m.rocAuc).toBeCloseTo(8 / 9, 12);
  });

  it.each(["accuracy", "f_beta", "precision_at_target_recall", "recall_at_target_precision"] as const)(
    "the %s threshold is optimal among all cuts and meets its target (property)",
    (criterion) => {
      fc.assert(
        fc.property(scored, fc.double({ min: 0.05, max: 0.95, noNaN: true }), (xs, target) => {
          const s = xs.map(([v]) => v);
          const y = xs.map(([, l]) => l);
          const settings = { beta: 1, targetRecall: target, targetPrecision: target };
          const choice = chooseThreshold(s, y, criterion, settings);
          const at = evaluateBinary(s, y, choice.threshold);
          const floor = recallFloor(target, y.filter((l) => l === 1).length);
          if (criterion === "precision_at_target_recall") expect(at.recall).toBeGreaterThanOrEqual(floor);
          if (criterion === "recall_at_target_precision" && choice.met) expect(at.precision).toBeGreaterThanOrEqual(target);
          const value = (t: number): number => {
            const m = evaluateBinary(s, y, t);
            if (criterion === "accuracy") return m.accuracy;
            if (criterion === "f_beta") return m.f1;
            if (criterion === "precision_at_target_recall") return m.recall >= floor ? m.precision : -1;
            return m.precision >= target && m.confusion.tp > 0 ? m.recall : -1;
          };
          if (choice.met) for (const t of [...new Set(s)]) expect(value(choice.threshold)).toBeGreaterThanOrEqual(value(t) - 1e-12);
        }),
        { numRuns: 60 },
      );
    },
  );
});

describe("data", () => {
  const small = generateDataset({ rows: 5000, seed: 3, fraudRate: 0.02 });

  it("splits stratified, disjoint and complete", () => {
    const parts = stratifiedSplit(small, [0.7, 0.15, 0.15], 9, names);
    expect(parts.reduce((n, p) => n + p.rows, 0)).toBe(small.rows);
    const pos = (d: Dataset): number => d.labels.reduce((a, b) => a + b, 0);
    const total = pos(small);
    expect(parts.map(pos).reduce((a, b) => a + b, 0)).toBe(total);
    expect(Math.abs(pos(parts[0]!) - 0.7 * total)).toBeLessThanOrEqual(1);
    expect(stratifiedSplit(small, [0.7, 0.15, 0.15], 9, names)[1]!.features).toEqual(parts[1]!.features);
  });

  it("refuses a split without positives in a part", () => {
    const few: Dataset = { rows: 10, features: new Float64Array(300), labels: Uint8Array.from([1, 1, 0, 0, 0, 0, 0, 0, 0, 0]) };
    expect(() => stratifiedSplit(few, [0.7, 0.15, 0.15], 1, names)).toThrow(
      "the validation split gets no positive (Class=1) rows: 2 positive (Class=1) rows in 10 are too few for a 70/15/15 split",
    );
  });

  it.each([
    [(d: Dataset) => (d.features[31] = NaN), "x: row 2 column V1 is NaN (features must be finite numbers)"],
    [(d: Dataset) => (d.features[59] = Infinity), "x: row 2 column Amount is Infinity (features must be finite numbers)"],
    [(d: Dataset) => (d.labels[2] = 2), "x: row 3 has label 2 (labels must be 0 or 1)"],
  ])("validateDataset rejects bad values (%#)", (spoil, message) => {
    const d: Dataset = { rows: 3, features: new Float64Array(90), labels: new Uint8Array(3) };
    spoil(d);
    expect(() => validateDataset(d, "x")).toThrow(expect.objectContaining({ code: "BAD_DATA", message }));
  });
});

describe("trainLinearLearner", () => {
  const data = generateDataset({ rows: 30_000, seed: 11, fraudRate: 0.01 });
  const [train, validation, test] = stratifiedSplit(data, [0.7, 0.15, 0.15], 1, names) as [Dataset, Dataset, Dataset];
  const fast = { epochs: 4, num_models: 4, mini_batch_size: 200 };

  it("is deterministic and independent of the worker count", async () => {
    const a = await trainLinearLearner(train, validation, { seed: 5, workers: 1, hyperparameters: fast });
    const b = await trainLinearLearner(train, validation, { seed: 5, workers: 2, hyperparameters: fast });
    expect(b.workers).toBe(2);
    expect(Array.from(b.model.weights)).toEqual(Array.from(a.model.weights));
    expect(b.model.threshold).toBe(a.model.threshold);
    expect(b.models).toEqual(a.models);
    const c = await trainLinearLearner(train, validation, { seed: 6, workers: 1, hyperparameters: fast });
    expect(Array.from(c.model.weights)).not.toEqual(Array.from(a.model.weights));
  });

  it("learns a useful model and meets a recall target on validation", async () => {
    const r = await trainLinearLearner(train, validation, {
      seed: 1,
      hyperparameters: { ...fast, binary_classifier_model_selection_criteria: "precision_at_target_recall", target_recall: 0.9 },
    });
    const v = evaluateBinary(r.model.scores({ data: validation.features, rows: validation.rows }), validation.labels, r.model.threshold);
    expect(v.recall).toBeGreaterThanOrEqual(0.9);
    const t = evaluateBinary(r.model.scores({ data: test.features, rows: test.rows }), test.labels, r.model.threshold);
    expect(t.rocAuc).toBeGreaterThan(0.9);
    expect(r.threshold.reason).toMatch(/^highest validation precision \(0\.\d{4}\) with recall >= 0\.9/);
    expect(r.models).toHaveLength(4);
  });

  it("stops early when validation loss stalls", async () => {
    const r = await trainLinearLearner(train, validation, { seed: 1, workers: 1, hyperparameters: { ...fast, epochs: 30, early_stopping_patience: 1, early_stopping_tolerance: 0.5 } });
    expect(Math.max(...r.models.map((m) => m.epochsRun))).toBeLessThan(30);
  });

  it("rejects data without positives and a feature_dim mismatch", async () => {
    const neg: Dataset = { rows: 100, features: new Float64Array(3000), labels: new Uint8Array(100) };
    await expect(trainLinearLearner(neg, validation)).rejects.toThrow("train: no positive examples (Class=1) among 100 rows");
    await expect(trainLinearLearner(train, validation, { hyperparameters: { feature_dim: 12 } })).rejects.toThrow(
      "hyperparameter feature_dim=12 does not match the data's 30 features",
    );
    await expect(trainLinearLearner(train, validation, { hyperparameters: { epochs: 0 } })).rejects.toBeInstanceOf(TrainError);
  });
});
