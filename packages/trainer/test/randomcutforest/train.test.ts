// Training: SageMaker's hyperparameter names, ranges and defaults; determinism for a seed; the
// forest's own invariants; and properties of the score on generated data.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TrainError } from "../../src/errors.js";
import { nextDown32, reservoirSample } from "../../src/models/randomcutforest/build.js";
import { parseRcfHyperparameters, trainRandomCutForest } from "../../src/models/randomcutforest/index.js";
import { createRng } from "../../src/rng.js";

function gaussian(rows: number, cols: number, seed: number): Float64Array {
  const rng = createRng(seed, 0);
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < out.length; i += 2) {
    const u = 1 - rng.next();
    const v = rng.next();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

function errorOf(f: () => unknown): TrainError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(TrainError);
    return err as TrainError;
  }
  throw new Error("no error");
}

describe("hyperparameters", () => {
  it("defaults are SageMaker's", () => {
    expect(parseRcfHyperparameters({})).toEqual({ feature_dim: "auto", num_trees: 100, num_samples_per_tree: 256, eval_metrics: ["accuracy", "precision_recall_fscore"] });
  });

  it.each([
    [{ num_trees: "50" }, { num_trees: 50 }],
    [{ num_trees: 1000 }, { num_trees: 1000 }],
    [{ num_samples_per_tree: "1" }, { num_samples_per_tree: 1 }],
    [{ num_samples_per_tree: "2048" }, { num_samples_per_tree: 2048 }],
    [{ feature_dim: "30" }, { feature_dim: 30 }],
    [{ feature_dim: "10000" }, { feature_dim: 10000 }],
    [{ eval_metrics: '["accuracy"]' }, { eval_metrics: ["accuracy"] }],
    [{ eval_metrics: "['accuracy', 'precision_recall_fscore']" }, { eval_metrics: ["accuracy", "precision_recall_fscore"] }],
    [{ eval_metrics: "precision_recall_fscore" }, { eval_metrics: ["precision_recall_fscore"] }],
  ])("accepts %j", (raw, want) => {
    expect(parseRcfHyperparameters(raw)).toMatchObject(want);
  });

  it.each([
    [{ num_trees: "49" }, "hyperparameter num_trees=49 is not valid: must be an integer in [50, 1000]"],
    [{ num_trees: "1001" }, "hyperparameter num_trees=1001 is not valid: must be an integer in [50, 1000]"],
    [{ num_trees: "100.5" }, "hyperparameter num_trees=100.5 is not valid: must be an integer in [50, 1000]"],
    [{ num_samples_per_tree: "0" }, "hyperparameter num_samples_per_tree=0 is not valid: must be an integer in [1, 2048]"],
    [{ num_samples_per_tree: "2049" }, "hyperparameter num_samples_per_tree=2049 is not valid: must be an integer in [1, 2048]"],
    [{ num_samples_per_tree: "many" }, "hyperparameter num_samples_per_tree=many is not valid: must be an integer in [1, 2048]"],
    [{ feature_dim: "0" }, "hyperparameter feature_dim=0 is not valid: must be an integer in [1, 10000]"],
    [{ feature_dim: "10001" }, "hyperparameter feature_dim=10001 is not valid: must be an integer in [1, 10000]"],
    [{ eval_metrics: "f1" }, "hyperparameter eval_metrics=f1 is not valid: must be a list of accuracy, precision_recall_fscore"],
    [{ eval_metrics: "[]" }, "hyperparameter eval_metrics=[] is not valid: must be a list of accuracy, precision_recall_fscore"],
    [{ num_tree: "100" }, "unknown randomcutforest hyperparameter num_tree (valid: eval_metrics, feature_dim, num_samples_per_tree, num_trees)"],
  ])("refuses %j", (raw, message) => {
    const err = errorOf(() => parseRcfHyperparameters(raw));
    expect(err.code).toBe("INVALID_ARGUMENT");
    expect(err.message).toBe(message);
  });
});

describe("training data and options", () => {
  const data = gaussian(300, 3, 1);
  it.each<[string, () => unknown, string, string]>([
    ["no rows", () => trainRandomCutForest({ data: new Float64Array(0), rows: 0, cols: 3 }), "BAD_DATA", "randomcutforest needs at least 1 training row, got 0"],
    ["a NaN", () => trainRandomCutForest({ data: Float64Array.of(1, Number.NaN, 3), rows: 1, cols: 3 }), "BAD_DATA", "training row 0 feature 1 is NaN: randomcutforest needs finite values"],
    ["feature_dim other than the data's", () => trainRandomCutForest({ data, rows: 300, cols: 3 }, { hyperparameters: { feature_dim: 30 } }), "BAD_DATA", "hyperparameter feature_dim=30 but the data has 3 features"],
    ["a bad threshold", () => trainRandomCutForest({ data, rows: 300, cols: 3 }, { threshold: Number.NaN }), "INVALID_ARGUMENT", "threshold NaN is not a finite number"],
    ["a bad seed", () => trainRandomCutForest({ data, rows: 300, cols: 3 }, { seed: 1.5 }), "INVALID_ARGUMENT", "seed 1.5 is not a safe integer"],
  ])("%s", (_, f, code, message) => {
    const err = errorOf(f);
    expect(err.code).toBe(code);
    expect(err.message).toBe(message);
  });

  it("the threshold is the mean + 3 sd of the training scores, or the one given", () => {
    const x = { data, rows: 300, cols: 3 };
    const { model } = trainRandomCutForest(x, { seed: 4, hyperparameters: { num_trees: 50, num_samples_per_tree: 64 } });
    const s = model.scores(x);
    const mean = s.reduce((a, b) => a + b, 0) / s.length;
    const sd = Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / s.length);
    expect(model.threshold).toBeCloseTo(mean + 3 * sd, 12);
    expect(model.params.thresholdRule).toMatchObject({ rule: "mean+sd", sigmas: 3, rows: 300 });
    const given = trainRandomCutForest(x, { seed: 4, threshold: 1.5, hyperparameters: { num_trees: 50, num_samples_per_tree: 64 } }).model;
    expect(given.threshold).toBe(1.5);
    expect(given.predict({ data: Float64Array.of(100, 100, 100), rows: 1, cols: 3 })[0]).toMatchObject({ predictedLabel: 1 });
  });
});

describe("sampling and cuts", () => {
  it("a reservoir sample is k distinct rows in order, all rows when there are fewer", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 300 }), fc.integer(), (n, k, seed) => {
        const s = reservoirSample(n, k, createRng(seed, 0));
        expect(s.length).toBe(Math.min(n, k));
        for (let i = 1; i < s.length; i++) expect(s[i]!).toBeGreaterThan(s[i - 1]!);
        expect(s[0]!).toBeGreaterThanOrEqual(0);
        expect(s[s.length - 1]!).toBeLessThan(n);
      }),
      { numRuns: 200 },
    );
  });

  it("every row is about equally likely to be sampled", () => {
    const counts = new Float64Array(100);
    const rng = createRng(3, 0);
    for (let t = 0; t < 4000; t++) for (const i of reservoirSample(100, 10, rng)) counts[i]!++;
    // each row: Binomial(4000, 0.1), mean 400, sd 19
    for (const c of counts) expect(Math.abs(c - 400)).toBeLessThan(100);
  });

  it.each([
    [1, 0.9999999403953552],
    [-1, -1.0000001192092896],
    [0, -1.401298464324817e-45],
    [0.5, 0.4999999701976776],
  ])("nextDown32(%d)", (v, want) => {
    expect(nextDown32(v)).toBe(want);
  });
});

describe("properties of the forest and its score", () => {
  const small = { num_trees: 50, num_samples_per_tree: 32 };

  it("same data and seed, same forest and scores; another seed, another forest", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 60 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 1000 }), (rows, cols, seed) => {
        const x = { data: gaussian(rows, cols, seed + 1), rows, cols };
        const a = trainRandomCutForest(x, { seed, hyperparameters: small }).model;
        const b = trainRandomCutForest(x, { seed, hyperparameters: small }).model;
        expect(b.params.forest).toEqual(a.params.forest);
        expect(b.scores(x)).toEqual(a.scores(x));
        const c = trainRandomCutForest(x, { seed: seed + 1, hyperparameters: small }).model;
        expect(c.params.forest.cutValue).not.toEqual(a.params.forest.cutValue);
      }),
      { numRuns: 25 },
    );
  });

  it("a point far outside the data scores above the data's median, and every score is in (0, log2(mass + 1)]", () => {
    fc.assert(
      fc.property(fc.integer({ min: 20, max: 200 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 1000 }), fc.double({ min: 8, max: 1e6, noNaN: true }), (rows, cols, seed, far) => {
        const x = { data: gaussian(rows, cols, seed), rows, cols };
        const model = trainRandomCutForest(x, { seed, hyperparameters: small }).model;
        const s = Array.from(model.scores(x)).sort((p, q) => p - q);
        const median = s[Math.floor(s.length / 2)]!;
        const out = model.scores({ data: new Float64Array(cols).fill(far), rows: 1, cols })[0]!;
        expect(out).toBeGreaterThan(median);
        const bound = Math.log2(Math.min(rows, 32) + 1);
        for (const v of s) {
          expect(v).toBeGreaterThan(0);
          expect(v).toBeLessThanOrEqual(bound + 1e-12);
        }
      }),
      { numRuns: 30 },
    );
  });

  it("duplicates become one leaf of their mass, and every tree's mass is its sample size", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 4, maxLength: 120 }), fc.integer(), (values, seed) => {
        const rows = values.length;
        const x = { data: Float64Array.from(values), rows, cols: 1 };
        const model = trainRandomCutForest(x, { seed, standardize: false, hyperparameters: small }).model;
        const f = model.forest;
        const distinct = new Set(values).size;
        for (let t = 0; t < f.trees; t++) {
          expect(f.treeMass[t]).toBe(Math.min(rows, 32));
          const leaves = (f.nodeStart[t + 1]! - f.nodeStart[t]! + 1) / 2;
          expect(leaves).toBeLessThanOrEqual(distinct);
        }
      }),
      { numRuns: 50 },
    );
  });

  it("with one distinct point, a seen point scores the damped seen score and any other point the unseen root score", () => {
    const x = { data: new Float64Array(40).fill(2), rows: 40, cols: 1 };
    const model = trainRandomCutForest(x, { seed: 1, standardize: false, hyperparameters: small }).model;
    // one leaf of mass 32 at depth 0: (1 − 32/64) / log2(33) · log2(33) = 0.5; unseen: 1 · log2(33)
    expect(model.scores({ data: Float64Array.of(2), rows: 1, cols: 1 })[0]).toBeCloseTo(0.5, 14);
    expect(model.scores({ data: Float64Array.of(3), rows: 1, cols: 1 })[0]).toBeCloseTo(Math.log2(33), 14);
  });
});
