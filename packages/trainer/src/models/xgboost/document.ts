// XGBoost's JSON model document (schema `doc/model.schema` of XGBoost 1.7), both ways: the
// decoded document of a JSON or UBJSON model → booster, and booster → the document XGBoost 1.7.4
// writes (JSON text, or UBJSON with its typed arrays).
import { ModelError } from "../../errors.js";
import { quote } from "../../text.js";
import { XGBOOST_OBJECTIVES, allocTree, checkBooster } from "./booster.js";
import type { XGBoostBooster, XGBoostObjective, XGBoostTree } from "./booster.js";
import { encodeUbjson } from "./ubjson.js";
import type { UbjObject, UbjValue } from "./ubjson.js";

/** The version our written models declare: that of SageMaker's XGBoost 1.7-1 container. @public */
export const XGBOOST_WRITE_VERSION: readonly [number, number, number] = [1, 7, 4];

type Doc = Record<string, unknown>;

function isObject(v: unknown): v is Doc {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/** Reads fields of a decoded model document, each failure naming its path. */
class Reader {
  constructor(private readonly file: string) {}

  corrupt(path: string, what: string): ModelError {
    return new ModelError("MODEL_CORRUPT", `${this.file}: XGBoost model field ${path} ${what}`);
  }

  object(v: unknown, path: string): Doc {
    if (!isObject(v)) throw this.corrupt(path, "is missing or not an object");
    return v;
  }

  string(v: unknown, path: string): string {
    if (typeof v !== "string") throw this.corrupt(path, "is missing or not a string");
    return v;
  }

  /** A number written as a string (`"5E-1"`), as XGBoost writes parameters; 3.0's `"[5E-1]"` too. */
  numberString(v: unknown, path: string): number {
    const s = this.string(v, path).trim().replace(/^\[(.*)\]$/, "$1");
    if (s.includes(",")) throw new ModelError("MODEL_UNSUPPORTED", `${this.file}: unsupported XGBoost model with a vector ${path} ${quote(s)}`);
    const n = s === "" ? NaN : Number(s);
    if (!Number.isFinite(n)) throw this.corrupt(path, `${quote(s)} is not a number`);
    return n;
  }

  integerString(v: unknown, path: string): number {
    const n = this.numberString(v, path);
    if (!Number.isSafeInteger(n) || n < 0) throw this.corrupt(path, `${n} is not a non-negative integer`);
    return n;
  }

  numbers(v: unknown, path: string, n: number): ArrayLike<number> {
    if (!(Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView)))) throw this.corrupt(path, "is missing or not an array");
    const arr = v as ArrayLike<unknown>;
    if (arr.length !== n) throw this.corrupt(path, `has ${arr.length} values for ${n} nodes`);
    if (Array.isArray(arr)) {
      for (let i = 0; i < n; i++) if (typeof arr[i] !== "number") throw this.corrupt(`${path}[${i}]`, "is not a number");
    }
    return arr as ArrayLike<number>;
  }
}

/**
 * The booster in a decoded XGBoost JSON/UBJSON model document.
 * @throws {@link ModelError} `MODEL_CORRUPT` (missing or malformed fields), `MODEL_UNSUPPORTED`
 *   (another booster or objective, multiclass, categorical splits, vector leaves),
 *   `MODEL_TOO_LARGE` (features above `maxFeatures`).
 * @internal
 */
export function boosterFromDocument(doc: unknown, file: string, maxFeatures: number): XGBoostBooster {
  const r = new Reader(file);
  const root = r.object(doc, "(document)");
  const learner = r.object(root["learner"], "learner");
  const version = Array.isArray(root["version"]) || ArrayBuffer.isView(root["version"]) ? Array.from(root["version"] as ArrayLike<number>) : null;
  const gb = r.object(learner["gradient_booster"], "learner.gradient_booster");
  const boosterName = r.string(gb["name"], "learner.gradient_booster.name");
  if (boosterName !== "gbtree") throw new ModelError("MODEL_UNSUPPORTED", `${file}: unsupported XGBoost booster ${quote(boosterName)}: only gbtree is supported`);
  const objective = r.object(learner["objective"], "learner.objective");
  const objName = r.string(objective["name"], "learner.objective.name");
  if (!(XGBOOST_OBJECTIVES as readonly string[]).includes(objName)) {
    throw new ModelError("MODEL_UNSUPPORTED", `${file}: unsupported XGBoost objective ${quote(objName)}: only ${XGBOOST_OBJECTIVES.join(", ")} are supported`);
  }
  const lossParam = objective["reg_loss_param"];
  const scalePosWeight = isObject(lossParam) && lossParam["scale_pos_weight"] !== undefined ? r.numberString(lossParam["scale_pos_weight"], "learner.objective.reg_loss_param.scale_pos_weight") : 1;
  const mp = r.object(learner["learner_model_param"], "learner.learner_model_param");
  const baseScore = r.numberString(mp["base_score"], "learner.learner_model_param.base_score");
  const numFeature = r.integerString(mp["num_feature"], "learner.learner_model_param.num_feature");
  const numClass = mp["num_class"] === undefined ? 0 : r.integerString(mp["num_class"], "learner.learner_model_param.num_class");
  const numTarget = mp["num_target"] === undefined ? 1 : r.integerString(mp["num_target"], "learner.learner_model_param.num_target");
  if (numClass > 1) throw new ModelError("MODEL_UNSUPPORTED", `${file}: unsupported multiclass XGBoost model (num_class ${numClass})`);
  if (numTarget > 1) throw new ModelError("MODEL_UNSUPPORTED", `${file}: unsupported multi-target XGBoost model (num_target ${numTarget})`);
  if (numFeature > maxFeatures) throw new ModelError("MODEL_TOO_LARGE", `${file}: XGBoost model of ${numFeature} features (limit maxFeatures = ${maxFeatures})`);

  const model = r.object(gb["model"], "learner.gradient_booster.model");
  const rawTrees = model["trees"];
  if (!Array.isArray(rawTrees)) throw r.corrupt("learner.gradient_booster.model.trees", "is missing or not an array");
  const treeInfo = r.numbers(model["tree_info"], "learner.gradient_booster.model.tree_info", rawTrees.length);
  for (let i = 0; i < treeInfo.length; i++) {
    if (treeInfo[i] !== 0) throw new ModelError("MODEL_UNSUPPORTED", `${file}: unsupported XGBoost tree ${i} of output group ${treeInfo[i]} (multiclass)`);
  }
  const trees = rawTrees.map((t, i) => treeFromDocument(r, t, `learner.gradient_booster.model.trees[${i}]`, file));

  const attributes: Record<string, string> = {};
  const attrs = learner["attributes"];
  if (isObject(attrs)) for (const [k, v] of Object.entries(attrs)) if (typeof v === "string") attributes[k] = v;
  const out: XGBoostBooster = {
    objective: objName as XGBoostObjective,
    baseScore: Math.fround(baseScore),
    numFeature,
    scalePosWeight,
    trees,
    attributes,
    version: version !== null && version.length === 3 && version.every((x) => Number.isSafeInteger(x)) ? (version as [number, number, number]) : null,
  };
  checkBooster(out, file);
  return out;
}

function treeFromDocument(r: Reader, raw: unknown, path: string, file: string): XGBoostTree {
  const t = r.object(raw, path);
  const param = r.object(t["tree_param"], `${path}.tree_param`);
  const n = r.integerString(param["num_nodes"], `${path}.tree_param.num_nodes`);
  if (param["size_leaf_vector"] !== undefined && r.integerString(param["size_leaf_vector"], `${path}.tree_param.size_leaf_vector`) > 1) {
    throw new ModelError("MODEL_UNSUPPORTED", `${file}: unsupported XGBoost tree with vector leaves (${path})`);
  }
  const left = r.numbers(t["left_children"], `${path}.left_children`, n);
  const tree = allocTree(n);
  tree.left.set(left);
  tree.right.set(r.numbers(t["right_children"], `${path}.right_children`, n));
  tree.parent.set(r.numbers(t["parents"], `${path}.parents`, n));
  const split = r.numbers(t["split_indices"], `${path}.split_indices`, n);
  for (let i = 0; i < n; i++) {
    const s = split[i]!;
    if (!Number.isInteger(s) || s < 0 || s > 0xffffffff) throw r.corrupt(`${path}.split_indices[${i}]`, `${s} is not a feature index`);
    tree.splitIndex[i] = s;
  }
  tree.splitCondition.set(r.numbers(t["split_conditions"], `${path}.split_conditions`, n));
  tree.defaultLeft.set(r.numbers(t["default_left"], `${path}.default_left`, n));
  tree.baseWeight.set(r.numbers(t["base_weights"], `${path}.base_weights`, n));
  tree.lossChange.set(r.numbers(t["loss_changes"], `${path}.loss_changes`, n));
  tree.sumHessian.set(r.numbers(t["sum_hessian"], `${path}.sum_hessian`, n));
  if (t["split_type"] !== undefined) {
    const types = r.numbers(t["split_type"], `${path}.split_type`, n);
    for (let i = 0; i < n; i++) {
      if (types[i] !== 0 && tree.left[i] !== -1) throw new ModelError("MODEL_UNSUPPORTED", `${file}: unsupported XGBoost categorical split (${path}, node ${i})`);
    }
  }
  for (let i = 0; i < n; i++) if (left[i] !== tree.left[i] || !Number.isInteger(left[i])) throw r.corrupt(`${path}.left_children[${i}]`, `${left[i]} is not a node index`);
  return tree;
}

/** The model document XGBoost 1.7.4 writes for a booster (typed arrays where UBJSON has them). */
function document(b: XGBoostBooster): UbjObject {
  const nf = String(b.numFeature);
  const trees: UbjValue[] = b.trees.map((t, id) => {
    const n = t.left.length;
    return {
      base_weights: t.baseWeight,
      categories: new Int32Array(0),
      categories_nodes: new Int32Array(0),
      categories_segments: new BigInt64Array(0),
      categories_sizes: new BigInt64Array(0),
      default_left: t.defaultLeft,
      id,
      left_children: t.left,
      loss_changes: t.lossChange,
      parents: t.parent,
      right_children: t.right,
      split_conditions: t.splitCondition,
      split_indices: Int32Array.from(t.splitIndex),
      split_type: new Uint8Array(n),
      sum_hessian: t.sumHessian,
      tree_param: { num_deleted: "0", num_feature: nf, num_nodes: String(n), size_leaf_vector: "0" },
    };
  });
  const attributes = Object.create(null) as UbjObject;
  for (const [k, v] of Object.entries(b.attributes)) attributes[k] = v;
  return {
    learner: {
      attributes,
      feature_names: [],
      feature_types: [],
      gradient_booster: {
        model: {
          gbtree_model_param: { num_parallel_tree: "1", num_trees: String(b.trees.length), size_leaf_vector: "0" },
          tree_info: new Array<number>(b.trees.length).fill(0),
          trees,
        },
        name: "gbtree",
      },
      learner_model_param: { base_score: floatText(b.baseScore), boost_from_average: Math.fround(b.baseScore) === 0.5 ? "1" : "0", num_class: "0", num_feature: nf, num_target: "1" },
      objective: { name: b.objective, reg_loss_param: { scale_pos_weight: floatText(b.scalePosWeight) } },
    },
    version: [...XGBOOST_WRITE_VERSION],
  };
}

/**
 * A float32 as JSON text that XGBoost reads back exactly and as a float (never as an integer): the
 * shortest digits that round-trip through float32 (XGBoost's parameter parser ignores a value of
 * more than 9 significant digits), with an exponent when they would otherwise look integral.
 */
export function floatText(x: number): string {
  const v = Math.fround(x);
  if (Object.is(v, -0)) return "-0E0";
  if (!Number.isFinite(v)) return String(v);
  let s = String(v);
  for (let p = 1; p <= 9; p++) {
    const t = v.toPrecision(p);
    if (Math.fround(Number(t)) === v) {
      s = String(Number(t));
      break;
    }
  }
  return /[.eE]/.test(s) ? s : `${s}E0`;
}

/** JSON text of a document value, floats of Float32Array written as floats. */
function jsonText(v: UbjValue): string {
  if (v === null || typeof v === "boolean") return String(v);
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : floatText(v);
  if (typeof v === "string") return JSON.stringify(v);
  if (v instanceof Float32Array || v instanceof Float64Array) {
    const parts = new Array<string>(v.length);
    for (let i = 0; i < v.length; i++) parts[i] = floatText(v[i]!);
    return `[${parts.join(",")}]`;
  }
  if (ArrayBuffer.isView(v)) return `[${Array.from(v as ArrayLike<number>).join(",")}]`;
  if (Array.isArray(v)) return `[${v.map(jsonText).join(",")}]`;
  return `{${Object.entries(v)
    .map(([k, e]) => `${JSON.stringify(k)}:${jsonText(e)}`)
    .join(",")}}`;
}

/**
 * The booster as XGBoost's JSON model format, version 1.7.4: the text starts with `{"`, so
 * XGBoost 1.7's `Booster.load_model` reads it from a file of any name, `xgboost-model` included.
 * @internal
 */
export function boosterToJson(b: XGBoostBooster): string {
  return jsonText(document(b));
}

/**
 * The booster as XGBoost's UBJSON model format, version 1.7.4 (what `save_model("m.ubj")` writes).
 * @internal
 */
export function boosterToUbjson(b: XGBoostBooster): Uint8Array {
  return encodeUbjson(document(b));
}
