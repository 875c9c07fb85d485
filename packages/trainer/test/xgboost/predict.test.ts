import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ModelError } from "../../src/errors.js";
import { ROOT_PARENT, allocTree, checkBooster } from "../../src/models/xgboost/booster.js";
import type { XGBoostBooster, XGBoostTree } from "../../src/models/xgboost/booster.js";
import { XGBoostPredictor } from "../../src/models/xgboost/predict.js";
import { readXGBoostModel } from "../../src/models/xgboost/read.js";
import { CASES, FIXTURES, fixtureCase } from "./helpers.js";

/** A tree grown from a list of decisions: each entry splits (feature, threshold, default) or stops. */
interface Spec {
  split: boolean;
  feature: number;
  threshold: number;
  defaultLeft: boolean;
  leaf: number;
}

/** Builds an irregular tree from specs, breadth-first, at most `maxDepth` deep. */
function buildTree(specs: Spec[], maxDepth: number, cols: number): XGBoostTree {
  const nodes: { depth: number; spec: Spec; left: number; right: number }[] = [];
  let k = 0;
  const take = (): Spec => specs[k++ % specs.length]!;
  nodes.push({ depth: 0, spec: take(), left: -1, right: -1 });
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (n.spec.split && n.depth < maxDepth && k < specs.length * 4) {
      n.left = nodes.length;
      nodes.push({ depth: n.depth + 1, spec: take(), left: -1, right: -1 });
      n.right = nodes.length;
      nodes.push({ depth: n.depth + 1, spec: take(), left: -1, right: -1 });
    }
  }
  const t = allocTree(nodes.length);
  t.parent[0] = ROOT_PARENT;
  nodes.forEach((n, i) => {
    t.left[i] = n.left;
    t.right[i] = n.right;
    if (n.left !== -1) {
      t.parent[n.left] = i;
      t.parent[n.right] = i;
      t.splitIndex[i] = n.spec.feature % cols;
      t.splitCondition[i] = n.spec.threshold;
      t.defaultLeft[i] = n.spec.defaultLeft ? 1 : 0;
    } else t.splitCondition[i] = n.spec.leaf;
  });
  return t;
}

const value = fc.oneof(fc.float({ min: -4, max: 4, noNaN: true }), fc.constantFrom(NaN, 0, 1, -1));
const spec = fc.record({ split: fc.integer({ min: 0, max: 3 }).map((v) => v > 0), feature: fc.nat(100), threshold: fc.float({ min: -4, max: 4, noNaN: true }), defaultLeft: fc.boolean(), leaf: fc.float({ min: -1, max: 1, noNaN: true }) });
const booster = fc
  .record({ cols: fc.integer({ min: 1, max: 6 }), maxDepth: fc.integer({ min: 0, max: 10 }), trees: fc.array(fc.array(spec, { minLength: 1, maxLength: 40 }), { minLength: 0, maxLength: 8 }) })
  .map(({ cols, maxDepth, trees }): XGBoostBooster => ({
    objective: "binary:logistic",
    baseScore: 0.3,
    numFeature: cols,
    scalePosWeight: 1,
    trees: trees.map((s) => buildTree(s, maxDepth, cols)),
    attributes: {},
    version: null,
  }));

describe("XGBoostPredictor layouts", () => {
  it("dense and general layouts give the same margins bit for bit (irregular trees, missing values, any row count)", () => {
    fc.assert(
      fc.property(booster, fc.array(value, { minLength: 0, maxLength: 6 * 37 }), (b, values) => {
        checkBooster(b, "generated");
        const rows = Math.floor(values.length / b.numFeature);
        const data = Float32Array.from(values.slice(0, rows * b.numFeature));
        const dense = new XGBoostPredictor(b, { layout: "dense" });
        const general = new XGBoostPredictor(b, { layout: "general" });
        expect(dense.layout).toBe("dense");
        expect(general.layout).toBe("general");
        const m = dense.margins({ data, rows, cols: b.numFeature });
        const g = general.margins({ data, rows, cols: b.numFeature });
        expect(Array.from(m)).toEqual(Array.from(g));
      }),
      { numRuns: 300 },
    );
  });

  it.each(CASES)("%s: both layouts predict the golden fixture's margins and agree bit for bit", (c) => {
    const { booster: b } = readXGBoostModel(new Uint8Array(readFileSync(`${FIXTURES}${c}/model.json`)));
    const { data, rows, cols, margin } = fixtureCase(c);
    const dense = new XGBoostPredictor(b).margins({ data, rows: rows.length, cols });
    const general = new XGBoostPredictor(b, { layout: "general" }).margins({ data, rows: rows.length, cols });
    expect(new XGBoostPredictor(b).layout).toBe("dense");
    expect(Array.from(dense)).toEqual(Array.from(general));
    rows.forEach((_, i) => expect(Math.abs(dense[i]! - margin[i]!)).toBeLessThanOrEqual(1e-5));
  });

  it("uses the general layout for trees deeper than 10 levels, and refuses a dense one", () => {
    // a chain 12 splits deep: node 2i+1 is a leaf, node 2i+2 splits again on x < i
    const depth = 12;
    const t = allocTree(2 * depth + 1);
    t.parent[0] = ROOT_PARENT;
    for (let i = 0; i < depth; i++) {
      const n = i === 0 ? 0 : 2 * i;
      t.left[n] = 2 * i + 1;
      t.right[n] = 2 * i + 2;
      t.parent[2 * i + 1] = n;
      t.parent[2 * i + 2] = n;
      t.splitCondition[n] = i;
      t.defaultLeft[n] = i === 3 ? 1 : 0;
      t.left[2 * i + 1] = -1;
      t.right[2 * i + 1] = -1;
      t.splitCondition[2 * i + 1] = i / 10;
    }
    t.left[2 * depth] = -1;
    t.right[2 * depth] = -1;
    t.splitCondition[2 * depth] = -1;
    const b: XGBoostBooster = { objective: "binary:logitraw", baseScore: 0, numFeature: 1, scalePosWeight: 1, trees: [t], attributes: {}, version: null };
    checkBooster(b, "chain");
    const p = new XGBoostPredictor(b);
    expect(p.layout).toBe("general");
    expect(() => new XGBoostPredictor(b, { layout: "dense" })).toThrow(ModelError);
    // x < 0 stops at the first leaf (0); 5.5 passes splits 0..5 and stops at x < 6 (0.6); 20 reaches the end; NaN goes right until split 3, whose default is left (0.3)
    expect(Array.from(p.margins({ data: Float32Array.from([-1, 5.5, 20, NaN]), rows: 4, cols: 1 }))).toEqual([0, Math.fround(0.6), -1, Math.fround(0.3)]);
  });
});
