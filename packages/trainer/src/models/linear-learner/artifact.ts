import { MAX_JSON_DEPTH, parseJsonBounded } from "@fraud/contracts";
import writeFileAtomic from "write-file-atomic";
import { ModelError } from "../../errors.js";
import { quote } from "../../text.js";
import { MODEL_MEMBER, isZip, memberList, openArtifact, readArtifactFile, readZip, startsWith, writeGzip, writeTar, writeZip } from "../../model/archive.js";
import { resolveLimits } from "../../model/limits.js";
import type { ArtifactMembers } from "../model.js";
import type { ModelLimits } from "../../model/limits.js";
import { createModel } from "./model.js";
import type { LinearLearnerModel, PredictorType } from "./model.js";
import { decodeNDArrayList } from "./ndarray-decode.js";
import { encodeNDArrayList } from "./ndarray-encode.js";
import { NDARRAY_LIST_MAGIC } from "./ndarray-format.js";
import type { NDArrayEntry } from "./ndarray-format.js";
import { PyInt, pyJson } from "./pyjson.js";
import type { PyValue } from "./pyjson.js";
import { SYMBOL_FILE, readSymbol, symbolJson } from "./symbol.js";

const PARAMS_FILE = "mx-mod-0000.params";
const MANIFEST_FILE = "manifest.json";
const ADDITIONAL_FILE = "additional-params.json";
const LIST_MAGIC = [NDARRAY_LIST_MAGIC & 0xff, NDARRAY_LIST_MAGIC >> 8, 0, 0, 0, 0, 0, 0];

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
  /** `fc0_weight`'s `__shape__` as the symbol declares it, when it does. */
  weightShape?: number[];
}

/** Options of {@link decodeModelArtifact} and {@link loadLinearLearnerModel}: the limits, and a name for messages. @public */
export interface ReadModelOptions extends ModelLimits {
  /**
   * Name of the artifact in error messages.
   * @defaultValue the path, or "model.tar.gz" for bytes
   */
  name?: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Largest JSON entry (`mx-mod-symbol.json`, `manifest.json`, `additional-params.json`) read, by
 * declared size, before anything is inflated: 1 MiB (SageMaker's are under 2 KB). JSON is also
 * limited to {@link MAX_ARTIFACT_JSON_DEPTH} levels, checked in one linear pass before parsing.
 */
export const MAX_ARTIFACT_JSON_BYTES = 1024 * 1024;
/** Deepest nesting accepted in an artifact's JSON entries: 64 levels (SageMaker's use 4). */
export const MAX_ARTIFACT_JSON_DEPTH = MAX_JSON_DEPTH;

function parseJsonEntry(file: string, name: string, b: Uint8Array | undefined): Record<string, unknown> {
  if (b === undefined) return {};
  let v: unknown;
  try {
    v = parseJsonBounded(new TextDecoder("utf-8", { fatal: true }).decode(b), { maxDepth: MAX_ARTIFACT_JSON_DEPTH });
  } catch (err) {
    if ((err as { code?: string }).code === "JSON_TOO_DEEP") {
      throw new ModelError("MODEL_CORRUPT", `${file}: ${name} is nested deeper than ${MAX_ARTIFACT_JSON_DEPTH} levels`, { cause: err });
    }
    throw new ModelError("MODEL_CORRUPT", `${file}: ${name} is not valid JSON (${(err as Error).message.slice(0, 80)})`, { cause: err });
  }
  if (!isRecord(v)) throw new ModelError("MODEL_CORRUPT", `${file}: ${name} is not a JSON object`);
  return v;
}

/**
 * Extracts `model_algo-1` from a `model.tar.gz` (also accepts an uncompressed tar or the bare
 * `model_algo-1` zip) and decodes its Linear Learner content. Sizes are bounded by the
 * {@link ModelLimits} before anything is decompressed or allocated; the tar member is matched by
 * its exact path (`model_algo-1` or `./model_algo-1`, never a base name in another folder).
 *
 * @example
 * ```ts
 * const artifact = await decodeModelArtifact(bytes);
 * artifact.arrays.map((a) => a.name); // ["arg:fc0_weight", "arg:fc0_bias"]
 * ```
 * @param options - The limits and the name used in messages (a string is the name).
 * @throws {@link ModelError} `MODEL_CORRUPT`, `MODEL_UNSUPPORTED` or `MODEL_TOO_LARGE`, naming what is wrong.
 * @public
 */
export async function decodeModelArtifact(bytes: Uint8Array, options: ReadModelOptions | string = {}): Promise<ModelArtifact> {
  const opts = typeof options === "string" ? { name: options } : options;
  const limits = resolveLimits(opts);
  return decodeOpened(await openArtifact(bytes, opts.name ?? "model.tar.gz", limits));
}

/** Whether an opened artifact is Linear Learner's: a `model_algo-1` zip or NDArray list, or a bare zip. */
export function isLinearLearnerArtifact(a: ArtifactMembers): boolean {
  // A `model_algo-1` that is neither a zip nor an NDArray list is another built-in algorithm's
  // (the randomcutforest plug-in explains it).
  const m = a.members.get(MODEL_MEMBER);
  return (m !== undefined && (isZip(m) || startsWith(m, LIST_MAGIC))) || a.special.has(MODEL_MEMBER) || (a.bare !== undefined && isZip(a.bare));
}

/** Decodes the Linear Learner content of an opened artifact. */
export function decodeOpened(a: ArtifactMembers): ModelArtifact {
  const file = a.name;
  const member = a.bare ?? a.members.get(MODEL_MEMBER);
  const type = a.special.get(MODEL_MEMBER);
  if (member === undefined && type !== undefined) throw new ModelError("MODEL_CORRUPT", `${file}: ${quote(MODEL_MEMBER)} is a ${type} entry, not a file`);
  if (member === undefined) {
    throw new ModelError("MODEL_UNSUPPORTED", `${file}: no ${MODEL_MEMBER} member at the archive root (members: ${memberList(a.members.keys())})`);
  }
  if (startsWith(member, LIST_MAGIC)) {
    throw new ModelError("MODEL_UNSUPPORTED", `${file}: not a Linear Learner artifact: ${MODEL_MEMBER} is a bare MXNet NDArray list (as written by PCA or k-means)`);
  }
  if (!isZip(member)) {
    if (a.bare !== undefined) throw new ModelError("MODEL_CORRUPT", `${file}: not a model.tar.gz (neither gzip-compressed tar, tar nor zip)`);
    throw new ModelError("MODEL_UNSUPPORTED", `${file}: not a Linear Learner artifact: ${MODEL_MEMBER} is not a zip archive`);
  }
  return decodeModelZip(member, file, a.limits);
}

function decodeModelZip(zip: Uint8Array, file: string, limits: Required<ModelLimits>): ModelArtifact {
  const jsonCap = MAX_ARTIFACT_JSON_BYTES;
  const { entries, names } = readZip(zip, [SYMBOL_FILE, PARAMS_FILE, MANIFEST_FILE, ADDITIONAL_FILE], file, limits.maxUncompressedBytes, {
    [SYMBOL_FILE]: jsonCap,
    [MANIFEST_FILE]: jsonCap,
    [ADDITIONAL_FILE]: jsonCap,
  });
  if (names.includes("meta.json") && names.includes("symbol.json") && names.includes("params")) {
    throw new ModelError("MODEL_UNSUPPORTED", `${file}: a SageMaker Factorization Machines model (meta.json, symbol.json, params), not Linear Learner`);
  }
  const symbolBytes = entries[SYMBOL_FILE];
  const paramsBytes = entries[PARAMS_FILE];
  if (symbolBytes === undefined || paramsBytes === undefined) {
    const held = names.slice(0, 8).map(quote).join(", ") + (names.length > 8 ? ", …" : "");
    throw new ModelError("MODEL_UNSUPPORTED", `${file}: not a Linear Learner artifact: ${MODEL_MEMBER} holds [${held}], expected ${SYMBOL_FILE} and ${PARAMS_FILE}`);
  }
  const symbol = readSymbol(parseJsonEntry(file, SYMBOL_FILE, symbolBytes), file);
  const manifest = parseJsonEntry(file, MANIFEST_FILE, entries[MANIFEST_FILE]);
  const additionalParams = parseJsonEntry(file, ADDITIONAL_FILE, entries[ADDITIONAL_FILE]);
  const declared = additionalParams["predictor_type"];
  if (declared !== undefined && declared !== symbol.predictorType) {
    if (declared === "multiclass_classifier") throw new ModelError("MODEL_UNSUPPORTED", `${file}: multiclass_classifier models are not supported`);
    throw new ModelError("MODEL_CORRUPT", `${file}: ${ADDITIONAL_FILE} says predictor_type ${quote(String(declared))} but the symbol's output is ${symbol.ops.at(-1) ?? "?"}`);
  }
  const arrays = decodeNDArrayList(paramsBytes, { name: `${file}: ${PARAMS_FILE}`, maxElements: limits.maxFeatures });
  return { predictorType: symbol.predictorType, additionalParams, manifest, arrays, ops: symbol.ops, ...(symbol.weightShape ? { weightShape: symbol.weightShape } : {}) };
}

function findArray(arrays: NDArrayEntry[], name: string, file: string): NDArrayEntry & { shape: number[] } {
  const a = arrays.find((x) => x.name === `arg:${name}`) ?? arrays.find((x) => x.name === name);
  if (a === undefined || a.shape === null) {
    const names = arrays.slice(0, 8).map((x) => x.name.slice(0, 80)).join(", ");
    throw new ModelError("MODEL_CORRUPT", `${file}: ${PARAMS_FILE} has no arg:${name} array (arrays: ${names || "none"})`);
  }
  return a as NDArrayEntry & { shape: number[] };
}

function checkWeights(w: NDArrayEntry & { shape: number[] }, declared: number[] | undefined, file: string): void {
  const ws = w.shape;
  if (ws.length === 2 && ws[1]! > 1) {
    throw new ModelError("MODEL_UNSUPPORTED", `${file}: fc0_weight has shape (${ws.join(", ")}): multiclass models are not supported`);
  }
  if (!(ws.length === 1 || (ws.length === 2 && ws[1] === 1)) || ws[0]! < 1) {
    throw new ModelError("MODEL_CORRUPT", `${file}: fc0_weight has shape (${ws.join(", ")}), expected (features, 1)`);
  }
  if (declared !== undefined && declared[0] !== ws[0]) {
    throw new ModelError("MODEL_CORRUPT", `${file}: ${SYMBOL_FILE} declares fc0_weight (${declared.join(", ")}) but ${PARAMS_FILE} holds (${ws.join(", ")})`);
  }
  for (const v of w.values) if (!Number.isFinite(v)) throw new ModelError("MODEL_CORRUPT", `${file}: fc0_weight holds a non-finite value ${v}`);
}

/**
 * Turns a decoded artifact into a model that can predict. Accepts `fc0_bias` of shape (1, 1), as
 * SageMaker writes it, and (1,).
 * @throws {@link ModelError} when `fc0_weight`/`fc0_bias` are missing or have the wrong shape.
 */
export function modelFromArtifact(artifact: ModelArtifact, file = "model.tar.gz", sha256?: string): LinearLearnerModel {
  const w = findArray(artifact.arrays, "fc0_weight", file);
  const b = findArray(artifact.arrays, "fc0_bias", file);
  checkWeights(w, artifact.weightShape, file);
  if (b.values.length !== 1) throw new ModelError("MODEL_CORRUPT", `${file}: fc0_bias has shape (${b.shape.join(", ")}), expected (1, 1) or (1,)`);
  if (!Number.isFinite(b.values[0])) throw new ModelError("MODEL_CORRUPT", `${file}: fc0_bias is not finite`);
  let threshold = 0.5;
  const t = artifact.additionalParams["threshold"];
  if (t !== undefined) {
    if (typeof t !== "number" || !(t >= 0 && t <= 1)) {
      throw new ModelError("MODEL_CORRUPT", `${file}: ${ADDITIONAL_FILE} threshold ${JSON.stringify(t).slice(0, 80)} is not a number in [0, 1]`);
    }
    threshold = t;
  }
  const loss = artifact.additionalParams["loss_type"];
  return createModel({
    predictorType: artifact.predictorType,
    weights: w.values,
    bias: b.values[0]!,
    threshold,
    ...(typeof loss === "string" ? { lossType: loss } : {}),
    ...(sha256 !== undefined ? { source: { name: file, sha256 } } : {}),
  });
}

/**
 * Loads a Linear Learner `model.tar.gz` (and nothing else: `loadModel` reads any registered
 * algorithm) — one written by {@link writeModelArtifact} or one
 * downloaded from a real SageMaker training job — from a path or from bytes, within the
 * {@link ModelLimits} (a file above `maxArtifactBytes` is refused before it is read).
 *
 * @example
 * ```ts
 * const model = await loadLinearLearnerModel("out/model.tar.gz");
 * const [p] = model.predict([features]); // { score: 0.93, predictedLabel: 1 }
 * ```
 * @throws {@link ModelError} `MODEL_NOT_FOUND`, `MODEL_CORRUPT`, `MODEL_TOO_LARGE` or
 *   `MODEL_UNSUPPORTED` (Factorization Machines, PCA, k-means, multiclass, anything that is not a
 *   Linear Learner artifact); `INVALID_ARGUMENT` for a bad limit.
 * @public
 */
export async function loadLinearLearnerModel(source: string | Uint8Array, options: ReadModelOptions = {}): Promise<LinearLearnerModel> {
  const limits = resolveLimits(options);
  const file = options.name ?? (typeof source === "string" ? source : "model.tar.gz");
  const bytes = typeof source === "string" ? await readArtifactFile(source, limits.maxArtifactBytes) : source;
  const opened = await openArtifact(bytes, file, limits);
  return modelFromArtifact(decodeOpened(opened), file, opened.sha256);
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
  /** Extra `metrics_params` entries (merged over Linear Learner's defaults; numbers are written as Python floats). */
  metricsParams?: Record<string, string | number | boolean | null>;
  /**
   * Shape of `arg:fc0_bias`; the symbol's `__shape__` follows. `[1]` only reproduces the
   * artifacts of earlier versions of this package: SageMaker writes and serves `[1, 1]`.
   * @defaultValue [1, 1]
   */
  biasShape?: [1, 1] | [1];
  /** Counter suffix of op names (`dot0`, …); SageMaker uses a per-job counter. @defaultValue 0 */
  nodeSuffix?: number;
  /** Modification time recorded in the tar and zip entries (1980–2099). @defaultValue 1980-01-01T00:00:00Z */
  mtime?: Date;
}

const DEFAULT_MTIME = new Date(Date.UTC(1980, 0, 1));

/** `additional-params.json` with Linear Learner's keys, order and number types. */
function additionalParams(input: ModelArtifactInput, lossType: string, threshold: number): string {
  const metrics: Record<string, PyValue> = {
    quantile: null,
    huber_delta: null,
    margin: null,
    loss_insensitivity: null,
    eps_insensitive_loss_type: null,
    accuracy_top_k: new PyInt(3),
    f_beta: input.predictorType === "binary_classifier" ? 1.0 : null,
    positive_example_weight_mult: 1.0,
    class_weights: null,
    ...input.metricsParams,
    threshold,
  };
  return pyJson({ threshold, loss_type: lossType, predictor_type: input.predictorType, metrics_params: metrics });
}

/**
 * Encodes a model as Linear Learner's `model.tar.gz`, in the layout of SageMaker's own artifacts:
 * a gzip (no name, mtime 0) of a ustar tar with one member `model_algo-1` (mode 0100644, owner
 * 0/0, padded to 10240 bytes), a zip of stored entries `additional-params.json`,
 * `mx-mod-0000.params`, `manifest.json`, `mx-mod-symbol.json`; V2 NDArrays `arg:fc0_weight`
 * float32 (D, 1) and `arg:fc0_bias` float32 (1, 1); JSON written the way Python writes it
 * (`"f_beta": 1.0`). Deterministic: the same input gives the same bytes.
 *
 * @example
 * ```ts
 * const bytes = await encodeModelArtifact({ predictorType: "binary_classifier", weights: [0.5, -1], bias: 0.1, threshold: 0.3 });
 * ```
 * @throws {@link ModelError} `INVALID_ARGUMENT` for empty/non-finite weights, a threshold outside
 *   [0, 1] or a modification time outside 1980–2099.
 * @public
 */
export async function encodeModelArtifact(input: ModelArtifactInput): Promise<Uint8Array> {
  const model = createModel(input); // validates
  const biasShape = input.biasShape ?? [1, 1];
  const mtime = input.mtime ?? DEFAULT_MTIME;
  const year = mtime.getUTCFullYear();
  if (!(year >= 1980 && year <= 2099)) throw new ModelError("INVALID_ARGUMENT", `mtime ${Number.isNaN(year) ? "Invalid Date" : mtime.toISOString()} is outside 1980-2099`);
  const nodeSuffix = input.nodeSuffix ?? 0;
  if (!Number.isSafeInteger(nodeSuffix) || nodeSuffix < 0) throw new ModelError("INVALID_ARGUMENT", `nodeSuffix must be a non-negative integer, got ${nodeSuffix}`);
  const params = encodeNDArrayList([
    { name: "arg:fc0_weight", shape: [model.featureDim, 1], values: model.weights },
    { name: "arg:fc0_bias", shape: biasShape, values: [model.bias] },
  ]);
  const enc = new TextEncoder();
  const zip = writeZip(
    [
      { name: ADDITIONAL_FILE, data: enc.encode(additionalParams(input, model.lossType, model.threshold)) },
      { name: PARAMS_FILE, data: params },
      { name: MANIFEST_FILE, data: enc.encode(pyJson({ "mx-mod": "mxnet_module", "additional-params.json": "json", version: new PyInt(1) })) },
      { name: SYMBOL_FILE, data: enc.encode(symbolJson(model.featureDim, biasShape, input.predictorType, nodeSuffix)) },
    ],
    mtime,
  );
  return writeGzip(writeTar(MODEL_MEMBER, zip, mtime));
}

/**
 * Writes a model as Linear Learner's `model.tar.gz` (see {@link encodeModelArtifact}), atomically:
 * readers never see a half-written file.
 *
 * @example
 * ```ts
 * await writeModelArtifact("out/model.tar.gz", { predictorType: "binary_classifier", weights, bias, threshold: 0.42 });
 * ```
 * @throws {@link ModelError} `INVALID_ARGUMENT` (see {@link encodeModelArtifact}), `IO_ERROR`
 *   when the file cannot be written.
 * @public
 */
export async function writeModelArtifact(path: string, input: ModelArtifactInput): Promise<void> {
  const bytes = Buffer.from(await encodeModelArtifact(input));
  try {
    await writeFileAtomic(path, bytes);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "";
    throw new ModelError("IO_ERROR", `${path.slice(0, 200)}: cannot write model (${code || (err as Error).message})`, { cause: err });
  }
}
