// Prediction as XGBoost 1.7's CPU predictor computes it: each row's margin starts at base_score's
// margin and adds every tree's leaf in tree order, in float32; a feature is compared as float32
// (`x < split_condition` goes left); a missing value (NaN) takes the node's default direction.
//
// Two layouts, same results bit for bit:
// - dense (every tree at most DENSE_MAX_DEPTH deep, the usual case): each tree is a complete binary
//   tree of its own depth D in typed arrays (split node i has children 2i+1 and 2i+2; a leaf above
//   depth D is padded with splits whose every descendant leaf holds its value), so a row takes
//   exactly D steps, `i = 2i + 1 + (x >= t | missing & goesRight)`, with no branch at all.
//   Rows go in blocks, tree-major (each tree stays in cache), four rows walking a tree side by
//   side so their independent loads overlap;
// - general (deeper trees): children side by side (right = left + 1), walked until a leaf.
import type { FeatureMatrix } from "@fraud/contracts";
import { ModelError } from "../../errors.js";
import { baseMargin } from "./booster.js";
import type { XGBoostBooster, XGBoostTree } from "./booster.js";

/** Deepest tree laid out densely (2^D - 1 split slots and 2^D leaves per tree). */
const DENSE_MAX_DEPTH = 10;
/** Rows walked together through each tree. */
const BLOCK = 64;

/** Depth of a tree (0 for a lone leaf). */
function treeDepth(t: XGBoostTree): number {
  let max = 0;
  const stack: number[] = [0, 0];
  while (stack.length > 0) {
    const d = stack.pop()!;
    const n = stack.pop()!;
    if (t.left[n] === -1) max = Math.max(max, d);
    else stack.push(t.left[n]!, d + 1, t.right[n]!, d + 1);
  }
  return max;
}

/** Trees as complete binary trees: the dense layout. */
interface Dense {
  /** Depth of each tree. */
  depth: Int32Array;
  /** First split slot of each tree in `feature`/`threshold`/`missingRight`. */
  splitStart: Int32Array;
  /** First leaf of each tree in `leaf`. */
  leafStart: Int32Array;
  feature: Int32Array;
  threshold: Float32Array;
  /** 1 when a missing value goes right. */
  missingRight: Int32Array;
  leaf: Float32Array;
}

function denseLayout(trees: readonly XGBoostTree[], depths: Int32Array): Dense {
  const n = trees.length;
  const splitStart = new Int32Array(n + 1);
  const leafStart = new Int32Array(n + 1);
  for (let t = 0; t < n; t++) {
    splitStart[t + 1] = splitStart[t]! + (1 << depths[t]!) - 1;
    leafStart[t + 1] = leafStart[t]! + (1 << depths[t]!);
  }
  const feature = new Int32Array(splitStart[n]!);
  // a padding split sends every row left; all leaves below it hold the same value anyway
  const threshold = new Float32Array(splitStart[n]!).fill(Infinity);
  const missingRight = new Int32Array(splitStart[n]!);
  const leaf = new Float32Array(leafStart[n]!);
  trees.forEach((t, ti) => {
    const D = depths[ti]!;
    const s0 = splitStart[ti]!;
    const l0 = leafStart[ti]!;
    const firstLeaf = (1 << D) - 1;
    // (node, slot in the complete tree)
    const stack: number[] = [0, 0];
    while (stack.length > 0) {
      const slot = stack.pop()!;
      const node = stack.pop()!;
      if (t.left[node] === -1) {
        // a leaf at depth d covers 2^(D-d) consecutive leaves of the complete tree
        let lo = slot;
        let hi = slot;
        while (lo < firstLeaf) {
          lo = 2 * lo + 1;
          hi = 2 * hi + 2;
        }
        leaf.fill(t.splitCondition[node]!, l0 + lo - firstLeaf, l0 + hi - firstLeaf + 1);
        continue;
      }
      feature[s0 + slot] = t.splitIndex[node]!;
      threshold[s0 + slot] = t.splitCondition[node]!;
      missingRight[s0 + slot] = t.defaultLeft[node] ? 0 : 1;
      stack.push(t.left[node]!, 2 * slot + 1, t.right[node]!, 2 * slot + 2);
    }
  });
  return { depth: depths, splitStart, leafStart, feature, threshold, missingRight, leaf };
}

/** Trees with children side by side: the general layout. */
interface General {
  roots: Int32Array;
  /** Left child's slot (right = left + 1), -1 for a leaf. */
  child: Int32Array;
  feature: Int32Array;
  /** Split threshold, or the leaf value. */
  value: Float32Array;
  /** 1 when a missing value goes right. */
  missingRight: Uint8Array;
}

function generalLayout(trees: readonly XGBoostTree[]): General {
  let total = 0;
  for (const t of trees) total += t.left.length;
  const roots = new Int32Array(trees.length);
  const child = new Int32Array(total);
  const feature = new Int32Array(total);
  const value = new Float32Array(total);
  const missingRight = new Uint8Array(total);
  let next = 0;
  trees.forEach((t, ti) => {
    // breadth-first from the root; each split's children get two adjacent slots
    const queue: number[] = [0, next];
    roots[ti] = next++;
    for (let q = 0; q < queue.length; q += 2) {
      const node = queue[q]!;
      const slot = queue[q + 1]!;
      const l = t.left[node]!;
      value[slot] = t.splitCondition[node]!;
      if (l === -1) {
        child[slot] = -1;
        continue;
      }
      child[slot] = next;
      feature[slot] = t.splitIndex[node]!;
      missingRight[slot] = t.defaultLeft[node] ? 0 : 1;
      queue.push(l, next, t.right[node]!, next + 1);
      next += 2;
    }
  });
  return { roots, child, feature, value, missingRight };
}

/** Options of {@link XGBoostPredictor}. @public */
export interface XGBoostPredictorOptions {
  /**
   * Tree layout: `"auto"` is dense when every tree is at most 10 levels deep, general otherwise.
   * Both give the same margins bit for bit; the option exists for tests and benchmarks.
   * @defaultValue "auto"
   */
  layout?: "auto" | "dense" | "general";
}

/**
 * A compiled XGBoost booster: margins and probabilities for rows of `numFeature` values.
 *
 * @example
 * ```ts
 * const p = new XGBoostPredictor(readXGBoostModel(bytes).booster);
 * p.probabilities({ data: new Float32Array([0.1, NaN, 3]), rows: 1, cols: 3 });
 * ```
 * @public
 */
export class XGBoostPredictor {
  /** Features per row. */
  readonly numFeature: number;
  /** Number of trees. */
  readonly numTrees: number;
  /** Whether scores are probabilities (every objective but `binary:logitraw`). */
  readonly logistic: boolean;
  /** The layout in use. */
  readonly layout: "dense" | "general";
  private readonly base: number;
  private readonly dense: Dense | null;
  private readonly general: General | null;

  /**
   * @throws {@link ModelError} `INVALID_ARGUMENT` when `layout: "dense"` is asked for trees deeper
   *   than 10 levels.
   */
  constructor(booster: XGBoostBooster, options: XGBoostPredictorOptions = {}) {
    this.numFeature = booster.numFeature;
    this.numTrees = booster.trees.length;
    this.logistic = booster.objective !== "binary:logitraw";
    this.base = baseMargin(booster);
    const depths = Int32Array.from(booster.trees, treeDepth);
    const deepest = depths.reduce((a, b) => Math.max(a, b), 0);
    const want = options.layout ?? "auto";
    if (want === "dense" && deepest > DENSE_MAX_DEPTH) throw new ModelError("INVALID_ARGUMENT", `dense layout holds trees up to ${DENSE_MAX_DEPTH} levels, not ${deepest}`);
    this.layout = want === "general" || deepest > DENSE_MAX_DEPTH ? "general" : "dense";
    this.dense = this.layout === "dense" ? denseLayout(booster.trees, depths) : null;
    this.general = this.layout === "general" ? generalLayout(booster.trees) : null;
  }

  /**
   * Margins (before the sigmoid), float32 as XGBoost's `predict(output_margin=True)`.
   * @throws {@link ModelError} `BAD_FEATURE_COUNT` when `cols` is not {@link numFeature} or
   *   `data` does not hold `rows × cols` values.
   */
  margins(matrix: FeatureMatrix): Float32Array {
    const { data, rows, cols } = matrix;
    if (cols !== this.numFeature) throw new ModelError("BAD_FEATURE_COUNT", `rows have ${cols} features, the XGBoost model expects ${this.numFeature}`);
    if (!Number.isSafeInteger(rows) || rows < 0 || data.length !== rows * cols) {
      throw new ModelError("BAD_FEATURE_COUNT", `feature matrix holds ${data.length} values, not ${rows} rows × ${cols}`);
    }
    const out = new Float32Array(rows);
    const x: Float32Array = data instanceof Float32Array ? data : Float32Array.from(data);
    if (this.dense !== null) this.marginsDense(this.dense, x, rows, cols, out);
    else this.marginsGeneral(this.general!, x, rows, cols, out);
    return out;
  }

  private marginsDense(d: Dense, x: Float32Array, rows: number, cols: number, out: Float32Array): void {
    const { depth, splitStart, leafStart, feature, threshold, missingRight, leaf } = d;
    const numTrees = this.numTrees;
    const base = this.base;
    // Each step is branch-free: `+(v >= t)` is 1 to go right (never for NaN), or'ed with 1 for a
    // missing value at a node whose default is right. Four rows walk a tree side by side (their
    // loads overlap; more rows spill registers), tree-major over blocks of BLOCK rows.
    for (let r0 = 0; r0 < rows; r0 += BLOCK) {
      const r1 = Math.min(rows, r0 + BLOCK);
      for (let r = r0; r < r1; r++) out[r] = base;
      for (let t = 0; t < numTrees; t++) {
        const D = depth[t]!;
        const s0 = splitStart[t]!;
        const l0 = leafStart[t]! - ((1 << D) - 1);
        let r = r0;
        for (; r + 4 <= r1; r += 4) {
          const o0 = r * cols;
          const o1 = o0 + cols;
          const o2 = o1 + cols;
          const o3 = o2 + cols;
          let i0 = 0;
          let i1 = 0;
          let i2 = 0;
          let i3 = 0;
          for (let level = 0; level < D; level++) {
            const n0 = s0 + i0;
            const n1 = s0 + i1;
            const n2 = s0 + i2;
            const n3 = s0 + i3;
            const v0 = x[o0 + feature[n0]!]!;
            const v1 = x[o1 + feature[n1]!]!;
            const v2 = x[o2 + feature[n2]!]!;
            const v3 = x[o3 + feature[n3]!]!;
            i0 = 2 * i0 + 1 + (+(v0 >= threshold[n0]!) | (+(v0 !== v0) & missingRight[n0]!));
            i1 = 2 * i1 + 1 + (+(v1 >= threshold[n1]!) | (+(v1 !== v1) & missingRight[n1]!));
            i2 = 2 * i2 + 1 + (+(v2 >= threshold[n2]!) | (+(v2 !== v2) & missingRight[n2]!));
            i3 = 2 * i3 + 1 + (+(v3 >= threshold[n3]!) | (+(v3 !== v3) & missingRight[n3]!));
          }
          out[r] = Math.fround(out[r]! + leaf[l0 + i0]!);
          out[r + 1] = Math.fround(out[r + 1]! + leaf[l0 + i1]!);
          out[r + 2] = Math.fround(out[r + 2]! + leaf[l0 + i2]!);
          out[r + 3] = Math.fround(out[r + 3]! + leaf[l0 + i3]!);
        }
        for (; r < r1; r++) {
          const o = r * cols;
          let i = 0;
          for (let level = 0; level < D; level++) {
            const n = s0 + i;
            const v = x[o + feature[n]!]!;
            i = 2 * i + 1 + (+(v >= threshold[n]!) | (+(v !== v) & missingRight[n]!));
          }
          out[r] = Math.fround(out[r]! + leaf[l0 + i]!);
        }
      }
    }
  }

  private marginsGeneral(g: General, x: Float32Array, rows: number, cols: number, out: Float32Array): void {
    const { roots, child, feature, value, missingRight } = g;
    const numTrees = this.numTrees;
    const base = this.base;
    // rows in blocks, each block through every tree: the block's trees stay in cache
    const B = 8;
    for (let r0 = 0; r0 < rows; r0 += B) {
      const r1 = Math.min(rows, r0 + B);
      for (let r = r0; r < r1; r++) out[r] = base;
      for (let t = 0; t < numTrees; t++) {
        const root = roots[t]!;
        for (let r = r0, o = r0 * cols; r < r1; r++, o += cols) {
          let n = root;
          let c = child[n]!;
          while (c >= 0) {
            const v = x[o + feature[n]!]!;
            n = v < value[n]! ? c : v === v ? c + 1 : c + missingRight[n]!;
            c = child[n]!;
          }
          out[r] = Math.fround(out[r]! + value[n]!);
        }
      }
    }
  }

  /** Probabilities (the sigmoid of the margins; the margins themselves for `binary:logitraw`). */
  probabilities(matrix: FeatureMatrix): Float64Array {
    const m = this.margins(matrix);
    const out = new Float64Array(m.length);
    if (!this.logistic) {
      out.set(m);
      return out;
    }
    for (let i = 0; i < m.length; i++) out[i] = Math.fround(1 / Math.fround(1 + Math.fround(Math.exp(-m[i]!))));
    return out;
  }
}
