// The scalar anomaly score on hand-built trees whose exact value follows from the reference's
// formulas (aws/random-cut-forest-by-aws: CommonUtils.java, AbstractScalarScoreVisitor.java,
// RandomCutTree.probabilityOfCut, RandomCutForest.getAnomalyScore).
import { describe, expect, it } from "vitest";
import { ModelError } from "../../src/errors.js";
import { assembleForest, damp, normalizer, scoreRows, scoreSeen, scoreTree, scoreUnseen } from "../../src/models/randomcutforest/forest.js";
import type { ForestData } from "../../src/models/randomcutforest/forest.js";

interface NodeSpec {
  /** Left child's index (the right child is the next node); absent for a leaf. */
  child?: number;
  dim?: number;
  cut?: number;
  /** Leaf point and mass. */
  point?: number[];
  mass?: number;
}

function forestOf(dim: number, ...trees: NodeSpec[][]): ForestData {
  const all = trees.flat();
  const points = all.filter((n) => n.point !== undefined).flatMap((n) => n.point!);
  return {
    dim,
    nodeCounts: Int32Array.from(trees.map((t) => t.length)),
    child: Int32Array.from(all.map((n) => n.child ?? -1)),
    cutDim: Int32Array.from(all.map((n) => n.dim ?? -1)),
    cutValue: Float32Array.from(all.map((n) => n.cut ?? 0)),
    leafMass: Int32Array.from(all.map((n) => (n.point === undefined ? 0 : (n.mass ?? 1)))),
    points: Float32Array.from(points),
  };
}

// A: 1-D, points 0 and 1, cut at 0.5; tree mass 2.
const A = forestOf(1, [{ child: 1, dim: 0, cut: 0.5 }, { point: [0] }, { point: [1] }]);
// B: one leaf holding the point (1, 2) three times; tree mass 3.
const B = forestOf(2, [{ point: [1, 2], mass: 3 }]);
// C: 2-D, (0,0)×2 | x > 0.5: (1,0) | (1,1) split at y 0.5; tree mass 4.
const C = forestOf(2, [{ child: 1, dim: 0, cut: 0.5 }, { point: [0, 0], mass: 2 }, { child: 3, dim: 1, cut: 0.5 }, { point: [1, 0] }, { point: [1, 1] }]);

const L3 = Math.log2(3);
const L5 = Math.log2(5);

describe("the score functions are the reference's", () => {
  it.each([
    ["scoreUnseen(0)", scoreUnseen(0), 1],
    ["scoreUnseen(3)", scoreUnseen(3), 1 / 4],
    ["scoreSeen(1, 1)", scoreSeen(1, 1), 1 / 2],
    ["scoreSeen(2, 3)", scoreSeen(2, 3), 1 / 4],
    ["damp(1, 2)", damp(1, 2), 3 / 4],
    ["damp(3, 3)", damp(3, 3), 1 / 2],
    ["normalizer(3)", normalizer(3), 2],
    ["normalizer(255)", normalizer(255), 8],
  ])("%s", (_, got, want) => {
    expect(got).toBe(want);
  });
});

describe("one tree's score on hand-built trees", () => {
  it.each([
    // tree A
    ["A: seen leaf 0 (depth 1, mass 1)", A, [0], (1 - 1 / 4) * (1 / 2) * L3],
    ["A: unseen 2, right of the box by 1: p = 1/2 at the root", A, [2], (0.5 * 1 + 0.5 * 0.5) * L3],
    ["A: unseen -3, left of the box by 3: p = 3/4 at the root", A, [-3], (0.75 * 1 + 0.25 * 0.5) * L3],
    ["A: unseen 0.25 inside the root's box: p = 0, leaf score only", A, [0.25], 0.5 * L3],
    // tree B: a single leaf at depth 0
    ["B: seen (1,2) of mass 3 at the root", B, [1, 2], (1 - 3 / 6) * (1 / (0 + 2)) * 2],
    ["B: unseen (0,0) at the root", B, [0, 0], 1 * 2],
    // tree C
    ["C: unseen (1,2): leaf 1/3, then p = 1/2, then p = 1/3", C, [1, 2], ((1 / 3) * 1 + (2 / 3) * (0.5 * 0.5 + 0.5 * (1 / 3))) * L5],
    ["C: seen (0,0) of mass 2 at depth 1", C, [0, 0], ((1 - 2 / 8) / (1 + Math.log2(3))) * L5],
    ["C: seen (1,1) of mass 1 at depth 2", C, [1, 1], ((1 - 1 / 8) / (2 + 1)) * L5],
    ["C: unseen (0.2, 0) inside the root's box", C, [0.2, 0], 0.5 * L5],
    ["C: unseen (-1, -1): p = 1/2 at the root", C, [-1, -1], (0.5 * 1 + 0.5 * 0.5) * L5],
  ])("%s", (_, data, point, want) => {
    const forest = assembleForest(data);
    expect(scoreTree(forest, 0, point)).toBeCloseTo(want, 14);
  });

  it("the forest score is the mean of the tree scores", () => {
    const forest = assembleForest(forestOf(1, [{ child: 1, dim: 0, cut: 0.5 }, { point: [0] }, { point: [1] }], [{ point: [0], mass: 1 }]));
    const out = new Float64Array(1);
    scoreRows(forest, [2], 1, 1, out);
    const treeA = (0.5 * 1 + 0.5 * 0.5) * L3;
    const single = 1 * 1; // unseen at a root leaf of mass 1: 1/(0+1) · log2(2)
    expect(out[0]).toBeCloseTo((treeA + single) / 2, 14);
  });

  it("points are compared as float32, as the reference's float[] points", () => {
    const forest = assembleForest(forestOf(1, [{ point: [0.1] }]));
    // 0.1 as a double is not the stored float32 0.1, but it is once rounded: the point is seen.
    expect(scoreTree(forest, 0, [0.1])).toBeCloseTo((1 - 1 / 2) * (1 / (0 + 1)) * 1, 14);
  });

  it("a feature transform is applied before the walk", () => {
    const forest = assembleForest(A);
    const out = new Float64Array(1);
    scoreRows(forest, [12], 1, 1, out, 0, 1, { shift: Float64Array.of(10), scale: Float64Array.of(1) });
    expect(out[0]).toBeCloseTo((0.5 * 1 + 0.5 * 0.5) * L3, 14);
  });
});

describe("scoring refuses rows it cannot score", () => {
  it.each([
    ["NaN", [Number.NaN], "INVALID_ARGUMENT", "row 0 feature 0 is NaN, not a finite number"],
    ["Infinity", [Infinity], "INVALID_ARGUMENT", "row 0 feature 0 is Infinity, not a finite number"],
  ])("%s", (_, row, code, message) => {
    const forest = assembleForest(A);
    let err: unknown;
    try {
      scoreRows(forest, row, 1, 1, new Float64Array(1));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModelError);
    expect((err as ModelError).code).toBe(code);
    expect((err as ModelError).message).toBe(message);
  });

  it("the wrong number of features", () => {
    expect(() => scoreRows(assembleForest(A), [1, 2], 1, 2, new Float64Array(1))).toThrow(expect.objectContaining({ code: "BAD_FEATURE_COUNT", message: "rows have 2 features, the model expects 1" }));
  });
});

describe("malformed trees are refused with MODEL_CORRUPT", () => {
  const base = (): ForestData => forestOf(2, [{ child: 1, dim: 0, cut: 0.5 }, { point: [0, 0], mass: 2 }, { child: 3, dim: 1, cut: 0.5 }, { point: [1, 0] }, { point: [1, 1] }]);
  it.each<[string, (f: ForestData) => void, string]>([
    ["a child pointing back at an ancestor (a cycle)", (f) => (f.child[2] = 0), "tree 0 node 2 has children 0 and 1 (must be after 2 and below 5)"],
    ["a child index past the tree", (f) => (f.child[2] = 4), "tree 0 node 2 has children 4 and 5 (must be after 2 and below 5)"],
    ["a huge child index", (f) => (f.child[0] = 2 ** 31 - 1), "tree 0 node 0 has children 2147483647 and 2147483648 (must be after 0 and below 5)"],
    ["a cut dimension out of range", (f) => (f.cutDim[0] = 7), "tree 0 node 0 has cut dimension 7 (features: 2)"],
    ["a cut that does not separate its children", (f) => (f.cutValue[0] = 2), "tree 0 node 0: cut x0 <= 2 does not separate its children"],
    ["a NaN cut", (f) => (f.cutValue[0] = Number.NaN), "tree 0 node 0 has cut value NaN"],
    ["a leaf of mass 0", (f) => (f.leafMass[1] = 0), "tree 0 leaf 1 has mass 0"],
    ["a NaN point", (f) => (f.points[3] = Number.NaN), "leaf point value 3 is NaN"],
    ["an even node count", (f) => (f.nodeCounts[0] = 4), "tree 0 has 4 nodes (a tree has an odd number of nodes, at least 1)"],
    ["a node count past the arrays", (f) => (f.nodeCounts[0] = 2 ** 31 - 1), "node arrays do not hold the 2147483647 nodes the trees declare"],
  ])("%s", (_, mutate, message) => {
    const f = base();
    mutate(f);
    let err: unknown;
    try {
      assembleForest(f, "m.tar.gz");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModelError);
    expect((err as ModelError).code).toBe("MODEL_CORRUPT");
    expect((err as ModelError).message).toBe(`m.tar.gz: ${message}`);
  });

  it("two parents claiming one pair of nodes", () => {
    const f = forestOf(1, [{ child: 1, dim: 0, cut: 1.5 }, { child: 3, dim: 0, cut: 0.5 }, { child: 5, dim: 0, cut: 2.5 }, { point: [0] }, { point: [1] }, { point: [2] }, { point: [3] }]);
    expect(() => assembleForest(f)).not.toThrow();
    f.child[2] = 3;
    expect(() => assembleForest(f, "m.tar.gz")).toThrow(new ModelError("MODEL_CORRUPT", "m.tar.gz: tree 0 node 2 claims a node that already has a parent"));
  });
});
