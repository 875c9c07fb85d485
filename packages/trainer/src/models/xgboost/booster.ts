// The in-memory XGBoost booster every reader produces and the writer and predictor take: the
// fields of XGBoost 1.7's own model (learner parameters, objective, gbtree trees as parallel
// arrays), checked once for structure so prediction never meets an out-of-range index or a cycle.
import { ModelError } from "../../errors.js";

/**
 * The objectives read and written: logistic ones, whose score is a probability (`binary:logitraw`
 * scores the margin itself).
 * @public
 */
export const XGBOOST_OBJECTIVES = ["binary:logistic", "reg:logistic", "binary:logitraw"] as const;

/** One of {@link XGBOOST_OBJECTIVES}. @public */
export type XGBoostObjective = (typeof XGBOOST_OBJECTIVES)[number];

/**
 * One regression tree, as XGBoost stores it: node `i` is a leaf when `left[i] === -1`; otherwise
 * a row goes left when `x[splitIndex[i]] < splitCondition[i]`, and a missing value goes left when
 * `defaultLeft[i]` is 1. A leaf's value is `splitCondition[i]` (XGBoost's `leaf_value`, which
 * shares the field).
 * @public
 */
export interface XGBoostTree {
  /** Left child of each node, -1 for a leaf. */
  left: Int32Array;
  /** Right child of each node, -1 for a leaf. */
  right: Int32Array;
  /** Parent of each node (2147483647 for the root, as XGBoost writes it). */
  parent: Int32Array;
  /** Feature index tested by each split node (0 for leaves). */
  splitIndex: Uint32Array;
  /** Split threshold (split node) or leaf value (leaf), float32. */
  splitCondition: Float32Array;
  /** 1 where a missing value goes to the left child. */
  defaultLeft: Uint8Array;
  /** Unscaled node weight (`base_weights`): the leaf value before the learning rate. */
  baseWeight: Float32Array;
  /** Gain of each split (`loss_changes`), 0 for leaves. */
  lossChange: Float32Array;
  /** Sum of the hessians of the training rows in each node (`sum_hessian`). */
  sumHessian: Float32Array;
}

/**
 * A gradient-boosted tree model (`gbtree`) as XGBoost 1.7 saves it.
 * @public
 */
export interface XGBoostBooster {
  /** The learning objective. */
  objective: XGBoostObjective;
  /** `base_score` as saved: a probability for the logistic objectives. */
  baseScore: number;
  /** Features per row. */
  numFeature: number;
  /** `scale_pos_weight` of the objective (kept for the saved model; prediction does not use it). */
  scalePosWeight: number;
  /** The trees, summed in order. */
  trees: XGBoostTree[];
  /** The learner's attributes (`best_iteration`, …), saved with the model. */
  attributes: Record<string, string>;
  /** The version that wrote the model, `[major, minor, patch]` when known. */
  version: [number, number, number] | null;
}

/** The marker XGBoost writes as the parent of a root. */
export const ROOT_PARENT = 0x7fffffff;

/**
 * The margin `base_score` stands for: XGBoost's `ProbToMargin` of the objective (the logit for the
 * logistic objectives, in float32 as XGBoost computes it).
 * @internal
 */
export function baseMargin(booster: Pick<XGBoostBooster, "objective" | "baseScore">): number {
  if (booster.objective === "binary:logitraw") return Math.fround(booster.baseScore);
  const p = Math.fround(booster.baseScore);
  return Math.fround(-Math.log(Math.fround(Math.fround(1 / p) - 1)));
}

/** Allocates an empty tree of `n` nodes. @internal */
export function allocTree(n: number): XGBoostTree {
  return {
    left: new Int32Array(n),
    right: new Int32Array(n),
    parent: new Int32Array(n),
    splitIndex: new Uint32Array(n),
    splitCondition: new Float32Array(n),
    defaultLeft: new Uint8Array(n),
    baseWeight: new Float32Array(n),
    lossChange: new Float32Array(n),
    sumHessian: new Float32Array(n),
  };
}

/** Deepest tree accepted by the readers (XGBoost itself refuses `max_depth` above 2^31 but no real model comes near). */
export const MAX_TREE_DEPTH = 256;

/**
 * Checks a booster's structure: the objective's `base_score` is usable, every reachable node's
 * children are in range and reached once (no cycles, no sharing), depth at most
 * {@link MAX_TREE_DEPTH}, split features below `numFeature`, values finite.
 * @throws {@link ModelError} `MODEL_CORRUPT` naming the tree and node.
 * @internal
 */
export function checkBooster(b: XGBoostBooster, file: string): void {
  const corrupt = (what: string): ModelError => new ModelError("MODEL_CORRUPT", `${file}: ${what}`);
  if (!Number.isFinite(b.baseScore)) throw corrupt(`base_score ${b.baseScore} is not a finite number`);
  if (b.objective !== "binary:logitraw" && !(b.baseScore > 0 && b.baseScore < 1)) {
    throw corrupt(`base_score ${b.baseScore} must be in (0, 1) for ${b.objective}`);
  }
  if (!Number.isSafeInteger(b.numFeature) || b.numFeature < 1) throw corrupt(`num_feature ${b.numFeature} must be a positive integer`);
  b.trees.forEach((t, ti) => {
    const n = t.left.length;
    if (n < 1) throw corrupt(`tree ${ti} has no nodes`);
    for (const [name, arr] of [["right", t.right], ["parents", t.parent], ["split_indices", t.splitIndex], ["split_conditions", t.splitCondition], ["default_left", t.defaultLeft], ["base_weights", t.baseWeight], ["loss_changes", t.lossChange], ["sum_hessian", t.sumHessian]] as const) {
      if (arr.length !== n) throw corrupt(`tree ${ti}: ${name} has ${arr.length} values for ${n} nodes`);
    }
    const seen = new Uint8Array(n);
    const depth = new Int32Array(n);
    const stack = [0];
    seen[0] = 1;
    while (stack.length > 0) {
      const i = stack.pop()!;
      const l = t.left[i]!;
      const r = t.right[i]!;
      if (l === -1) {
        if (r !== -1) throw corrupt(`tree ${ti} node ${i}: left child -1 but right child ${r}`);
        if (!Number.isFinite(t.splitCondition[i]!)) throw corrupt(`tree ${ti} node ${i}: leaf value ${t.splitCondition[i]} is not finite`);
        continue;
      }
      for (const c of [l, r]) {
        if (c < 1 || c >= n) throw corrupt(`tree ${ti} node ${i}: child ${c} out of range (${n} nodes)`);
        if (seen[c]) throw corrupt(`tree ${ti} node ${i}: child ${c} is reached twice`);
        seen[c] = 1;
        depth[c] = depth[i]! + 1;
        if (depth[c]! > MAX_TREE_DEPTH) throw corrupt(`tree ${ti} is deeper than ${MAX_TREE_DEPTH} levels`);
        stack.push(c);
      }
      if (t.splitIndex[i]! >= b.numFeature) throw corrupt(`tree ${ti} node ${i}: split feature ${t.splitIndex[i]} is not below num_feature ${b.numFeature}`);
      if (Number.isNaN(t.splitCondition[i]!)) throw corrupt(`tree ${ti} node ${i}: split condition is NaN`);
      if (t.defaultLeft[i]! > 1) throw corrupt(`tree ${ti} node ${i}: default_left ${t.defaultLeft[i]} is not 0 or 1`);
    }
  });
}
