import fc from "fast-check";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TrainError } from "../../src/errors.js";
import { averagePrecision, sweep } from "../../src/metrics.js";
import { parseXGBoostHyperparameters } from "../../src/models/xgboost/hyperparameters.js";
import { XGBoostPredictor } from "../../src/models/xgboost/predict.js";
import { readXGBoostModel } from "../../src/models/xgboost/read.js";
import { binFinder, findBin } from "../../src/models/xgboost/histogram.js";
import { sortFloats } from "../../src/models/xgboost/sketch.js";
import { trainXGBoost } from "../../src/models/xgboost/train.js";
import type { XGBoostData } from "../../src/models/xgboost/train.js";
import { encodeXGBoostModel } from "../../src/models/xgboost/write.js";
import { createRng } from "../../src/rng.js";
import { realPredict, realXGBoost } from "./helpers.js";

/** A small seeded problem: label depends on features 0, 1 and on feature 2 being missing. */
function problem(rows: number, seed: number, cols = 5): XGBoostData {
  const rng = createRng(seed, 7);
  const features = new Float64Array(rows * cols);
  const labels = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) features[r * cols + c] = rng.next() * 4 - 2;
    const missing = rng.next() < 0.2;
    if (missing) features[r * cols + 2] = NaN;
    const logit = 2 * features[r * cols]! - 1.5 * (features[r * cols + 1]! > 0.5 ? 1 : 0) + (missing ? 2 : 0) - 1;
    labels[r] = rng.next() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
  }
  return { features, labels, rows };
}

const dir = mkdtempSync(join(tmpdir(), "xgb-train-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("XGBoost hyperparameters", () => {
  it("has SageMaker's defaults, num_round 100 locally and binary:logistic", () => {
    expect(parseXGBoostHyperparameters({})).toEqual({
      num_round: 100, eta: 0.3, gamma: 0, max_depth: 6, min_child_weight: 1, max_delta_step: 0, subsample: 1, colsample_bytree: 1, colsample_bylevel: 1, colsample_bynode: 1,
      lambda: 1, alpha: 0, scale_pos_weight: 1, max_bin: 256, base_score: 0.5, objective: "binary:logistic", eval_metric: "logloss", early_stopping_rounds: null, seed: 0,
    });
  });

  it("takes strings as SageMaker passes them", () => {
    const hp = parseXGBoostHyperparameters({ max_depth: "5", eta: "0.2", gamma: "4", min_child_weight: "6", subsample: "0.8", num_round: "100", tree_method: "hist", early_stopping_rounds: "10" });
    expect([hp.max_depth, hp.eta, hp.gamma, hp.min_child_weight, hp.subsample, hp.num_round, hp.early_stopping_rounds]).toEqual([5, 0.2, 4, 6, 0.8, 100, 10]);
  });

  it.each([
    ["eta", "1.5", "hyperparameter eta=1.5 is not valid: must be a number in [0, 1]"],
    ["eta", "abc", "hyperparameter eta=abc is not valid: must be a number in [0, 1]"],
    ["max_depth", "0", "hyperparameter max_depth=0 is not valid: must be an integer in [1, 24]"],
    ["max_depth", "2.5", "hyperparameter max_depth=2.5 is not valid: must be an integer in [1, 24]"],
    ["num_round", "0", "hyperparameter num_round=0 is not valid: must be an integer in [1, 100000]"],
    ["subsample", "0", "hyperparameter subsample=0 is not valid: must be a number in (0, 1]"],
    ["colsample_bytree", "1.01", "hyperparameter colsample_bytree=1.01 is not valid: must be a number in (0, 1]"],
    ["gamma", "-1", "hyperparameter gamma=-1 is not valid: must be a number >= 0"],
    ["lambda", "Infinity", "hyperparameter lambda=Infinity is not valid: must be a number >= 0"],
    ["scale_pos_weight", "0", "hyperparameter scale_pos_weight=0 is not valid: must be a number > 0"],
    ["max_bin", "1", "hyperparameter max_bin=1 is not valid: must be an integer in [2, 256]"],
    ["base_score", "1", "hyperparameter base_score=1 is not valid: must be a number in (0, 1)"],
    ["early_stopping_rounds", "0", "hyperparameter early_stopping_rounds=0 is not valid: must be an integer in [1, 100000]"],
    ["objective", "multi:softmax", "hyperparameter objective=multi:softmax is valid for SageMaker but this trainer only trains binary:logistic, reg:logistic and binary:logitraw"],
    ["objective", "nope", "hyperparameter objective=nope is not valid: must be one of binary:logistic, reg:logistic, binary:logitraw"],
    ["tree_method", "exact", "hyperparameter tree_method=exact is valid for SageMaker but this trainer builds histograms (use hist)"],
    ["booster", "dart", "hyperparameter booster=dart is valid for SageMaker but only gbtree is trained here"],
    ["eval_metric", "rmse", "hyperparameter eval_metric=rmse is valid for SageMaker but this trainer watches logloss, aucpr, auc or error"],
    ["learning_rat", "0.1", "unknown XGBoost hyperparameter learning_rat (valid: "],
  ])("%s=%s → INVALID_ARGUMENT", (name, value, message) => {
    let err: unknown;
    try {
      parseXGBoostHyperparameters({ [name]: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TrainError);
    expect((err as TrainError).code).toBe("INVALID_ARGUMENT");
    expect((err as TrainError).message.startsWith(message)).toBe(true);
    expect((err as TrainError).message).not.toContain("\n");
  });
});

describe("trainXGBoost", () => {
  const train = problem(3000, 1);
  const test = problem(2000, 2);
  const ap = (booster: Parameters<typeof encodeXGBoostModel>[0]): number => averagePrecision(sweep(new XGBoostPredictor(booster).probabilities({ data: test.features, rows: test.rows, cols: 5 }), test.labels));

  it("learns the problem, missing values included, better than the base rate", () => {
    const { booster } = trainXGBoost(train, { hyperparameters: { num_round: 30, max_depth: 3 } });
    let pos = 0;
    for (const l of test.labels) pos += l;
    expect(ap(booster)).toBeGreaterThan(pos / test.rows + 0.25);
    // feature 2 is missing in a fifth of the rows and matters only through its missingness
    expect(booster.trees.some((t) => t.left.some((l, i) => l !== -1 && t.splitIndex[i] === 2))).toBe(true);
  });

  it("is deterministic for a seed, and the seed matters when sampling", () => {
    const hp = { num_round: 10, subsample: 0.7, colsample_bytree: 0.6, seed: 5 };
    const a = encodeXGBoostModel(trainXGBoost(train, { hyperparameters: hp }).booster);
    const b = encodeXGBoostModel(trainXGBoost(train, { hyperparameters: hp }).booster);
    const c = encodeXGBoostModel(trainXGBoost(train, { hyperparameters: { ...hp, seed: 6 } }).booster);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it("builds the same model bit for bit on one thread or two (large nodes in halves, the second on a helper thread)", () => {
    const big = problem(40_000, 3, 8);
    const hp = { num_round: 6, max_depth: 4, subsample: 0.9, colsample_bytree: 0.8, seed: 2 };
    const one = trainXGBoost(big, { hyperparameters: hp, threads: 1 });
    const two = trainXGBoost(big, { hyperparameters: hp, threads: 2 });
    expect(one.threads).toBe(1);
    expect(two.threads).toBe(2);
    expect(encodeXGBoostModel(two.booster)).toEqual(encodeXGBoostModel(one.booster));
    expect(one.booster.trees.every((t) => t.left.length > 7)).toBe(true);
    // bins stored as bytes (the default here) or as 16-bit global bins: the same model
    const wide = trainXGBoost(big, { hyperparameters: hp, threads: 2, byteBins: false });
    expect(encodeXGBoostModel(wide.booster)).toEqual(encodeXGBoostModel(one.booster));
    // histograms by the JavaScript kernels instead of the WebAssembly one: the same model
    const js = trainXGBoost(big, { hyperparameters: hp, threads: 2, wasm: false });
    expect(encodeXGBoostModel(js.booster)).toEqual(encodeXGBoostModel(one.booster));
  }, 60_000);

  it.each([
    ["bytes fit: 255 bins and a missing one", 255, true],
    ["bytes fit: 256 bins, no missing value", 256, false],
    ["bytes do not fit: 256 bins and a missing one", 256, true],
  ])("trains the same model whatever the bin storage (%s)", (_name, maxBin, withMissing) => {
    const d = problem(3000, 11, 6);
    if (!withMissing) d.features.forEach((v, i) => (d.features[i] = Number.isNaN(v) ? 0.25 : v));
    const hp = { num_round: 4, max_depth: 4, max_bin: maxBin, seed: 1 };
    const packed = encodeXGBoostModel(trainXGBoost(d, { hyperparameters: hp, threads: 1 }).booster);
    const wide = encodeXGBoostModel(trainXGBoost(d, { hyperparameters: hp, threads: 1, byteBins: false }).booster);
    expect(packed).toEqual(wide);
    // and whatever the kernel: WebAssembly (the default) or JavaScript
    for (const byteBins of [true, false]) expect(encodeXGBoostModel(trainXGBoost(d, { hyperparameters: hp, threads: 1, byteBins, wasm: false }).booster)).toEqual(packed);
  });

  it.each([0, 3, 1.5])("refuses threads=%s", (threads) => {
    expect(() => trainXGBoost(train, { threads })).toThrow(`threads ${threads} is not valid: must be 1 or 2`);
  });

  it("respects max_depth, and gamma prunes weak splits away", () => {
    const depthOf = (t: { left: Int32Array; right: Int32Array }): number => {
      const d = (i: number): number => (t.left[i] === -1 ? 0 : 1 + Math.max(d(t.left[i]!), d(t.right[i]!)));
      return d(0);
    };
    const shallow = trainXGBoost(train, { hyperparameters: { num_round: 5, max_depth: 2 } }).booster;
    expect(Math.max(...shallow.trees.map(depthOf))).toBe(2);
    const pruned = trainXGBoost(train, { hyperparameters: { num_round: 5, gamma: 1e9 } }).booster;
    expect(pruned.trees.every((t) => t.left.length === 1)).toBe(true);
  });

  it("stops early on the validation metric and keeps the best round", () => {
    const rounds: number[] = [];
    const r = trainXGBoost(train, { hyperparameters: { num_round: 500, eta: 0.5, early_stopping_rounds: 5 }, validation: test, onRound: (i) => rounds.push(i) });
    expect(r.rounds).toBeLessThan(500);
    expect(r.rounds).toBe(r.bestIteration + 6);
    expect(r.booster.trees).toHaveLength(r.bestIteration + 1);
    expect(r.booster.attributes["best_iteration"]).toBe(String(r.bestIteration));
    expect(Math.min(...r.history)).toBe(r.bestScore);
    expect(rounds).toHaveLength(r.rounds);
  });

  it("early stopping on aucpr watches a metric that grows", () => {
    const r = trainXGBoost(train, { hyperparameters: { num_round: 60, eval_metric: "aucpr", early_stopping_rounds: 3 }, validation: test });
    expect(Math.max(...r.history)).toBe(r.bestScore);
  });

  it.each([
    ["infinite value", { ...train, features: Float64Array.from(train.features, (v, i) => (i === 7 ? Infinity : v)) }, "BAD_DATA", "training row 2, feature 3: Infinity is not finite"],
    ["label 2", { ...train, labels: Uint8Array.from(train.labels, (v, i) => (i === 3 ? 2 : v)) }, "BAD_DATA", "training row 4: label 2 is not 0 or 1"],
    ["no rows", { features: new Float64Array(0), labels: new Uint8Array(0), rows: 0 }, "INVALID_ARGUMENT", "cannot tell the feature count"],
    ["not typed arrays", { features: [1, 2], labels: [0], rows: 1 } as unknown as XGBoostData, "INVALID_ARGUMENT", "training data must be"],
  ])("refuses %s", (_, data, code, message) => {
    let err: unknown;
    try {
      trainXGBoost(data);
    } catch (e) {
      err = e;
    }
    expect((err as TrainError).code).toBe(code);
    expect((err as TrainError).message).toContain(message);
  });

  it("refuses early stopping without a validation set", () => {
    expect(() => trainXGBoost(train, { hyperparameters: { early_stopping_rounds: 3 } })).toThrow("early_stopping_rounds=3 needs a validation set");
  });

  it.skipIf(!realXGBoost.available)(`real XGBoost 1.7.4 loads a trained model and predicts what we predict${realXGBoost.available ? "" : ` — SKIPPED: ${realXGBoost.reason}`}`, () => {
    const { booster } = trainXGBoost(train, { hyperparameters: { num_round: 20, max_depth: 4, subsample: 0.8, colsample_bytree: 0.8, base_score: 0.3, alpha: 0.1, max_delta_step: 1 } });
    mkdirSync(join(dir, "trained"));
    const path = join(dir, "trained", "xgboost-model");
    writeFileSync(path, encodeXGBoostModel(booster));
    const rows = Array.from({ length: test.rows }, (_, r) => Array.from(test.features.subarray(r * 5, r * 5 + 5)));
    const [real] = realPredict([{ path, rows }]);
    const ours = new XGBoostPredictor(readXGBoostModel(encodeXGBoostModel(booster)).booster).probabilities({ data: test.features, rows: test.rows, cols: 5 });
    rows.forEach((_, i) => expect(Math.abs(real!.probability[i]! - ours[i]!)).toBeLessThanOrEqual(1e-5));
  }, 60_000);
});

describe("the bin finder", () => {
  const f32 = fc.float({ noNaN: true, noDefaultInfinity: true });
  it("counts the cuts at or below a value exactly as a plain scan does, whatever the range", () => {
    fc.assert(
      fc.property(fc.uniqueArray(f32, { minLength: 1, maxLength: 300, comparator: (a, b) => Object.is(Math.fround(a), Math.fround(b)) || Math.fround(a) === Math.fround(b) }), fc.array(f32, { maxLength: 50 }), (raw, values) => {
        const cuts = Float32Array.from(raw).sort();
        const finder = binFinder(cuts);
        for (const v of [...values, ...Array.from(cuts), ...Array.from(cuts, (c) => c - 1e-3), 0, -0]) {
          const x = Math.fround(v);
          expect(findBin(cuts, finder, x)).toBe(cuts.filter((c) => c <= x).length);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("sortFloats", () => {
  it("sorts float32 values as Float32Array.prototype.sort does (−0 before +0), long and short arrays", () => {
    const f32 = fc.float({ noNaN: true });
    fc.assert(
      fc.property(fc.array(f32, { maxLength: 2000 }), fc.boolean(), (raw, repeat) => {
        const values = Float32Array.from(repeat ? [...raw, ...raw, -0, 0, -0] : raw);
        const expected = Float32Array.from(values).sort();
        sortFloats(values);
        expect(Array.from(values).map((v) => Object.is(v, -0) ? "-0" : v)).toEqual(Array.from(expected).map((v) => Object.is(v, -0) ? "-0" : v));
      }),
      { numRuns: 100 },
    );
  });
});
