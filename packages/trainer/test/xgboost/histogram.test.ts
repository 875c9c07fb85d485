import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HistogramBuilder, SPLIT_ROWS, addRows, logisticGradients, rowKernel, shared } from "../../src/models/xgboost/histogram.js";
import type { RowSplit } from "../../src/models/xgboost/histogram.js";
import { createRng } from "../../src/rng.js";

/** Shared inputs of `rows` rows × `cols` features over `bins` global bins, seeded. */
function inputs(rows: number, cols: number, binsTotal: number, seed: number) {
  const rng = createRng(seed, 3);
  const bins = shared(Uint16Array, rows * cols);
  for (let i = 0; i < bins.length; i++) bins[i] = rng.int(binsTotal);
  const index = shared(Uint32Array, rows);
  for (let i = 0; i < rows; i++) index[i] = (i * 7919) % rows;
  const grad = shared(Float32Array, rows);
  const hess = shared(Float32Array, rows);
  for (let i = 0; i < rows; i++) {
    grad[i] = rng.next() * 2 - 1;
    hess[i] = rng.next() * 0.25;
  }
  return { bins, index, grad, hess, cols, length: binsTotal * 2 };
}

describe("HistogramBuilder", () => {
  it("builds on the helper thread exactly what one thread builds (large nodes in two halves)", () => {
    const data = inputs(3 * SPLIT_ROWS, 6, 300, 1);
    const one = new HistogramBuilder(data, 1);
    const two = new HistogramBuilder(data, 2);
    try {
      expect(two.threads).toBe(2);
      fc.assert(
        fc.property(fc.integer({ min: 0, max: data.index.length }), fc.integer({ min: 0, max: data.index.length }), (a, b) => {
          const [begin, end] = a <= b ? [a, b] : [b, a];
          const h1 = new Float64Array(data.length);
          const h2 = new Float64Array(data.length).fill(7);
          one.build(h1, begin, end);
          two.build(h2, begin, end);
          expect(Array.from(h2)).toEqual(Array.from(h1));
        }),
        { numRuns: 40 },
      );
      expect(two.helperJobs).toBeGreaterThan(0);
      expect(one.helperJobs).toBe(0);
    } finally {
      two.close();
    }
  });

  it("computes the logistic gradients with the helper thread exactly as on one thread", () => {
    const rows = 2 * SPLIT_ROWS + 3;
    const rng = createRng(4, 5);
    const margin = shared(Float32Array, rows);
    const labels = shared(Uint8Array, rows);
    for (let r = 0; r < rows; r++) {
      margin[r] = rng.next() * 8 - 4;
      labels[r] = rng.next() < 0.1 ? 1 : 0;
    }
    const base = inputs(rows, 2, 10, 3);
    const two = new HistogramBuilder({ ...base, margin, labels, scalePosWeight: 3.5 }, 2);
    try {
      two.gradients();
      const grad = new Float32Array(rows);
      const hess = new Float32Array(rows);
      logisticGradients(margin, labels, grad, hess, 3.5, 0, rows);
      expect(Array.from(base.grad)).toEqual(Array.from(grad));
      expect(Array.from(base.hess)).toEqual(Array.from(hess));
      // a positive row: (p - 1) × 3.5
      const r = labels.indexOf(1);
      const p = 1 / (1 + Math.exp(-margin[r]!));
      expect(base.grad[r]).toBe(Math.fround((p - 1) * 3.5));
    } finally {
      two.close();
    }
  });

  it("sums every row's gradient and hessian into its bins (a node below SPLIT_ROWS in one pass)", () => {
    const data = inputs(100, 3, 10, 2);
    const h = new Float64Array(data.length);
    new HistogramBuilder(data, 1).build(h, 10, 60);
    const expected = new Float64Array(data.length);
    for (let k = 10; k < 60; k++) {
      const r = data.index[k]!;
      for (let f = 0; f < 3; f++) {
        const b = data.bins[r * 3 + f]!;
        expected[2 * b] = expected[2 * b]! + data.grad[r]!;
        expected[2 * b + 1] = expected[2 * b + 1]! + data.hess[r]!;
      }
    }
    expect(Array.from(h)).toEqual(Array.from(expected));
    const direct = new Float64Array(data.length);
    addRows(direct, data.bins, 3, data.index, 10, 60, data.grad, data.hess);
    expect(Array.from(direct)).toEqual(Array.from(expected));
  });

  it("builds with the unrolled kernel of each width exactly what the generic loop builds", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 600 }), fc.integer(), (cols, rows, binsTotal, seed) => {
        const data = inputs(rows, cols, binsTotal, seed);
        const kernel = rowKernel(cols);
        expect(kernel).not.toBe(addRows);
        const a = new Float64Array(data.length);
        const b = new Float64Array(data.length);
        addRows(a, data.bins, cols, data.index, 0, rows, data.grad, data.hess);
        kernel(b, data.bins, cols, data.index, 0, rows, data.grad, data.hess);
        expect(Array.from(b)).toEqual(Array.from(a));
      }),
      { numRuns: 60 },
    );
    // rows too wide to unroll keep the generic loop
    expect(rowKernel(1000)).toBe(addRows);
  });

  it("partitions nodes on the helper thread exactly as one stable pass does", () => {
    const rows = 3 * SPLIT_ROWS;
    const cols = 4;
    const rng = createRng(9, 1);
    const colBins = shared(Uint16Array, rows * cols);
    for (let i = 0; i < colBins.length; i++) colBins[i] = rng.int(20);
    const make = (threads: number) => {
      const index = shared(Uint32Array, rows);
      index.forEach((_, i) => (index[i] = (i * 7919) % rows));
      const base = inputs(rows, cols, 20, 1);
      return new HistogramBuilder({ ...base, index, colBins, scratch: shared(Uint32Array, rows) }, threads);
    };
    const one = make(1);
    const two = make(2);
    try {
      fc.assert(
        fc.property(
          fc.array(fc.record({ cut: fc.integer({ min: 0, max: rows }), feature: fc.integer({ min: 0, max: cols - 1 }), splitBin: fc.integer({ min: -1, max: 19 }), missingBin: fc.integer({ min: 0, max: 19 }), defaultLeft: fc.boolean() }), { minLength: 1, maxLength: 20 }),
          (specs) => {
            // disjoint nodes: the cuts sorted give consecutive ranges
            const cuts = [...new Set([0, rows, ...specs.map((s) => s.cut)])].sort((a, b) => a - b);
            const splits: RowSplit[] = cuts.slice(1).map((end, j) => ({ ...specs[j % specs.length]!, begin: cuts[j]!, end }));
            const before = Array.from(one.inputs.index);
            const expected = before.slice();
            const lefts = splits.map((s) => {
              const rowsOf = before.slice(s.begin, s.end);
              const goesLeft = (r: number): boolean => {
                const b = colBins[s.feature * rows + r]!;
                return b === s.missingBin ? s.defaultLeft : b <= s.splitBin;
              };
              const left = rowsOf.filter(goesLeft);
              expected.splice(s.begin, rowsOf.length, ...left, ...rowsOf.filter((r) => !goesLeft(r)));
              return left.length;
            });
            expect(Array.from(one.partitionMany(splits))).toEqual(lefts);
            expect(Array.from(one.inputs.index)).toEqual(expected);
            expect(Array.from(two.partitionMany(splits))).toEqual(lefts);
            expect(Array.from(two.inputs.index)).toEqual(expected);
          },
        ),
        { numRuns: 25 },
      );
    } finally {
      two.close();
    }
  });
});
