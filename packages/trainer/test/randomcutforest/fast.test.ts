// The scorer (src/models/randomcutforest/kernel.wat: eight rows walking down in lock step, lists of
// the bounds still outside, rows rising in rounds, early end of the walk) against the literal
// visitor (reference.ts: full box distance at every ancestor, one row at a time), on random forests
// and random points: the same scores, bit for bit.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildForest } from "../../src/models/randomcutforest/build.js";
import { assembleForest, scoreRows } from "../../src/models/randomcutforest/forest.js";
import { encodeRcfMember } from "../../src/models/randomcutforest/artifact.js";
import { trainRandomCutForest } from "../../src/models/randomcutforest/train.js";
import { createRng } from "../../src/rng.js";
import type { Rng } from "../../src/rng.js";
import { referenceForest, referenceScores } from "./reference.js";

type Kind = "grid" | "gaussian" | "wide" | "mixed";

function gaussian(rng: Rng): number {
  const u = 1 - rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/** One value of the given kind: a small-integer grid makes duplicate points, equal bounds and seen points. */
function value(kind: Kind, rng: Rng, j: number): number {
  switch (kind) {
    case "grid":
      return rng.int(5) - 2;
    case "gaussian":
      return gaussian(rng);
    case "wide":
      return gaussian(rng) * 10 ** (j % 7 - 3);
    case "mixed":
      return rng.next() < 0.5 ? rng.int(3) : gaussian(rng) * 4;
  }
}

function matrix(kind: Kind, rows: number, d: number, rng: Rng): Float64Array {
  const out = new Float64Array(rows * d);
  for (let i = 0; i < rows; i++) for (let j = 0; j < d; j++) out[i * d + j] = value(kind, rng, j);
  return out;
}

/**
 * Points to score: the training rows (seen points), rows nudged in one coordinate, rows whose
 * coordinates come from different training rows (inside the root's box, often on a bound), fresh
 * points of the same kind, and points far outside.
 */
function queries(data: Float64Array, rows: number, d: number, kind: Kind, rng: Rng): { values: Float64Array; rows: number } {
  const n = rows + 4 * 40;
  const out = new Float64Array(n * d);
  out.set(data);
  for (let i = rows; i < n; i++) {
    const which = (i - rows) % 4;
    for (let j = 0; j < d; j++) {
      const src = rng.int(rows) * d + j;
      out[i * d + j] =
        which === 0 ? data[(i % rows) * d + j]! + (j === i % d ? 1e-3 : 0) : which === 1 ? data[src]! : which === 2 ? value(kind, rng, j) : data[src]! * 1e3 + 50;
    }
  }
  return { values: out, rows: n };
}

/** Rows whose scores differ in any bit (none expected), with both values. */
function differences(fast: Float64Array, ref: Float64Array): { row: number; fast: number; reference: number }[] {
  const out: { row: number; fast: number; reference: number }[] = [];
  for (let i = 0; i < ref.length; i++) if (!Object.is(fast[i], ref[i])) out.push({ row: i, fast: fast[i]!, reference: ref[i]! });
  return out.slice(0, 5);
}

describe("the fast scorer gives the reference visitor's scores", () => {
  it("on random forests and random points", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom<Kind>("grid", "gaussian", "wide", "mixed"),
        fc.integer(),
        (d, rows, samples, trees, kind, seed) => {
          const rng = createRng(seed, 1);
          const data = matrix(kind, rows, d, rng);
          const forestData = buildForest(data, rows, d, { trees, samplesPerTree: samples, seed });
          const q = queries(data, rows, d, kind, rng);
          const fast = new Float64Array(q.rows);
          scoreRows(assembleForest(forestData), q.values, q.rows, d, fast);
          const ref = referenceScores(referenceForest(forestData), q.values, q.rows);
          expect(differences(fast, ref)).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("through a trained model and its feature transform, in blocks and one row at a time", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 2, max: 3000 }), fc.constantFrom<Kind>("gaussian", "wide", "mixed"), fc.integer(), (d, rows, kind, seed) => {
        const rng = createRng(seed, 2);
        const data = matrix(kind, rows, d, rng);
        const { model } = trainRandomCutForest({ data, rows, cols: d }, { seed, hyperparameters: { num_trees: 50, num_samples_per_tree: 64 } });
        const fast = model.scores({ data, rows, cols: d });
        const ref = referenceScores(referenceForest(model.params.forest), data, rows, model.params.transform ?? undefined);
        expect(differences(fast, ref)).toEqual([]);
        const one = model.scores({ data: data.subarray(0, d), rows: 1, cols: d });
        expect(one[0]).toBe(fast[0]);
      }),
      { numRuns: 12 },
    );
  });

  it("with thousands of features, scored in blocks of a few rows", () => {
    // 3,000 features: the block holds 16 rows (512 KiB), so 90 rows cross five blocks.
    const rng = createRng(9, 5);
    const d = 3000;
    const rows = 90;
    const data = matrix("gaussian", rows, d, rng);
    const forestData = buildForest(data, rows, d, { trees: 3, samplesPerTree: 32, seed: 9 });
    const fast = new Float64Array(rows);
    scoreRows(assembleForest(forestData), data, rows, d, fast);
    expect(differences(fast, referenceScores(referenceForest(forestData), data, rows))).toEqual([]);
  });

  it("at the documented defaults, 100 trees × 256 samples of 30 features", () => {
    const rng = createRng(5, 3);
    const rows = 4000;
    const data = matrix("mixed", rows, 30, rng);
    const { model } = trainRandomCutForest({ data, rows, cols: 30 }, { seed: 5 });
    const q = queries(data.subarray(0, 300 * 30), 300, 30, "mixed", rng);
    const fast = model.scores({ data: q.values, rows: q.rows, cols: 30 });
    const ref = referenceScores(referenceForest(model.params.forest), q.values, q.rows, model.params.transform ?? undefined);
    expect(differences(fast, ref)).toEqual([]);
  });
});

/** Bytes of every typed array a loaded forest holds (its own and its stored form's). */
function heldBytes(o: object): number {
  let n = 0;
  for (const v of Object.values(o)) if (ArrayBuffer.isView(v)) n += v.byteLength;
  return n;
}

describe("a loaded forest's memory is bounded by its member's size", () => {
  it("at most 4 bytes held per byte of rcf-model.json", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 128 }), fc.integer(), (d, rows, samples, seed) => {
        const rng = createRng(seed, 4);
        const data = matrix("mixed", rows, d, rng);
        const { model } = trainRandomCutForest({ data, rows, cols: d }, { seed, hyperparameters: { num_trees: 50, num_samples_per_tree: samples } });
        const member = encodeRcfMember(model.params).length;
        const held = heldBytes(model.forest) + heldBytes(model.forest.data);
        expect(held).toBeLessThanOrEqual(4 * member);
      }),
      { numRuns: 30 },
    );
  });
});
