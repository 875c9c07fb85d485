// The difficulty shape of generated data, measured as the published baselines are measured on the
// public file: full-size data sets, a stratified 70/30 split, a plain standardised logistic
// regression (test/shape.ts, scikit-learn's defaults without scikit-learn).
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { describe, expect, it } from "vitest";
import { generateDataset } from "@fraud/simulator";
import { averagePrecision, bestRecallAtPrecision, fitLogistic, shapeFigures } from "./shape.js";

describe("difficulty shape of a 284,807-row file (logistic regression, stratified 70/30)", () => {
  it.each([1, 2, 3])(
    "seed %d: AP 0.65-0.88; at 0.5 precision 0.70-0.97 and recall 0.55-0.85; best recall at precision >= 0.10 in 0.82-0.97",
    (seed) => {
      const f = shapeFigures(generateDataset({ rows: 284_807, seed }));
      expect(f.testFrauds).toBe(148);
      // Not separable (the old shape reached precision 0.99 at 0.5), not hopeless.
      expect(f.averagePrecision).toBeGreaterThanOrEqual(0.65);
      expect(f.averagePrecision).toBeLessThanOrEqual(0.88);
      // Some legitimate rows look like fraud.
      expect(f.precisionAt05).toBeGreaterThanOrEqual(0.7);
      expect(f.precisionAt05).toBeLessThanOrEqual(0.97);
      expect(f.recallAt05).toBeGreaterThanOrEqual(0.55);
      expect(f.recallAt05).toBeLessThanOrEqual(0.85);
      // Frauds form a continuum: most are reachable at a low precision, not all.
      expect(f.bestRecallAtPrecision10).toBeGreaterThanOrEqual(0.82);
      expect(f.bestRecallAtPrecision10).toBeLessThanOrEqual(0.97);
    },
    120_000,
  );
});

describe("the measurement itself", () => {
  it("average precision and best recall follow their definitions on a hand-made ranking", () => {
    // Ranked: 1, 0, 1, 0, 0, 1 → precision at each positive: 1, 2/3, 1/2.
    const scores = Float64Array.from([6, 5, 4, 3, 2, 1]);
    const labels = Uint8Array.from([1, 0, 1, 0, 0, 1]);
    expect(averagePrecision(scores, labels)).toBeCloseTo((1 + 2 / 3 + 1 / 2) / 3, 12);
    expect(bestRecallAtPrecision(scores, labels, 0.6)).toBeCloseTo(2 / 3, 12);
    expect(bestRecallAtPrecision(scores, labels, 0.5)).toBe(1);
  });

  it("the logistic regression reaches the optimum: the penalised gradient vanishes", () => {
    // Two overlapping clusters in 30 dimensions; columns already standardised, last column 1.
    const n = 4000;
    const x = new Float64Array(n * 31);
    const y = new Uint8Array(n);
    const rng = xoroshiro128plus(12345);
    const rand = (): number => uniformFloat64(rng) - 0.5;
    for (let r = 0; r < n; r++) {
      y[r] = r % 10 === 0 ? 1 : 0;
      for (let j = 0; j < 30; j++) x[r * 31 + j] = rand() * 2 + (y[r] === 1 && j < 3 ? 0.8 : 0);
      x[r * 31 + 30] = 1;
    }
    const w = fitLogistic(x, y);
    const g = new Float64Array(31);
    for (let r = 0; r < n; r++) {
      let z = 0;
      for (let j = 0; j < 31; j++) z += w[j]! * x[r * 31 + j]!;
      const e = 1 / (1 + Math.exp(-z)) - y[r]!;
      for (let j = 0; j < 31; j++) g[j]! += e * x[r * 31 + j]!;
    }
    for (let j = 0; j < 30; j++) g[j]! += w[j]!;
    expect(Math.max(...Array.from(g, Math.abs))).toBeLessThan(1e-3);
    expect(w[0]).toBeGreaterThan(0.5);
  });
});
