// `mx-mod-symbol.json`: Linear Learner's 7-node MXNet graph
// (data · fc0_weight + fc0_bias → LogisticRegressionOutput | LinearRegressionOutput).
import { ModelError } from "../../errors.js";
import type { PredictorType } from "./model.js";

/** File name of the symbol graph inside `model_algo-1`. */
export const SYMBOL_FILE = "mx-mod-symbol.json";

/** What the reader needs from a symbol graph. */
export interface SymbolInfo {
  /** From the head op. */
  predictorType: PredictorType;
  /** Op of every node, in order. */
  ops: string[];
  /** `fc0_weight`'s declared `__shape__`, when present and well-formed. */
  weightShape?: number[];
}

const HEADS: Record<PredictorType, readonly [string, string]> = {
  binary_classifier: ["LogisticRegressionOutput", "logisticregressionoutput"],
  regressor: ["LinearRegressionOutput", "linearregressionoutput"],
};

/** `"(20, 1)"` → `[20, 1]`; `undefined` for anything else. */
function parseShapeAttr(v: unknown): number[] | undefined {
  if (typeof v !== "string" || !/^\(\d+(, ?\d+)*,?\)$/.test(v)) return undefined;
  return v.slice(1, -1).split(",").filter((s) => s.trim() !== "").map(Number);
}

/** MXNet's tuple notation: `(20, 1)`, `(1,)`. */
export function shapeAttr(shape: readonly number[]): string {
  return `(${shape.join(", ")}${shape.length === 1 ? "," : ""})`;
}

/**
 * The symbol graph exactly as SageMaker writes it: `json.dumps(indent=2)` of Python 2 style (a
 * trailing space after each comma), attributes `__shape__` and `__lr_mult__`, MXNet 1.3.1.
 * `n` is the per-job counter in op names (`dot38`); readers match on ops, not names.
 */
export function symbolJson(featureDim: number, biasShape: readonly number[], predictorType: PredictorType, n: number): string {
  const [op, name] = HEADS[predictorType];
  return `{
  "nodes": [
    {
      "op": "null", 
      "name": "data", 
      "inputs": []
    }, 
    {
      "op": "null", 
      "name": "fc0_weight", 
      "attrs": {"__shape__": "${shapeAttr([featureDim, 1])}"}, 
      "inputs": []
    }, 
    {
      "op": "dot", 
      "name": "dot${n}", 
      "inputs": [[0, 0, 0], [1, 0, 0]]
    }, 
    {
      "op": "null", 
      "name": "fc0_bias", 
      "attrs": {
        "__lr_mult__": "10.0", 
        "__shape__": "${shapeAttr(biasShape)}"
      }, 
      "inputs": []
    }, 
    {
      "op": "broadcast_add", 
      "name": "broadcast_plus${n}", 
      "inputs": [[2, 0, 0], [3, 0, 0]]
    }, 
    {
      "op": "null", 
      "name": "out_label", 
      "inputs": []
    }, 
    {
      "op": "${op}", 
      "name": "${name}${n}", 
      "inputs": [[4, 0, 0], [5, 0, 0]]
    }
  ], 
  "arg_nodes": [0, 1, 3, 5], 
  "node_row_ptr": [0, 1, 2, 3, 4, 5, 6, 7], 
  "heads": [[6, 0, 0]], 
  "attrs": {"mxnet_version": ["int", 10301]}
}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function headPredictor(file: string, headOp: string | undefined): PredictorType {
  if (headOp === HEADS.binary_classifier[0]) return "binary_classifier";
  if (headOp === HEADS.regressor[0]) return "regressor";
  if (headOp === "SoftmaxOutput") throw new ModelError("MODEL_UNSUPPORTED", `${file}: a multiclass Linear Learner model (SoftmaxOutput) is not supported`);
  throw new ModelError(
    "MODEL_UNSUPPORTED",
    `${file}: unsupported symbol output op ${headOp === undefined ? "(none)" : headOp.slice(0, 80)} (expected LogisticRegressionOutput or LinearRegressionOutput)`,
  );
}

/**
 * Reads a parsed symbol graph: the predictor type from the head op, and checks it is Linear
 * Learner's (`dot` over `fc0_weight`, plus `fc0_bias`).
 * @throws {@link ModelError} `MODEL_CORRUPT` or `MODEL_UNSUPPORTED`.
 */
export function readSymbol(symbol: Record<string, unknown>, file: string): SymbolInfo {
  const nodes = symbol["nodes"];
  if (!Array.isArray(nodes) || !nodes.every((n) => isRecord(n) && typeof n["op"] === "string")) {
    throw new ModelError("MODEL_CORRUPT", `${file}: ${SYMBOL_FILE} has no valid "nodes" list`);
  }
  const list = nodes as Record<string, unknown>[];
  const ops = list.map((n) => n["op"] as string);
  const heads = symbol["heads"];
  const headIndex = Array.isArray(heads) && Array.isArray(heads[0]) ? Number(heads[0][0]) : ops.length - 1;
  const predictorType = headPredictor(file, ops[headIndex]);
  const params = new Map(list.filter((n) => n["op"] === "null").map((n) => [n["name"], n]));
  if (!ops.includes("dot") || !params.has("fc0_weight") || !params.has("fc0_bias")) {
    throw new ModelError("MODEL_UNSUPPORTED", `${file}: symbol graph is not Linear Learner's (needs dot over fc0_weight plus fc0_bias)`);
  }
  const attrs = params.get("fc0_weight")!["attrs"];
  const weightShape = isRecord(attrs) ? parseShapeAttr(attrs["__shape__"]) : undefined;
  return { predictorType, ops, ...(weightShape !== undefined ? { weightShape } : {}) };
}
