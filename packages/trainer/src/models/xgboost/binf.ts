// XGBoost's legacy binary model format (what `Booster.save_model` writes to a file without an
// extension in 1.x, and so what SageMaker's 1.5-1 and 1.7-1 containers leave in `xgboost-model`),
// read as XGBoost 1.7's Learner::LoadModel reads it: little-endian C structs and dmlc strings.
//
//   "binf"                                     optional 4-byte header
//   LearnerModelParamLegacy      136 bytes     base_score f32, num_feature u32, num_class i32,
//                                              contain_extra_attrs i32, contain_eval_metrics i32,
//                                              major u32, minor u32, num_target u32, reserved[26]
//   objective, booster           u64 length + bytes each
//   GBTreeModelParam             160 bytes     num_trees i32, num_parallel_tree i32, num_feature i32,
//                                              pad i32, num_pbuffer i64, num_output_group i32,
//                                              size_leaf_vector i32, reserved[32]
//   num_trees × RegTree          TreeParam (148 bytes: num_roots, num_nodes, num_deleted,
//                                max_depth, num_feature, size_leaf_vector, reserved[31]),
//                                num_nodes × Node (20 bytes: parent i32, left i32, right i32,
//                                sindex u32 with default_left in bit 31, leaf value/split cond f32),
//                                num_nodes × RTreeNodeStat (16 bytes: loss_chg, sum_hess,
//                                base_weight f32, leaf_child_cnt i32)
//   tree_info                    num_trees × i32 (output group; 0 for binary models)
//   attributes                   if contain_extra_attrs: u64 count, then (key, value) strings
//   eval metrics                 if contain_eval_metrics: u64 count, then strings
//
// Every count is checked against the bytes left before anything is allocated from it.
import { ModelError } from "../../errors.js";
import { quote } from "../../text.js";
import { ROOT_PARENT, XGBOOST_OBJECTIVES, allocTree, checkBooster } from "./booster.js";
import type { XGBoostBooster, XGBoostObjective, XGBoostTree } from "./booster.js";

const LEARNER_PARAM_BYTES = 136;
const GBTREE_PARAM_BYTES = 160;
const TREE_PARAM_BYTES = 148;
const NODE_BYTES = 20;
const STAT_BYTES = 16;
const DELETED = 0xffffffff;

/** A bounds-checked little-endian cursor. */
class Cursor {
  pos = 0;
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    private readonly file: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get left(): number {
    return this.bytes.length - this.pos;
  }

  need(n: number, what: string): number {
    if (n > this.left) throw new ModelError("MODEL_CORRUPT", `${this.file}: truncated XGBoost binary model: ${what} needs ${n} bytes at offset ${this.pos}, ${this.left} left`);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  i32(at: number): number {
    return this.view.getInt32(at, true);
  }

  u32(at: number): number {
    return this.view.getUint32(at, true);
  }

  f32(at: number): number {
    return this.view.getFloat32(at, true);
  }

  /** A dmlc count (u64), bounded by what `minBytesEach` bytes per element leave room for. */
  count(what: string, minBytesEach: number): number {
    const at = this.need(8, what);
    const lo = this.view.getUint32(at, true);
    const hi = this.view.getUint32(at + 4, true);
    const n = hi * 2 ** 32 + lo;
    if (hi >= 2 ** 21 || n * minBytesEach > this.left) {
      throw new ModelError("MODEL_CORRUPT", `${this.file}: XGBoost binary model declares ${n} for ${what} at offset ${at}, more than the ${this.left} bytes left hold`);
    }
    return n;
  }

  string(what: string, maxLength = 1 << 20): string {
    const n = this.count(`the length of ${what}`, 1);
    if (n > maxLength) throw new ModelError("MODEL_CORRUPT", `${this.file}: ${what} of ${n} bytes is longer than ${maxLength}`);
    const at = this.need(n, what);
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(this.bytes.subarray(at, at + n));
    } catch (err) {
      throw new ModelError("MODEL_CORRUPT", `${this.file}: ${what} is not UTF-8`, { cause: err });
    }
  }
}

/** True when the bytes start with the legacy binary header `binf`. @internal */
export function isBinf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x62 && bytes[1] === 0x69 && bytes[2] === 0x6e && bytes[3] === 0x66;
}

/**
 * Reads XGBoost's legacy binary model format (with its `binf` header).
 * @param maxFeatures - Largest `num_feature` accepted (the model limits' `maxFeatures`).
 * @throws {@link ModelError} `MODEL_CORRUPT` (truncated, inconsistent), `MODEL_UNSUPPORTED`
 *   (another objective or booster, multiclass, vector leaves), `MODEL_TOO_LARGE` (features).
 * @internal
 */
export function readBinf(bytes: Uint8Array, file: string, maxFeatures: number): XGBoostBooster {
  const c = new Cursor(bytes, file);
  if (!isBinf(bytes)) throw new ModelError("MODEL_CORRUPT", `${file}: not an XGBoost binary model (no binf header)`);
  c.need(4, "the binf header");
  const lp = c.need(LEARNER_PARAM_BYTES, "the learner parameters");
  const baseScore = c.f32(lp);
  const numFeature = c.u32(lp + 4);
  const numClass = c.i32(lp + 8);
  const hasAttrs = c.i32(lp + 12) !== 0;
  const hasMetrics = c.i32(lp + 16) !== 0;
  const major = c.u32(lp + 20);
  const minor = c.u32(lp + 24);
  const numTarget = c.u32(lp + 28);
  const objective = c.string("the objective name", 256);
  const booster = c.string("the booster name", 256);
  if (booster !== "gbtree") throw new ModelError("MODEL_UNSUPPORTED", `${file}: unsupported XGBoost booster ${quote(booster)}: only gbtree is supported`);
  if (!(XGBOOST_OBJECTIVES as readonly string[]).includes(objective)) {
    throw new ModelError("MODEL_UNSUPPORTED", `${file}: unsupported XGBoost objective ${quote(objective)}: only ${XGBOOST_OBJECTIVES.join(", ")} are supported`);
  }
  if (numClass > 1) throw new ModelError("MODEL_UNSUPPORTED", `${file}: unsupported multiclass XGBoost model (num_class ${numClass})`);
  if (numTarget > 1) throw new ModelError("MODEL_UNSUPPORTED", `${file}: unsupported multi-target XGBoost model (num_target ${numTarget})`);
  if (numFeature > maxFeatures) throw new ModelError("MODEL_TOO_LARGE", `${file}: XGBoost model of ${numFeature} features (limit maxFeatures = ${maxFeatures})`);

  const gp = c.need(GBTREE_PARAM_BYTES, "the gbtree parameters");
  const numTrees = c.i32(gp);
  const sizeLeafVector = c.i32(gp + 28);
  if (sizeLeafVector !== 0) throw new ModelError("MODEL_UNSUPPORTED", `${file}: unsupported XGBoost trees with vector leaves (size_leaf_vector ${sizeLeafVector})`);
  const minTree = TREE_PARAM_BYTES + NODE_BYTES + STAT_BYTES + 4;
  if (numTrees < 0 || numTrees * minTree > c.left) {
    throw new ModelError("MODEL_CORRUPT", `${file}: XGBoost binary model declares ${numTrees} trees, more than the ${c.left} bytes left hold`);
  }
  const trees: XGBoostTree[] = [];
  for (let t = 0; t < numTrees; t++) trees.push(readTree(c, file, t));
  const ti = c.need(4 * numTrees, "tree_info");
  for (let t = 0; t < numTrees; t++) {
    const group = c.i32(ti + 4 * t);
    if (group !== 0) throw new ModelError("MODEL_UNSUPPORTED", `${file}: unsupported XGBoost tree ${t} of output group ${group} (multiclass)`);
  }
  const attributes: Record<string, string> = Object.create(null) as Record<string, string>;
  let scalePosWeight = 1;
  if (hasAttrs) {
    const n = c.count("the attribute count", 16);
    for (let i = 0; i < n; i++) {
      const key = c.string(`attribute ${i}'s name`);
      const value = c.string(`attribute ${quote(key)}`);
      if (key === "objective") {
        const m = /"scale_pos_weight"\s*:\s*"([^"]*)"/.exec(value);
        if (m && Number.isFinite(Number(m[1]))) scalePosWeight = Number(m[1]);
      } else if (!key.startsWith("SAVED_PARAM_") && key !== "metrics") attributes[key] = value;
    }
  }
  if (hasMetrics) {
    const n = c.count("the metric count", 8);
    for (let i = 0; i < n; i++) c.string(`metric ${i}`);
  }
  const out: XGBoostBooster = {
    objective: objective as XGBoostObjective,
    baseScore,
    numFeature,
    scalePosWeight,
    trees,
    attributes: { ...attributes },
    version: major > 0 || minor > 0 ? [major, minor, 0] : null,
  };
  checkBooster(out, file);
  return out;
}

function readTree(c: Cursor, file: string, t: number): XGBoostTree {
  const tp = c.need(TREE_PARAM_BYTES, `tree ${t}'s parameters`);
  const numNodes = c.i32(tp + 4);
  const numDeleted = c.i32(tp + 8);
  const sizeLeafVector = c.i32(tp + 20);
  if (sizeLeafVector !== 0) throw new ModelError("MODEL_UNSUPPORTED", `${file}: unsupported XGBoost tree ${t} with vector leaves (size_leaf_vector ${sizeLeafVector})`);
  if (numNodes < 1 || numNodes * (NODE_BYTES + STAT_BYTES) > c.left) {
    throw new ModelError("MODEL_CORRUPT", `${file}: XGBoost tree ${t} declares ${numNodes} nodes, which the ${c.left} bytes left cannot hold`);
  }
  const tree = allocTree(numNodes);
  const nodes = c.need(numNodes * NODE_BYTES, `tree ${t}'s nodes`);
  let deleted = 0;
  for (let i = 0; i < numNodes; i++) {
    const at = nodes + i * NODE_BYTES;
    const parent = c.i32(at);
    tree.parent[i] = i === 0 ? ROOT_PARENT : parent & 0x7fffffff;
    tree.left[i] = c.i32(at + 4);
    tree.right[i] = c.i32(at + 8);
    const sindex = c.u32(at + 12);
    if (sindex === DELETED) deleted++;
    tree.splitIndex[i] = tree.left[i] === -1 || sindex === DELETED ? 0 : sindex & 0x7fffffff;
    tree.defaultLeft[i] = sindex !== DELETED && sindex >>> 31 ? 1 : 0;
    tree.splitCondition[i] = c.f32(at + 16);
  }
  const stats = c.need(numNodes * STAT_BYTES, `tree ${t}'s node statistics`);
  for (let i = 0; i < numNodes; i++) {
    const at = stats + i * STAT_BYTES;
    tree.lossChange[i] = c.f32(at);
    tree.sumHessian[i] = c.f32(at + 4);
    tree.baseWeight[i] = c.f32(at + 8);
  }
  if (deleted !== numDeleted) throw new ModelError("MODEL_CORRUPT", `${file}: XGBoost tree ${t} declares ${numDeleted} deleted nodes but holds ${deleted}`);
  return tree;
}
