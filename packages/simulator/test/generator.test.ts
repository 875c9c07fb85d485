import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_FRAUD_RATE,
  FEATURE_NAMES,
  SimulatorError,
  createTransactionSource,
  encodeCreditCardRows,
  generateDataset,
  isSimulatorError,
  transactionFeatures,
} from "@fraud/simulator";
import { columnMoments, quantile } from "./helpers.js";

const here = dirname(fileURLToPath(import.meta.url));
interface Stats {
  mean: number;
  std: number | null;
  p25?: number | null;
  p75?: number | null;
  skewness?: number;
  excess_kurtosis?: number;
}
interface Profile {
  rows: number;
  frauds: number;
  columns: Record<string, { all: Stats; class0: Stats; class1: Stats }>;
  amount_by_class: Record<string, Record<string, number>>;
  time_by_class: Record<string, Record<string, number>>;
  correlation_with_amount: Record<string, number>;
  correlation_with_time: Record<string, number>;
}
const profile = JSON.parse(
  readFileSync(resolve(here, "../data/creditcard-profile.json"), "utf8"),
) as Profile;

/** Within 10 % of the target, or 0.05 absolute for values near zero. */
function close(actual: number, target: number): boolean {
  return Math.abs(actual - target) <= Math.max(0.1 * Math.abs(target), 0.05);
}

describe("determinism", () => {
  it("same seed gives the same bytes; another seed differs", () => {
    const a = encodeCreditCardRows(generateDataset({ rows: 3000, seed: 99 }));
    const b = encodeCreditCardRows(generateDataset({ rows: 3000, seed: 99 }));
    const c = encodeCreditCardRows(generateDataset({ rows: 3000, seed: 100 }));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
  });

  it("the transaction source repeats for a seed", () => {
    const start = Date.UTC(2024, 0, 1);
    const a = createTransactionSource({ seed: 5, start }).take(50);
    const b = createTransactionSource({ seed: 5, start }).take(50);
    expect(a).toEqual(b);
    expect(new Set(a.map((t) => t.id)).size).toBe(50);
    expect(a.every((t) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(t.id))).toBe(true);
    expect(a.every((t) => ["Mobile", "Web", "Store"].includes(t.channel))).toBe(true);
    expect(a.every((t, i) => i === 0 || t.timestamp >= a[i - 1]!.timestamp)).toBe(true);
  });

  it("generated values fit the schema for any seed and size (property)", () => {
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 40 }), fc.integer({ min: 1, max: 400 }), fc.double({ min: 0.001, max: 0.5, noNaN: true }), (seed, rows, rate) => {
        const d = generateDataset({ rows, seed, fraudRate: rate });
        expect(d.rows).toBe(rows);
        expect(d.features.length).toBe(rows * 30);
        let frauds = 0;
        for (let r = 0; r < rows; r++) {
          frauds += d.labels[r]!;
          const t = d.features[r * 30]!;
          expect(Number.isInteger(t) && t >= 0 && t <= 172_792).toBe(true);
          if (r > 0) expect(t).toBeGreaterThanOrEqual(d.features[(r - 1) * 30]!);
          const amount = d.features[r * 30 + 29]!;
          expect(amount >= 0 && Math.round(amount * 100) / 100 === amount).toBe(true);
          for (let j = 1; j < 29; j++) expect(Number.isFinite(d.features[r * 30 + j]!)).toBe(true);
        }
        expect(frauds).toBe(Math.min(rows, Math.round(rows * rate)));
      }),
      { numRuns: 40 },
    );
  });

  it.each([
    [{ rows: 0, seed: 1 }, "rows must be an integer from 1 to 5000000, got 0"],
    [{ rows: 1.5, seed: 1 }, "rows must be an integer from 1 to 5000000, got 1.5"],
    [{ rows: 5_000_001, seed: 1 }, "rows must be an integer from 1 to 5000000, got 5000001"],
    [{ rows: 10, seed: 2 ** 53 }, "seed must be a non-negative integer, got 9007199254740992"],
    [{ rows: 10, seed: 1, fraudRate: Number.NaN }, "fraud rate must be a number in (0, 1), got NaN"],
    [{ rows: 10, seed: -1 }, "seed must be a non-negative integer, got -1"],
    [{ rows: 10, seed: 1, fraudRate: 0 }, "fraud rate must be a number in (0, 1), got 0"],
    [{ rows: 10, seed: 1, fraudRate: 1 }, "fraud rate must be a number in (0, 1), got 1"],
  ])("rejects %o", (options, message) => {
    let caught: unknown;
    try {
      generateDataset(options);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SimulatorError);
    expect(isSimulatorError(caught, "INVALID_ARGUMENT")).toBe(true);
    expect((caught as SimulatorError).message).toBe(message);
  });

  it("transaction features come in column order", () => {
    const [t] = createTransactionSource({ seed: 1 }).take(1);
    const f = transactionFeatures(t!);
    expect(f).toHaveLength(FEATURE_NAMES.length);
    expect(f[0]).toBe(t!.time);
    expect(f[29]).toBe(t!.amount);
  });
});

describe("calibration to the public file's profile", () => {
  const overall = generateDataset({ rows: 400_000, seed: 2024 });
  // Per-class figures from a sample rich in frauds (the class distributions do not depend on the rate).
  const rich = generateDataset({ rows: 300_000, seed: 2025, fraudRate: 0.3 });

  it("has the default fraud rate", () => {
    const frauds = overall.labels.reduce((a, b) => a + b, 0);
    expect(DEFAULT_FRAUD_RATE).toBeCloseTo(profile.frauds / profile.rows, 12);
    expect(frauds).toBe(Math.round(400_000 * DEFAULT_FRAUD_RATE));
  });

  const rowsOf = FEATURE_NAMES.map((name, col) => ({ name, col }));
  it.each(rowsOf)("$name: overall mean and std within 10% (or 0.05)", ({ name, col }) => {
    const target = profile.columns[name]!.all;
    const m = columnMoments(overall, col);
    expect(close(m.mean, target.mean), `mean ${m.mean} vs ${target.mean}`).toBe(true);
    expect(close(m.std, target.std!), `std ${m.std} vs ${target.std}`).toBe(true);
  });

  it.each(rowsOf)("$name: per-class means and stds within 10% (or 0.05)", ({ name, col }) => {
    for (const [cls, key] of [
      [0, "class0"],
      [1, "class1"],
    ] as const) {
      const target = profile.columns[name]![key];
      const m = columnMoments(cls === 0 ? overall : rich, col, cls);
      expect(close(m.mean, target.mean), `${key} mean ${m.mean} vs ${target.mean}`).toBe(true);
      if (target.std !== null) expect(close(m.std, target.std), `${key} std ${m.std} vs ${target.std}`).toBe(true);
    }
  });

  it("has heavy-tailed amounts (median near 22, mean near 88, long tail)", () => {
    const amounts = new Float64Array(overall.rows);
    for (let r = 0; r < overall.rows; r++) amounts[r] = overall.features[r * 30 + 29]!;
    expect(close(quantile(amounts, 0.5), 22)).toBe(true);
    expect(close(columnMoments(overall, 29).mean, 88.35)).toBe(true);
    expect(quantile(amounts, 0.999)).toBeGreaterThan(1500);
    expect(amounts.reduce((a, b) => Math.max(a, b), 0)).toBeGreaterThan(5000);
  });

  it("spans two days with a night trough, frauds spread differently", () => {
    const hours0 = new Array<number>(24).fill(0);
    const hours1 = new Array<number>(24).fill(0);
    let fraudTimes = 0;
    let frauds = 0;
    for (let r = 0; r < rich.rows; r++) {
      const t = rich.features[r * 30]!;
      const h = Math.floor(t / 3600) % 24;
      if (rich.labels[r] === 1) {
        hours1[h]!++;
        fraudTimes += t;
        frauds++;
      } else hours0[h]!++;
    }
    expect(overall.features[0]).toBeLessThan(600);
    expect(overall.features[(overall.rows - 1) * 30]).toBeGreaterThan(172_000);
    const night0 = (hours0[2]! + hours0[3]! + hours0[4]!) / (hours0[12]! + hours0[13]! + hours0[14]!);
    const night1 = (hours1[2]! + hours1[3]! + hours1[4]!) / (hours1[12]! + hours1[13]! + hours1[14]!);
    expect(night0).toBeLessThan(0.3);
    expect(night1).toBeGreaterThan(2 * night0);
    // Frauds happen earlier on average (profile: 80,747 s against 94,838 s).
    expect(close(fraudTimes / frauds, 80_747)).toBe(true);
  });
});

describe("embedded profile", () => {
  it("matches data/creditcard-profile.json", async () => {
    const { COMPONENTS, PROFILE_FRAUDS, PROFILE_ROWS, TIME_AMOUNT } = await import("../src/profile.js");
    expect(TIME_AMOUNT.amount).toEqual(profile.amount_by_class);
    expect(TIME_AMOUNT.time).toEqual(profile.time_by_class);
    expect([PROFILE_ROWS, PROFILE_FRAUDS]).toEqual([profile.rows, profile.frauds]);
    for (const c of COMPONENTS) {
      const p = profile.columns[c.name]!;
      expect([c.std, c.mean0, c.mean1]).toEqual([p.all.std, p.class0.mean, p.class1.mean]);
      expect([c.p25, c.p75, c.skewness, c.excessKurtosis]).toEqual([p.all.p25, p.all.p75, p.all.skewness, p.all.excess_kurtosis]);
      expect([c.p25Fraud, c.p75Fraud]).toEqual([p.class1.p25, p.class1.p75]);
      expect([c.corrAmount, c.corrTime]).toEqual([profile.correlation_with_amount[c.name], profile.correlation_with_time[c.name]]);
      if (!c.estimated) expect(c.std1).toBe(p.class1.std);
      else expect(p.class1.std).toBeNull();
    }
  });
});
