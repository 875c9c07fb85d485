import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Dataset } from "../../src/data.js";
import { TrainError } from "../../src/errors.js";
import { smote } from "../../src/smote.js";

const COLS = 3;

/** Data sets of 3 features with at least 2 rows of each class and more 0s than 1s. */
const datasets = fc
  .tuple(
    fc.array(fc.tuple(fc.double({ min: -100, max: 100, noNaN: true }), fc.double({ min: -100, max: 100, noNaN: true }), fc.double({ min: -100, max: 100, noNaN: true })), { minLength: 2, maxLength: 12 }),
    fc.array(fc.tuple(fc.double({ min: -100, max: 100, noNaN: true }), fc.double({ min: -100, max: 100, noNaN: true }), fc.double({ min: -100, max: 100, noNaN: true })), { minLength: 13, maxLength: 40 }),
  )
  .map(([pos, neg]): Dataset => {
    const all = [...neg.map((r) => [r, 0] as const), ...pos.map((r) => [r, 1] as const)];
    return { rows: all.length, features: Float64Array.from(all.flatMap(([r]) => r)), labels: Uint8Array.from(all.map(([, l]) => l)) };
  });

const dist2 = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s;
};

describe("smote", () => {
  it("synthetic rows lie on a segment from a minority row to one of its k nearest minority neighbours; input untouched", () => {
    fc.assert(
      fc.property(datasets, fc.integer({ min: 1, max: 5 }), fc.integer(), (data, k, seed) => {
        const before = { features: data.features.slice(), labels: data.labels.slice() };
        const out = smote(data, { seed, k });
        expect(data.features).toEqual(before.features);
        expect(data.labels).toEqual(before.labels);
        const row = (f: Float64Array, i: number): Float64Array => f.subarray(i * COLS, (i + 1) * COLS);
        const minority: Float64Array[] = [];
        for (let i = 0; i < data.rows; i++) if (data.labels[i] === 1) minority.push(row(data.features, i));
        const negatives = data.rows - minority.length;
        expect(out.rows).toBe(data.rows + negatives - minority.length);
        expect(out.features.subarray(0, data.rows * COLS)).toEqual(data.features);
        const kk = Math.min(k, minority.length - 1);
        // the k nearest of each minority row: every row strictly closer than the k-th distance, and ties at it
        const near = minority.map((a, ai) => {
          const ds = minority.map((b, bi) => (bi === ai ? Infinity : dist2(a, b)));
          const kth = [...ds].sort((p, q) => p - q)[kk - 1]!;
          return minority.filter((_, bi) => ds[bi]! <= kth);
        });
        for (let s = data.rows; s < out.rows; s++) {
          expect(out.labels[s]).toBe(1);
          const p = row(out.features, s);
          const onSegment = minority.some((a, ai) =>
            near[ai]!.some((b) => {
              // p = a + g (b - a) for one g in [0, 1], every coordinate
              let g = NaN;
              for (let c = 0; c < COLS; c++) {
                const span = b[c]! - a[c]!;
                if (Math.abs(span) > 1e-9) {
                  g = (p[c]! - a[c]!) / span;
                  break;
                }
              }
              if (Number.isNaN(g)) return dist2(p, a) < 1e-12;
              if (g < -1e-9 || g > 1 + 1e-9) return false;
              for (let c = 0; c < COLS; c++) if (Math.abs(a[c]! + g * (b[c]! - a[c]!) - p[c]!) > 1e-6 * (1 + Math.abs(p[c]!))) return false;
              return true;
            }),
          );
          expect(onSegment).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("is deterministic for a seed, and the seed matters", () => {
    fc.assert(
      fc.property(datasets, fc.integer(), (data, seed) => {
        expect(smote(data, { seed })).toEqual(smote(data, { seed }));
      }),
      { numRuns: 30 },
    );
    const data: Dataset = { rows: 6, features: Float64Array.from({ length: 18 }, (_, i) => i * 1.7), labels: Uint8Array.from([0, 0, 0, 0, 1, 1]) };
    // 4 majority rows, 2 minority rows → 2 synthetic rows
    expect(smote(data, { seed: 1 }).features).not.toEqual(smote(data, { seed: 2 }).features);
  });

  it("oversamples to the ratio asked", () => {
    const rows = 100;
    const data: Dataset = { rows, features: Float64Array.from({ length: rows * 2 }, (_, i) => Math.sin(i)), labels: Uint8Array.from({ length: rows }, (_, i) => (i % 10 === 0 ? 1 : 0)) };
    const out = smote(data, { seed: 3, ratio: 0.5, cols: 2 });
    let pos = 0;
    for (const l of out.labels) pos += l;
    expect(pos).toBe(45);
  });

  it.each([
    ["a missing value", { rows: 5, features: Float64Array.from({ length: 15 }, (_, i) => (i === 1 ? NaN : i)), labels: Uint8Array.from([1, 1, 0, 0, 0]) }, {}, "BAD_DATA", "smote: row 1, feature 2 is NaN; SMOTE needs complete, finite rows"],
    ["one minority row", { rows: 3, features: new Float64Array(9), labels: Uint8Array.from([1, 0, 0]) }, {}, "BAD_DATA", "smote needs at least 2 rows of the minority class 1, got 1"],
    ["k=0", { rows: 3, features: new Float64Array(9), labels: Uint8Array.from([1, 0, 0]) }, { k: 0 }, "INVALID_ARGUMENT", "smote k=0 must be an integer in [1, 100]"],
    ["ratio 2", { rows: 3, features: new Float64Array(9), labels: Uint8Array.from([1, 1, 0]) }, { ratio: 2 }, "INVALID_ARGUMENT", "smote ratio=2 must be a number in (0, 1]"],
  ])("refuses %s", (_, data, extra, code, message) => {
    let err: unknown;
    try {
      smote(data as Dataset, { seed: 1, ...extra, cols: 3 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TrainError);
    expect((err as TrainError).code).toBe(code);
    expect((err as TrainError).message).toBe(message);
  });
});
