import { randomBytes } from "node:crypto";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { gunzipSync, gzipSync } from "node:zlib";
import { unzipSync, zipSync } from "fflate";
import { extract as tarExtract, pack as tarPack } from "tar-stream";
import { ModelError } from "./errors.js";
import { createModel } from "./model.js";
import type { LinearLearnerModel, PredictorType } from "./model.js";
import { NDARRAY_LIST_MAGIC, decodeNDArrayList, encodeNDArrayList } from "./ndarray.js";
import type { NDArrayEntry } from "./ndarray.js";

/** Name of the tar member SageMaker writes its model into. @public */
export const MODEL_MEMBER = "model_algo-1";

/** Largest decompressed artifact accepted by {@link loadModel} (512 MiB). @public */
export const MAX_ARTIFACT_BYTES = 512 * 1024 * 1024;

const SYMBOL_FILE = "mx-mod-symbol.json";
const PARAMS_FILE = "mx-mod-0000.params";
const MANIFEST_FILE = "manifest.json";
const ADDITIONAL_FILE = "additional-params.json";

/** The decoded content of a Linear Learner `model_algo-1`, before it becomes a model. @public */
export interface ModelArtifact {
  /** Inferred from the symbol's output op and `additional-params.json`. */
  predictorType: PredictorType;
  /** `additional-params.json` as stored (empty object when absent). */
  additionalParams: Record<string, unknown>;
  /** `manifest.json` as stored (empty object when absent). */
  manifest: Record<string, unknown>;
  /** Every array of `mx-mod-0000.params`. */
  arrays: NDArrayEntry[];
  /** Op names of the symbol graph's nodes, in order. */
  ops: string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const GZIP_MAGIC = [0x1f, 0x8b];
const LIST_MAGIC = [NDARRAY_LIST_MAGIC & 0xff, NDARRAY_LIST_MAGIC >> 8, 0, 0, 0, 0, 0, 0];

function isTar(bytes: Uint8Array): boolean {
  return bytes.length >= 512 && new TextDecoder().decode(bytes.subarray(257, 262)) === "ustar";
}

async function tarMember(bytes: Uint8Array, file: string): Promise<Uint8Array> {
  const ex = tarExtract();
  const members: string[] = [];
  let found: Uint8Array | undefined;
  const done = (async () => {
    for await (const entry of ex) {
      const chunks: Uint8Array[] = [];
      for await (const chunk of entry) chunks.push(chunk as Uint8Array);
      const name = entry.header.name;
      members.push(name);
      const base = name.split("/").filter(Boolean).pop();
      if (found === undefined && entry.header.type === "file" && base === MODEL_MEMBER) found = Buffer.concat(chunks);
    }
  })();
  ex.end(bytes);
  try {
    await done;
  } catch (err) {
    throw new ModelError("MODEL_CORRUPT", `${file}: corrupt tar archive (${(err as Error).message})`, { cause: err });
  }
  if (found === undefined) {
    throw new ModelError("MODEL_UNSUPPORTED", `${file}: no ${MODEL_MEMBER} member in the archive (members: ${members.join(", ") || "none"})`);
  }
  return found;
}

/**
 * Extracts `model_algo-1` from a `model.tar.gz` (also accepts an uncompressed tar or the bare
 * `model_algo-1` zip) and decodes its Linear Learner content.
 *
 * @param bytes - The artifact.
 * @param file - Name used in error messages.
 * @throws {@link ModelError} `MODEL_CORRUPT` or `MODEL_UNSUPPORTED`, naming what is wrong.
 * @public
 */
export async function decodeModelArtifact(bytes: Uint8Array, file = "model.tar.gz"): Promise<ModelArtifact> {
  let data = bytes;
  if (startsWith(data, GZIP_MAGIC)) {
    try {
      data = gunzipSync(data, { maxOutputLength: MAX_ARTIFACT_BYTES });
    } catch (err) {
      throw new ModelError("MODEL_CORRUPT", `${file}: corrupt gzip data (${(err as Error).message})`, { cause: err });
    }
  }
  if (!startsWith(data, ZIP_MAGIC) && !startsWith(data, LIST_MAGIC)) {
    if (!isTar(data)) throw new ModelError("MODEL_CORRUPT", `${file}: not a model.tar.gz (neither gzip-compressed tar, tar nor zip)`);
    data = await tarMember(data, file);
  }
  if (startsWith(data, LIST_MAGIC)) {
    throw new ModelError(
      "MODEL_UNSUPPORTED",
      `${file}: not a Linear Learner artifact: ${MODEL_MEMBER} is a bare MXNet NDArray list (as written by PCA or k-means)`,
    );
  }
  if (!startsWith(data, ZIP_MAGIC)) throw new ModelError("MODEL_UNSUPPORTED", `${file}: not a Linear Learner artifact: ${MODEL_MEMBER} is not a zip archive`);
  return decodeModelZip(data, file);
}

function decodeModelZip(zip: Uint8Array, file: string): ModelArtifact {
  let entries: Record<string, Uint8Array>;
  const names: string[] = [];
  try {
    entries = unzipSync(zip, {
      filter: (f) => {
        names.push(f.name);
        if (f.originalSize > MAX_ARTIFACT_BYTES) throw new Error(`entry ${f.name} is too large (${f.originalSize} bytes)`);
        return [SYMBOL_FILE, PARAMS_FILE, MANIFEST_FILE, ADDITIONAL_FILE].includes(f.name);
      },
    });
  } catch (err) {
    throw new ModelError("MODEL_CORRUPT", `${file}: corrupt ${MODEL_MEMBER} zip (${(err as Error).message})`, { cause: err });
  }
  if (names.includes("meta.json") && names.includes("symbol.json") && names.includes("params")) {
    throw new ModelError("MODEL_UNSUPPORTED", `${file}: a SageMaker Factorization Machines model (meta.json, symbol.json, params), not Linear Learner`);
  }
  const symbolBytes = entries[SYMBOL_FILE];
  const paramsBytes = entries[PARAMS_FILE];
  if (symbolBytes === undefined || paramsBytes === undefined) {
    throw new ModelError(
      "MODEL_UNSUPPORTED",
      `${file}: not a Linear Learner artifact: ${MODEL_MEMBER} holds [${names.join(", ")}], expected ${SYMBOL_FILE} and ${PARAMS_FILE}`,
    );
  }
  const json = (name: string, b: Uint8Array | undefined): Record<string, unknown> => {
    if (b === undefined) return {};
    let v: unknown;
    try {
      v = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(b));
    } catch (err) {
      throw new ModelError("MODEL_CORRUPT", `${file}: ${name} is not valid JSON (${(err as Error).message})`, { cause: err });
    }
    if (!isRecord(v)) throw new ModelError("MODEL_CORRUPT", `${file}: ${name} is not a JSON object`);
    return v;
  };
  const symbol = json(SYMBOL_FILE, symbolBytes);
  const manifest = json(MANIFEST_FILE, entries[MANIFEST_FILE]);
  const additionalParams = json(ADDITIONAL_FILE, entries[ADDITIONAL_FILE]);

  const nodes = symbol["nodes"];
  const heads = symbol["heads"];
  if (!Array.isArray(nodes) || !nodes.every((n) => isRecord(n) && typeof n["op"] === "string")) {
    throw new ModelError("MODEL_CORRUPT", `${file}: ${SYMBOL_FILE} has no valid "nodes" list`);
  }
  const ops = (nodes as Record<string, unknown>[]).map((n) => n["op"] as string);
  const headIndex = Array.isArray(heads) && Array.isArray(heads[0]) ? Number(heads[0][0]) : ops.length - 1;
  const headOp = ops[headIndex];
  let predictorType: PredictorType;
  if (headOp === "LogisticRegressionOutput") predictorType = "binary_classifier";
  else if (headOp === "LinearRegressionOutput") predictorType = "regressor";
  else if (headOp === "SoftmaxOutput") throw new ModelError("MODEL_UNSUPPORTED", `${file}: a multiclass Linear Learner model (SoftmaxOutput) is not supported`);
  else throw new ModelError("MODEL_UNSUPPORTED", `${file}: unsupported symbol output op ${String(headOp)} (expected LogisticRegressionOutput or LinearRegressionOutput)`);
  const named = new Set((nodes as Record<string, unknown>[]).filter((n) => n["op"] === "null").map((n) => n["name"]));
  if (!ops.includes("dot") || !named.has("fc0_weight") || !named.has("fc0_bias")) {
    throw new ModelError("MODEL_UNSUPPORTED", `${file}: symbol graph is not Linear Learner's (needs dot over fc0_weight plus fc0_bias)`);
  }
  const declared = additionalParams["predictor_type"];
  if (declared !== undefined && declared !== predictorType) {
    if (declared === "multiclass_classifier") throw new ModelError("MODEL_UNSUPPORTED", `${file}: multiclass_classifier models are not supported`);
    throw new ModelError("MODEL_CORRUPT", `${file}: additional-params.json says predictor_type ${String(declared)} but the symbol's output is ${headOp}`);
  }
  const arrays = decodeNDArrayList(paramsBytes, `${file}: ${PARAMS_FILE}`);
  return { predictorType, additionalParams, manifest, arrays, ops };
}

function findArray(arrays: NDArrayEntry[], name: string, file: string): NDArrayEntry {
  const a = arrays.find((x) => x.name === `arg:${name}`) ?? arrays.find((x) => x.name === name);
  if (a === undefined || a.shape === null) {
    throw new ModelError("MODEL_CORRUPT", `${file}: ${PARAMS_FILE} has no arg:${name} array (arrays: ${arrays.map((x) => x.name).join(", ") || "none"})`);
  }
  return a;
}

/**
 * Turns a decoded artifact into a model that can predict.
 * @throws {@link ModelError} when `fc0_weight`/`fc0_bias` are missing or have the wrong shape.
 * @public
 */
export function modelFromArtifact(artifact: ModelArtifact, file = "model.tar.gz"): LinearLearnerModel {
  const w = findArray(artifact.arrays, "fc0_weight", file);
  const b = findArray(artifact.arrays, "fc0_bias", file);
  const ws = w.shape!;
  if (ws.length === 2 && ws[1]! > 1) {
    throw new ModelError("MODEL_UNSUPPORTED", `${file}: fc0_weight has shape (${ws.join(", ")}): multiclass models are not supported`);
  }
  if (!(ws.length === 1 || (ws.length === 2 && ws[1] === 1)) || ws[0]! < 1) {
    throw new ModelError("MODEL_CORRUPT", `${file}: fc0_weight has shape (${ws.join(", ")}), expected (features, 1)`);
  }
  if (b.values.length !== 1) throw new ModelError("MODEL_CORRUPT", `${file}: fc0_bias has shape (${b.shape!.join(", ")}), expected (1,) or (1, 1)`);
  for (const v of w.values) if (!Number.isFinite(v)) throw new ModelError("MODEL_CORRUPT", `${file}: fc0_weight holds a non-finite value ${v}`);
  if (!Number.isFinite(b.values[0])) throw new ModelError("MODEL_CORRUPT", `${file}: fc0_bias is not finite`);
  let threshold = 0.5;
  const t = artifact.additionalParams["threshold"];
  if (t !== undefined) {
    if (typeof t !== "number" || !(t >= 0 && t <= 1)) throw new ModelError("MODEL_CORRUPT", `${file}: additional-params.json threshold ${JSON.stringify(t)} is not a number in [0, 1]`);
    threshold = t;
  }
  const loss = artifact.additionalParams["loss_type"];
  return createModel({
    predictorType: artifact.predictorType,
    weights: w.values,
    bias: b.values[0]!,
    threshold,
    ...(typeof loss === "string" ? { lossType: loss } : {}),
  });
}

/**
 * Loads a Linear Learner `model.tar.gz` — one written by {@link writeModelArtifact} or one
 * downloaded from a real SageMaker training job — from a path or from bytes.
 *
 * @example
 * ```ts
 * const model = await loadModel("out/model.tar.gz");
 * const [p] = model.predict([features]); // { score: 0.93, predictedLabel: 1 }
 * ```
 * @throws {@link ModelError} `MODEL_NOT_FOUND`, `MODEL_CORRUPT` or `MODEL_UNSUPPORTED` (Factorization
 *   Machines, PCA, k-means, multiclass, anything that is not a Linear Learner artifact).
 * @public
 */
export async function loadModel(source: string | Uint8Array): Promise<LinearLearnerModel> {
  let bytes: Uint8Array;
  const file = typeof source === "string" ? source : "model.tar.gz";
  if (typeof source === "string") {
    try {
      bytes = await readFile(source);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? "";
      throw new ModelError("MODEL_NOT_FOUND", `${source}: cannot read model (${code || (err as Error).message})`, { cause: err });
    }
  } else bytes = source;
  return modelFromArtifact(await decodeModelArtifact(bytes, file), file);
}

/** What {@link writeModelArtifact} and {@link encodeModelArtifact} store. @public */
export interface ModelArtifactInput {
  /** One weight per feature (normalisation already folded in). */
  weights: ArrayLike<number>;
  /** Intercept. */
  bias: number;
  /** Decision threshold in probability space (classifiers). @defaultValue 0.5 */
  threshold?: number;
  /** `binary_classifier` or `regressor`. */
  predictorType: PredictorType;
  /** `loss_type` in additional-params.json. @defaultValue "logistic" or "squared_loss" */
  lossType?: string;
  /** Extra `metrics_params` entries (merged over Linear Learner's defaults). */
  metricsParams?: Record<string, unknown>;
  /**
   * Shape of `arg:fc0_bias`: `[1]` per this project's contract, or `[1, 1]` as SageMaker's own
   * artifacts store it. The symbol's `__shape__` follows.
   * @defaultValue [1]
   */
  biasShape?: [1] | [1, 1];
  /** Counter suffix of op names (`dot0`, …); SageMaker uses a per-job counter. @defaultValue 0 */
  nodeSuffix?: number;
  /** Modification time recorded in the tar and zip entries. @defaultValue 1980-01-01T00:00:00Z */
  mtime?: Date;
}

function symbolJson(featureDim: number, biasShape: readonly number[], predictorType: PredictorType, n: number): string {
  const head = predictorType === "binary_classifier" ? ["LogisticRegressionOutput", "logisticregressionoutput"] : ["LinearRegressionOutput", "linearregressionoutput"];
  const bias = `(${biasShape.join(", ")}${biasShape.length === 1 ? "," : ""})`;
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
      "attrs": {"__shape__": "(${featureDim}, 1)"}, 
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
        "__shape__": "${bias}"
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
      "op": "${head[0]}", 
      "name": "${head[1]}${n}", 
      "inputs": [[4, 0, 0], [5, 0, 0]]
    }
  ], 
  "arg_nodes": [0, 1, 3, 5], 
  "node_row_ptr": [0, 1, 2, 3, 4, 5, 6, 7], 
  "heads": [[6, 0, 0]], 
  "attrs": {"mxnet_version": ["int", 10301]}
}`;
}

/** Python `json.dumps` spacing (", " and ": "), which is how SageMaker writes its JSON files. */
function pyJson(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "NaN";
  if (typeof v !== "object") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(pyJson).join(", ")}]`;
  return `{${Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${JSON.stringify(k)}: ${pyJson(x)}`)
    .join(", ")}}`;
}

/**
 * Encodes a model as Linear Learner's `model.tar.gz`: one tar member `model_algo-1`, a zip of
 * stored entries `additional-params.json`, `mx-mod-0000.params`, `manifest.json`,
 * `mx-mod-symbol.json`. Deterministic: the same input gives the same bytes.
 * @throws {@link ModelError} `INVALID_ARGUMENT` for empty/non-finite weights or a threshold outside [0, 1].
 * @public
 */
export async function encodeModelArtifact(input: ModelArtifactInput): Promise<Uint8Array> {
  const model = createModel(input); // validates
  const biasShape = input.biasShape ?? [1];
  const mtime = input.mtime ?? new Date(Date.UTC(1980, 0, 1));
  const threshold = input.threshold ?? 0.5;
  const lossType = model.lossType;
  const params = encodeNDArrayList([
    { name: "arg:fc0_weight", shape: [model.featureDim, 1], values: model.weights },
    { name: "arg:fc0_bias", shape: biasShape, values: [model.bias] },
  ]);
  const metricsParams = {
    quantile: null,
    huber_delta: null,
    margin: null,
    loss_insensitivity: null,
    eps_insensitive_loss_type: null,
    accuracy_top_k: 3,
    f_beta: input.predictorType === "binary_classifier" ? 1.0 : null,
    positive_example_weight_mult: 1.0,
    class_weights: null,
    ...input.metricsParams,
    threshold,
  };
  const additional = pyJson({ threshold, loss_type: lossType, predictor_type: input.predictorType, metrics_params: metricsParams });
  const manifest = pyJson({ "mx-mod": "mxnet_module", "additional-params.json": "json", version: 1 });
  const enc = new TextEncoder();
  const opts = { level: 0 as const, mtime };
  const zip = zipSync({
    [ADDITIONAL_FILE]: [enc.encode(additional), opts],
    [PARAMS_FILE]: [params, opts],
    [MANIFEST_FILE]: [enc.encode(manifest), opts],
    [SYMBOL_FILE]: [enc.encode(symbolJson(model.featureDim, biasShape, input.predictorType, input.nodeSuffix ?? 0)), opts],
  });
  const pack = tarPack();
  pack.entry({ name: MODEL_MEMBER, size: zip.length, mode: 0o644, mtime, uid: 0, gid: 0, uname: "", gname: "" }, zip);
  pack.finalize();
  const chunks: Uint8Array[] = [];
  for await (const chunk of pack) chunks.push(chunk as Uint8Array);
  return gzipSync(Buffer.concat(chunks), { level: 9 });
}

/**
 * Writes a model as Linear Learner's `model.tar.gz` (see {@link encodeModelArtifact}), atomically:
 * a temporary file in the same directory is renamed over `path`.
 *
 * @example
 * ```ts
 * await writeModelArtifact("out/model.tar.gz", { predictorType: "binary_classifier", weights, bias, threshold: 0.42 });
 * ```
 * @public
 */
export async function writeModelArtifact(path: string, input: ModelArtifactInput): Promise<void> {
  await writeFileAtomic(path, await encodeModelArtifact(input));
}

/**
 * Writes `data` to `path` through a temporary sibling file and a rename, so readers never see a
 * half-written file.
 * @public
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
