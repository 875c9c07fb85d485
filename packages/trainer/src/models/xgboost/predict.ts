// Prediction as XGBoost 1.7's CPU predictor computes it, over trees flattened into typed arrays:
// each row's margin starts at base_score's margin and adds every tree's leaf in tree order, in
// float32; a feature is compared as float32 (`x < split_condition` goes left); a missing value
// (NaN) takes the node's default direction. Children are laid out side by side (right = left + 1),
// so a step is one load and one comparison.
import type { FeatureMatrix } from "@fraud/contracts";
import { ModelError } from "../../errors.js";
import { baseMargin } from "./booster.js";
import type { XGBoostBooster } from "./booster.js";

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
  private readonly base: number;
  private readonly roots: Int32Array;
  /** Left child's slot (right = left + 1), -1 for a leaf. */
  private readonly child: Int32Array;
  private readonly feature: Int32Array;
  /** Split threshold, or the leaf value. */
  private readonly value: Float32Array;
  /** 1 when a missing value goes right. */
  private readonly missingRight: Uint8Array;

  constructor(booster: XGBoostBooster) {
    this.numFeature = booster.numFeature;
    this.numTrees = booster.trees.length;
    this.logistic = booster.objective !== "binary:logitraw";
    this.base = baseMargin(booster);
    let total = 0;
    for (const t of booster.trees) total += t.left.length;
    this.roots = new Int32Array(this.numTrees);
    this.child = new Int32Array(total);
    this.feature = new Int32Array(total);
    this.value = new Float32Array(total);
    this.missingRight = new Uint8Array(total);
    let next = 0;
    booster.trees.forEach((t, ti) => {
      // breadth-first from the root; each split's children get two adjacent slots
      const queue: number[] = [0, next];
      this.roots[ti] = next++;
      for (let q = 0; q < queue.length; q += 2) {
        const node = queue[q]!;
        const slot = queue[q + 1]!;
        const l = t.left[node]!;
        this.value[slot] = t.splitCondition[node]!;
        if (l === -1) {
          this.child[slot] = -1;
          continue;
        }
        this.child[slot] = next;
        this.feature[slot] = t.splitIndex[node]!;
        this.missingRight[slot] = t.defaultLeft[node] ? 0 : 1;
        queue.push(l, next, t.right[node]!, next + 1);
        next += 2;
      }
    });
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
    const { roots, child, feature, value, missingRight, numTrees, base } = this;
    const x: Float32Array = data instanceof Float32Array ? data : Float32Array.from(data);
    // rows in blocks, each block through every tree: the block's trees stay in cache, and the
    // independent rows of a block overlap their memory loads
    const BLOCK = 8;
    for (let r0 = 0; r0 < rows; r0 += BLOCK) {
      const r1 = Math.min(rows, r0 + BLOCK);
      for (let r = r0; r < r1; r++) out[r] = base;
      for (let t = 0; t < numTrees; t++) {
        const root = roots[t]!;
        for (let r = r0, off = r0 * cols; r < r1; r++, off += cols) {
          let n = root;
          let c = child[n]!;
          while (c >= 0) {
            const v = x[off + feature[n]!]!;
            n = v < value[n]! ? c : v === v ? c + 1 : c + missingRight[n]!;
            c = child[n]!;
          }
          out[r] = Math.fround(out[r]! + value[n]!);
        }
      }
    }
    return out;
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
